"""reply templates per department

Revision ID: 836ec554ee36
Revises: 30fc1cc492b6
Create Date: 2026-11-28 15:30:00.000000

"""
from alembic import op
import sqlalchemy as sa

import catalog.models.base


# revision identifiers, used by Alembic.
revision = '836ec554ee36'
down_revision = "30fc1cc492b6"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('reply_template',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('department_id', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=120), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('created_at', catalog.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', catalog.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['department_id'], ['department.id'], name=op.f('fk_reply_template_department_id_department'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_reply_template')),
    sa.UniqueConstraint('department_id', 'title', name=op.f('uq_reply_template_department_id_title'))
    )
    with op.batch_alter_table('reply_template', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_reply_template_department_id'), ['department_id'], unique=False)


def downgrade():
    with op.batch_alter_table('reply_template', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_reply_template_department_id'))

    op.drop_table('reply_template')
