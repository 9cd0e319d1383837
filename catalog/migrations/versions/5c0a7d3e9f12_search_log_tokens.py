"""search log entries named by a random token (written in batches)

Revision ID: 5c0a7d3e9f12
Revises: 836ec554ee36
Create Date: 2026-11-28 18:45:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '5c0a7d3e9f12'
down_revision = '836ec554ee36'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('search_log', schema=None) as batch_op:
        batch_op.add_column(sa.Column('token', sa.BigInteger(), nullable=True))
        batch_op.create_index(batch_op.f('ix_search_log_token'), ['token'], unique=True)


def downgrade():
    with op.batch_alter_table('search_log', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_search_log_token'))
        batch_op.drop_column('token')
