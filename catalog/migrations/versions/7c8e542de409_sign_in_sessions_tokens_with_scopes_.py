"""sign-in sessions, tokens with scopes, home department and manager

Revision ID: 7c8e542de409
Revises: e1b165ed0b9e
Create Date: 2026-11-28 06:05:22.667354

"""
from alembic import op
import sqlalchemy as sa

import catalog.models.base


# revision identifiers, used by Alembic.
revision = '7c8e542de409'
down_revision = 'e1b165ed0b9e'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('user_session',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('key_hash', sa.String(length=64), nullable=False),
    sa.Column('remember', sa.Boolean(), nullable=False),
    sa.Column('method', sa.String(length=20), nullable=False),
    sa.Column('created_at', catalog.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('expires_at', catalog.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['user_account.id'], name=op.f('fk_user_session_user_id_user_account'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_user_session')),
    sa.UniqueConstraint('key_hash', name=op.f('uq_user_session_key_hash'))
    )
    with op.batch_alter_table('user_session', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_user_session_user_id'), ['user_id'], unique=False)

    with op.batch_alter_table('api_token', schema=None) as batch_op:
        batch_op.add_column(sa.Column('name', sa.String(length=100), nullable=False, server_default=''))
        batch_op.add_column(sa.Column('scopes', sa.String(length=100), nullable=False,
                                      server_default='read requests catalog'))  # what tokens could do before
        batch_op.add_column(sa.Column('expires_at', catalog.models.base.UTCDateTime(timezone=True), nullable=True))

    with op.batch_alter_table('user_account', schema=None) as batch_op:
        batch_op.add_column(sa.Column('department_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('manager_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('sso_subject', sa.String(length=255), nullable=True))
        batch_op.add_column(sa.Column('sso_grants', sa.JSON(), nullable=False, server_default='[]'))
        batch_op.add_column(sa.Column('last_sign_in_at', catalog.models.base.UTCDateTime(timezone=True), nullable=True))
        batch_op.create_unique_constraint(batch_op.f('uq_user_account_sso_subject'), ['sso_subject'])
        batch_op.create_foreign_key(batch_op.f('fk_user_account_department_id_department'), 'department', ['department_id'], ['id'], ondelete='SET NULL')
        batch_op.create_foreign_key(batch_op.f('fk_user_account_manager_id_user_account'), 'user_account', ['manager_id'], ['id'], ondelete='SET NULL')



def downgrade():
    with op.batch_alter_table('user_account', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_user_account_manager_id_user_account'), type_='foreignkey')
        batch_op.drop_constraint(batch_op.f('fk_user_account_department_id_department'), type_='foreignkey')
        batch_op.drop_constraint(batch_op.f('uq_user_account_sso_subject'), type_='unique')
        batch_op.drop_column('last_sign_in_at')
        batch_op.drop_column('sso_grants')
        batch_op.drop_column('sso_subject')
        batch_op.drop_column('manager_id')
        batch_op.drop_column('department_id')

    with op.batch_alter_table('api_token', schema=None) as batch_op:
        batch_op.drop_column('expires_at')
        batch_op.drop_column('scopes')
        batch_op.drop_column('name')

    with op.batch_alter_table('user_session', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_user_session_user_id'))

    op.drop_table('user_session')
