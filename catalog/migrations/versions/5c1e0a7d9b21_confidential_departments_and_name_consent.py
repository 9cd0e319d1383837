"""confidential departments and consent to be named when thanked

Revision ID: 5c1e0a7d9b21
Revises: c4a7d2e9f013
Create Date: 2026-11-28 09:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '5c1e0a7d9b21'
down_revision = 'c4a7d2e9f013'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('department', schema=None) as batch_op:
        batch_op.add_column(sa.Column('confidential', sa.Boolean(), server_default=sa.false(),
                                      nullable=False))
    with op.batch_alter_table('user_account', schema=None) as batch_op:
        batch_op.add_column(sa.Column('show_name_when_thanked', sa.Boolean(),
                                      server_default=sa.false(), nullable=False))


def downgrade():
    with op.batch_alter_table('user_account', schema=None) as batch_op:
        batch_op.drop_column('show_name_when_thanked')
    with op.batch_alter_table('department', schema=None) as batch_op:
        batch_op.drop_column('confidential')
