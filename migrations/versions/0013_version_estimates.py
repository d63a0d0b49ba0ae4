"""course version estimates: minutes per module, assessment and scenario, computed at sync

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-01 13:10:00
"""
from alembic import op
import sqlalchemy as sa


revision = '0013'
down_revision = '0012'
branch_labels = None
depends_on = None


def upgrade():
    # Filled by the next sync-courses (stored versions keep their source elsewhere).
    with op.batch_alter_table('lms_course_version', schema=None) as batch_op:
        batch_op.add_column(sa.Column('estimates', sa.JSON(), nullable=True))


def downgrade():
    with op.batch_alter_table('lms_course_version', schema=None) as batch_op:
        batch_op.drop_column('estimates')
