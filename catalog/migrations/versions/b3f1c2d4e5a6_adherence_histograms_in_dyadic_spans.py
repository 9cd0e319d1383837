"""adherence histograms in dyadic spans of days, bucketed and exact

Replaces `adherence_minutes` (one row per day and exact minute: a 90-day median read every
day's rows) by `adherence_histogram` (catalog.commitments.histograms), filled from the
requests by `rollups.rebuild`. A downgrade brings back an empty `adherence_minutes`: run the
older release's `flask --app portal rollups rebuild` after it.

Revision ID: b3f1c2d4e5a6
Revises: 680ed92ec54e
Create Date: 2026-11-28 07:40:00.000000

"""
from alembic import op
import sqlalchemy as sa
from sqlalchemy.orm import Session

import catalog.models.base


# revision identifiers, used by Alembic.
revision = 'b3f1c2d4e5a6'
down_revision = '680ed92ec54e'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('adherence_histogram',
    sa.Column('scope', sa.String(length=10), nullable=False),
    sa.Column('exact', sa.Boolean(), nullable=False),
    sa.Column('node', sa.BigInteger(), nullable=False),
    sa.Column('key', sa.Integer(), nullable=False),
    sa.Column('measure', sa.String(length=20), nullable=False),
    sa.Column('priority', sa.String(length=20), nullable=False),
    sa.Column('value', sa.Integer(), nullable=False),
    sa.Column('count', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('scope', 'exact', 'node', 'key', 'measure', 'priority', 'value', name=op.f('pk_adherence_histogram')),
    sqlite_with_rowid=False
    )
    with op.batch_alter_table('adherence_minutes', schema=None) as batch_op:
        batch_op.drop_index('ix_adherence_minutes_offering_id_day')
        batch_op.drop_index('ix_adherence_minutes_histogram')
    op.drop_table('adherence_minutes')

    # Fill the histograms (and the day counts, unchanged) from the requests there are.
    from catalog.commitments import rollups
    rollups.rebuild(Session(bind=op.get_bind()))


def downgrade():
    op.create_table('adherence_minutes',
    sa.Column('department_id', sa.Integer(), nullable=False),
    sa.Column('offering_id', sa.Integer(), nullable=False),
    sa.Column('priority', sa.String(length=20), nullable=False),
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('measure', sa.String(length=20), nullable=False),
    sa.Column('minutes', sa.Integer(), nullable=False),
    sa.Column('count', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['department_id'], ['department.id'], name=op.f('fk_adherence_minutes_department_id_department'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['offering_id'], ['offering.id'], name=op.f('fk_adherence_minutes_offering_id_offering'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('department_id', 'offering_id', 'priority', 'day', 'measure', 'minutes', name=op.f('pk_adherence_minutes'))
    )
    with op.batch_alter_table('adherence_minutes', schema=None) as batch_op:
        batch_op.create_index('ix_adherence_minutes_histogram', ['department_id', 'measure', 'priority', 'minutes', 'day', 'count'], unique=False)
        batch_op.create_index('ix_adherence_minutes_offering_id_day', ['offering_id', 'day'], unique=False)

    op.drop_table('adherence_histogram')
