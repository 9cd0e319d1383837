"""what a priority change or a move changed, on the request's timeline

Revision ID: ac153b0cf01b
Revises: b7e3c1d5a902
Create Date: 2026-11-28 15:20:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'ac153b0cf01b'
down_revision = "b7e3c1d5a902"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('request_event', schema=None) as batch_op:
        batch_op.add_column(sa.Column('details', sa.JSON(), nullable=True))


def downgrade():
    with op.batch_alter_table('request_event', schema=None) as batch_op:
        batch_op.drop_column('details')
