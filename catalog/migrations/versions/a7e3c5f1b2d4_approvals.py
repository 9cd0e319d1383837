"""approvals: an offering's approval steps, a request's approvals and when its clock started

Revision ID: a7e3c5f1b2d4
Revises: b7e3c1a9d4f2
Create Date: 2026-11-28 12:00:00.000000

"""
from alembic import op
import sqlalchemy as sa

import catalog.models.base


# revision identifiers, used by Alembic.
revision = 'a7e3c5f1b2d4'
down_revision = "b7e3c1a9d4f2"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('offering', schema=None) as batch_op:
        batch_op.add_column(sa.Column('approval', sa.JSON(), nullable=False, server_default='[]'))
    with op.batch_alter_table('service_request', schema=None) as batch_op:
        batch_op.add_column(sa.Column('clock_started_at',
                                      catalog.models.base.UTCDateTime(timezone=True),
                                      nullable=True))
    # Every request so far started its clock when it was sent.
    op.execute("UPDATE service_request SET clock_started_at = created_at")
    with op.batch_alter_table('user_account', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_user_account_manager_id'), ['manager_id'],
                              unique=False)
    op.create_table(
        'request_approval',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('request_id', sa.Integer(), nullable=False),
        sa.Column('step', sa.Integer(), nullable=False),
        sa.Column('kind', sa.String(length=20), nullable=False),
        sa.Column('approver_id', sa.Integer(), nullable=True),
        sa.Column('state', sa.String(length=10), nullable=False),
        sa.Column('asked_at', catalog.models.base.UTCDateTime(timezone=True), nullable=True),
        sa.Column('reminded_at', catalog.models.base.UTCDateTime(timezone=True), nullable=True),
        sa.Column('decided_by_id', sa.Integer(), nullable=True),
        sa.Column('decided_at', catalog.models.base.UTCDateTime(timezone=True), nullable=True),
        sa.Column('comment', sa.Text(), nullable=False),
        sa.Column('created_at', catalog.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['approver_id'], ['user_account.id'],
                                name=op.f('fk_request_approval_approver_id_user_account'),
                                ondelete='SET NULL'),
        sa.ForeignKeyConstraint(['decided_by_id'], ['user_account.id'],
                                name=op.f('fk_request_approval_decided_by_id_user_account'),
                                ondelete='SET NULL'),
        sa.ForeignKeyConstraint(['request_id'], ['service_request.id'],
                                name=op.f('fk_request_approval_request_id_service_request'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_request_approval')),
    )
    with op.batch_alter_table('request_approval', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_request_approval_approver_id'), ['approver_id'],
                              unique=False)
        batch_op.create_index(batch_op.f('ix_request_approval_request_id'), ['request_id'],
                              unique=False)
        batch_op.create_index(batch_op.f('ix_request_approval_state'), ['state'], unique=False)


def downgrade():
    op.drop_table('request_approval')
    with op.batch_alter_table('user_account', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_user_account_manager_id'))
    with op.batch_alter_table('service_request', schema=None) as batch_op:
        batch_op.drop_column('clock_started_at')
    with op.batch_alter_table('offering', schema=None) as batch_op:
        batch_op.drop_column('approval')
