"""one open scenario run

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-22 07:05:14.351421
"""
from alembic import op
import sqlalchemy as sa


revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None


def upgrade():
    # Runs left open twice by a double Start before this index existed: keep the newest,
    # close the others as abandoned (not passed), so the unique index can be built.
    op.execute(
        "UPDATE lms_scenario_run SET finished_at = started_at, outcome = 'abandoned', passed = false "
        "WHERE finished_at IS NULL AND id NOT IN (SELECT max(id) FROM lms_scenario_run "
        "WHERE finished_at IS NULL GROUP BY person_id, course_id, scenario_key, version_id)"
    )
    with op.batch_alter_table('lms_scenario_run', schema=None) as batch_op:
        batch_op.create_index('uq_lms_scenario_run_open', ['person_id', 'course_id', 'scenario_key', 'version_id'], unique=True, sqlite_where=sa.text('finished_at IS NULL'), postgresql_where=sa.text('finished_at IS NULL'))



def downgrade():
    with op.batch_alter_table('lms_scenario_run', schema=None) as batch_op:
        batch_op.drop_index('uq_lms_scenario_run_open', sqlite_where=sa.text('finished_at IS NULL'), postgresql_where=sa.text('finished_at IS NULL'))

