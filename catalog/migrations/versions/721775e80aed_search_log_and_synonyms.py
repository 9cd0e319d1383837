"""search log (without the person) and the shared synonym list

Revision ID: 721775e80aed
Revises: f958f21c2d48
Create Date: 2026-11-28 15:30:00.000000

"""
from alembic import op
import sqlalchemy as sa

import catalog.models.base


# revision identifiers, used by Alembic.
revision = '721775e80aed'
down_revision = 'f958f21c2d48'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('search_log',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('searched_at', catalog.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('query', sa.String(length=200), nullable=False),
    sa.Column('language', sa.String(length=8), nullable=False),
    sa.Column('source', sa.String(length=8), nullable=False),
    sa.Column('results', sa.Integer(), nullable=False),
    sa.Column('opened_offering_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['opened_offering_id'], ['offering.id'], name=op.f('fk_search_log_opened_offering_id_offering'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_search_log'))
    )
    with op.batch_alter_table('search_log', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_search_log_query'), ['query'], unique=False)
        batch_op.create_index(batch_op.f('ix_search_log_searched_at'), ['searched_at'], unique=False)
    op.create_table('search_synonyms',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('updated_at', catalog.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_search_synonyms'))
    )


def downgrade():
    op.drop_table('search_synonyms')
    op.drop_table('search_log')
