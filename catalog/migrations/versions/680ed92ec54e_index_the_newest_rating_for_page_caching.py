"""index the newest rating for page caching

Revision ID: 680ed92ec54e
Revises: 04dbe43905d9
Create Date: 2026-11-28 07:03:34.385971

"""
from alembic import op
import sqlalchemy as sa

import catalog.models.base


# revision identifiers, used by Alembic.
revision = '680ed92ec54e'
down_revision = '04dbe43905d9'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('request_feedback', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_request_feedback_updated_at'), ['updated_at'], unique=False)
    with op.batch_alter_table('feedback_follow_up', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_feedback_follow_up_answered_at'), ['answered_at'], unique=False)



def downgrade():
    with op.batch_alter_table('feedback_follow_up', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_feedback_follow_up_answered_at'))
    with op.batch_alter_table('request_feedback', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_request_feedback_updated_at'))

