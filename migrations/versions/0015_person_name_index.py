"""an index on people's names (the reports' pages list people by name)

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-01 19:00:00
"""
from alembic import op


revision = '0015'
down_revision = '0014'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('lms_person', schema=None) as batch_op:
        batch_op.create_index('ix_lms_person_name_id', ['name', 'id'], unique=False)


def downgrade():
    with op.batch_alter_table('lms_person', schema=None) as batch_op:
        batch_op.drop_index('ix_lms_person_name_id')
