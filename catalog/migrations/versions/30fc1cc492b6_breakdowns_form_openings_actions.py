"""breakdown points: form openings per offering and day, actions with their date

Revision ID: 30fc1cc492b6
Revises: d41c9a6e2b87
Create Date: 2026-11-28 15:30:00.000000

"""
import sqlalchemy as sa
from alembic import op

import catalog.models.base

# revision identifiers, used by Alembic.
revision = '30fc1cc492b6'
down_revision = "d41c9a6e2b87"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('form_opening',
    sa.Column('offering_id', sa.Integer(), nullable=False),
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('opened', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['offering_id'], ['offering.id'],
                            name=op.f('fk_form_opening_offering_id_offering'),
                            ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('offering_id', 'day', name=op.f('pk_form_opening'))
    )
    op.create_table('service_action',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('department_id', sa.Integer(), nullable=False),
    sa.Column('offering_id', sa.Integer(), nullable=True),
    sa.Column('moment', sa.String(length=40), nullable=True),
    sa.Column('text', sa.String(length=500), nullable=False),
    sa.Column('taken_on', sa.Date(), nullable=False),
    sa.Column('public', sa.Boolean(), nullable=False),
    sa.Column('created_at', catalog.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['created_by_id'], ['user_account.id'],
                            name=op.f('fk_service_action_created_by_id_user_account'),
                            ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['department_id'], ['department.id'],
                            name=op.f('fk_service_action_department_id_department'),
                            ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['offering_id'], ['offering.id'],
                            name=op.f('fk_service_action_offering_id_offering'),
                            ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_service_action'))
    )
    with op.batch_alter_table('service_action', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_service_action_department_id'), ['department_id'],
                              unique=False)
        batch_op.create_index(batch_op.f('ix_service_action_offering_id'), ['offering_id'],
                              unique=False)


def downgrade():
    with op.batch_alter_table('service_action', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_service_action_offering_id'))
        batch_op.drop_index(batch_op.f('ix_service_action_department_id'))
    op.drop_table('service_action')
    op.drop_table('form_opening')
