"""breakdown rollups per department, offering and day

Creates the breakdown rollup tables (requests sent back and forth or cancelled by their
requester, and the ended stays at each waited status per bucket of minutes) and fills them from
the requests and status changes already stored (the same computation as `flask --app portal
rollups rebuild`).

Revision ID: 5b2d7e19c4a1
Revises: 5c0a7d3e9f12
Create Date: 2026-11-28 18:40:00.000000

"""
from alembic import op
import sqlalchemy as sa
from sqlalchemy.orm import Session


# revision identifiers, used by Alembic.
revision = '5b2d7e19c4a1'
down_revision = '5c0a7d3e9f12'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('breakdown_day',
    sa.Column('department_id', sa.Integer(), nullable=False),
    sa.Column('offering_id', sa.Integer(), nullable=False),
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('back_and_forth', sa.Integer(), nullable=False),
    sa.Column('cancelled', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['department_id'], ['department.id'], name=op.f('fk_breakdown_day_department_id_department'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['offering_id'], ['offering.id'], name=op.f('fk_breakdown_day_offering_id_offering'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('department_id', 'offering_id', 'day', name=op.f('pk_breakdown_day'))
    )
    with op.batch_alter_table('breakdown_day', schema=None) as batch_op:
        batch_op.create_index('ix_breakdown_day_day', ['day'], unique=False)

    op.create_table('wait_day',
    sa.Column('department_id', sa.Integer(), nullable=False),
    sa.Column('offering_id', sa.Integer(), nullable=False),
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('bucket', sa.Integer(), nullable=False),
    sa.Column('stays', sa.Integer(), nullable=False),
    sa.Column('minutes', sa.Float(), nullable=False),
    sa.ForeignKeyConstraint(['department_id'], ['department.id'], name=op.f('fk_wait_day_department_id_department'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['offering_id'], ['offering.id'], name=op.f('fk_wait_day_offering_id_offering'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('department_id', 'offering_id', 'day', 'status', 'bucket', name=op.f('pk_wait_day'))
    )
    with op.batch_alter_table('wait_day', schema=None) as batch_op:
        batch_op.create_index('ix_wait_day_day', ['day'], unique=False)

    # Fill both from the requests and status changes there are.
    from catalog.commitments import breakdown_rollups
    breakdown_rollups.rebuild(Session(bind=op.get_bind()))


def downgrade():
    with op.batch_alter_table('wait_day', schema=None) as batch_op:
        batch_op.drop_index('ix_wait_day_day')
    op.drop_table('wait_day')
    with op.batch_alter_table('breakdown_day', schema=None) as batch_op:
        batch_op.drop_index('ix_breakdown_day_day')
    op.drop_table('breakdown_day')
