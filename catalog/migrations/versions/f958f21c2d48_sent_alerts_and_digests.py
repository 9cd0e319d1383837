"""warnings, escalations and digests already sent (each once)

Revision ID: f958f21c2d48
Revises: ac153b0cf01b
Create Date: 2026-11-28 15:20:00.000000

"""
from alembic import op
import sqlalchemy as sa

import catalog.models.base


# revision identifiers, used by Alembic.
revision = 'f958f21c2d48'
down_revision = "ac153b0cf01b"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('sent_alert',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('request_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=30), nullable=False),
    sa.Column('sent_at', catalog.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['request_id'], ['service_request.id'], name=op.f('fk_sent_alert_request_id_service_request'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_sent_alert')),
    sa.UniqueConstraint('request_id', 'kind', name=op.f('uq_sent_alert_request_id_kind'))
    )
    with op.batch_alter_table('sent_alert', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_sent_alert_request_id'), ['request_id'], unique=False)

    op.create_table('sent_digest',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('sent_at', catalog.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['user_account.id'], name=op.f('fk_sent_digest_user_id_user_account'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_sent_digest')),
    sa.UniqueConstraint('user_id', 'day', name=op.f('uq_sent_digest_user_id_day'))
    )


def downgrade():
    op.drop_table('sent_digest')
    with op.batch_alter_table('sent_alert', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_sent_alert_request_id'))

    op.drop_table('sent_alert')
