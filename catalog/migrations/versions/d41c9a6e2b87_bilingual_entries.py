"""bilingual entries: the other language's texts of offerings and departments

Revision ID: d41c9a6e2b87
Revises: 721775e80aed
Create Date: 2026-11-28 15:20:00.000000

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = 'd41c9a6e2b87'
down_revision = "721775e80aed"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('offering', schema=None) as batch_op:
        batch_op.add_column(sa.Column('translations', sa.JSON(), server_default='{}',
                                      nullable=False))
    with op.batch_alter_table('department', schema=None) as batch_op:
        batch_op.add_column(sa.Column('language', sa.String(length=5), server_default='en',
                                      nullable=False))
        batch_op.add_column(sa.Column('translations', sa.JSON(), server_default='{}',
                                      nullable=False))


def downgrade():
    with op.batch_alter_table('department', schema=None) as batch_op:
        batch_op.drop_column('translations')
        batch_op.drop_column('language')
    with op.batch_alter_table('offering', schema=None) as batch_op:
        batch_op.drop_column('translations')
