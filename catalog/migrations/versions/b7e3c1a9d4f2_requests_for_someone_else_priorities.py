"""requests sent for someone else; offerings' priority choices, hints and own commitments

Revision ID: b7e3c1a9d4f2
Revises: 9d2f4b6a8c10
Create Date: 2026-11-28 12:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'b7e3c1a9d4f2'
down_revision = '9d2f4b6a8c10'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('service_request', schema=None) as batch_op:
        batch_op.add_column(sa.Column('submitted_by_id', sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f('ix_service_request_submitted_by_id'),
                              ['submitted_by_id'], unique=False)
        batch_op.create_foreign_key(
            batch_op.f('fk_service_request_submitted_by_id_user_account'), 'user_account',
            ['submitted_by_id'], ['id'], ondelete='SET NULL')
    with op.batch_alter_table('offering', schema=None) as batch_op:
        batch_op.add_column(sa.Column('priority_targets', sa.JSON(), nullable=True))
        batch_op.add_column(sa.Column('employee_priorities', sa.JSON(), nullable=True))
        batch_op.add_column(sa.Column('priority_hints', sa.JSON(), nullable=True))


def downgrade():
    with op.batch_alter_table('offering', schema=None) as batch_op:
        batch_op.drop_column('priority_hints')
        batch_op.drop_column('employee_priorities')
        batch_op.drop_column('priority_targets')
    with op.batch_alter_table('service_request', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_service_request_submitted_by_id_user_account'),
                                 type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_service_request_submitted_by_id'))
        batch_op.drop_column('submitted_by_id')
