"""an index on department_role.user_id

Every signed-in page reads the viewer's roles with the session check; the only index of the
table (its unique constraint) starts with the department, so each read scanned the table.

Revision ID: 7d41c2a9e8b3
Revises: 5b2d7e19c4a1
Create Date: 2026-11-29 13:10:00.000000

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = '7d41c2a9e8b3'
down_revision = '5b2d7e19c4a1'
branch_labels = None
depends_on = None


def upgrade():
    op.create_index('ix_department_role_user_id', 'department_role', ['user_id'], unique=False)


def downgrade():
    op.drop_index('ix_department_role_user_id', table_name='department_role')
