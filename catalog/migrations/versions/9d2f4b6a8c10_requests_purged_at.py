"""when a request's answers and texts were removed (retention, forgetting a person)

Revision ID: 9d2f4b6a8c10
Revises: 5c1e0a7d9b21
Create Date: 2026-11-28 09:00:00.000000

"""
from alembic import op
import sqlalchemy as sa

import catalog.models.base


# revision identifiers, used by Alembic.
revision = '9d2f4b6a8c10'
down_revision = '5c1e0a7d9b21'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('service_request', schema=None) as batch_op:
        batch_op.add_column(sa.Column('purged_at', catalog.models.base.UTCDateTime(timezone=True),
                                      nullable=True))


def downgrade():
    with op.batch_alter_table('service_request', schema=None) as batch_op:
        batch_op.drop_column('purged_at')
