"""per person and course, the facts a status is worked out from (lms_status_facts)

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-01 22:00:00
"""
from alembic import op
import sqlalchemy as sa


revision = '0016'
down_revision = '0015'
branch_labels = None
depends_on = None

# The rows of every (person, course) pair with a source row, as
# lms.certification.status_facts.rebuild derives them (that module may change; this
# statement is the schema of 0016's day).
BACKFILL = """
INSERT INTO lms_status_facts (person_id, course_id, certified_on, valid_until,
    window_opens_on, revoked_on, version_id, assignment_id, due_on, reason, started)
SELECT k.person_id, k.course_id, p.certified_on, p.valid_until, p.window_opens_on,
    p.revoked_on, p.version_id, a.id, a.due_on, a.reason,
    (EXISTS (SELECT 1 FROM lms_module_progress m
             WHERE m.person_id = k.person_id AND m.course_id = k.course_id)
     OR EXISTS (SELECT 1 FROM lms_attempt t
                WHERE t.person_id = k.person_id AND t.course_id = k.course_id)
     OR EXISTS (SELECT 1 FROM lms_scenario_run r
                WHERE r.person_id = k.person_id AND r.course_id = k.course_id))
FROM (SELECT person_id, course_id FROM lms_assignment
      UNION SELECT person_id, course_id FROM lms_certification_period
      UNION SELECT person_id, course_id FROM lms_module_progress
      UNION SELECT person_id, course_id FROM lms_attempt
      UNION SELECT person_id, course_id FROM lms_scenario_run) AS k
LEFT JOIN lms_certification_period p
    ON p.person_id = k.person_id AND p.course_id = k.course_id
    AND p.sequence = (SELECT max(q.sequence) FROM lms_certification_period q
                      WHERE q.person_id = k.person_id AND q.course_id = k.course_id)
LEFT JOIN lms_assignment a
    ON a.person_id = k.person_id AND a.course_id = k.course_id AND a.closed_on IS NULL
"""


def upgrade():
    op.create_table(
        'lms_status_facts',
        sa.Column('person_id', sa.Integer(), nullable=False),
        sa.Column('course_id', sa.Integer(), nullable=False),
        sa.Column('certified_on', sa.Date(), nullable=True),
        sa.Column('valid_until', sa.Date(), nullable=True),
        sa.Column('window_opens_on', sa.Date(), nullable=True),
        sa.Column('revoked_on', sa.Date(), nullable=True),
        sa.Column('version_id', sa.Integer(), nullable=True),
        sa.Column('assignment_id', sa.Integer(), nullable=True),
        sa.Column('due_on', sa.Date(), nullable=True),
        sa.Column('reason', sa.String(length=20), nullable=True),
        sa.Column('started', sa.Boolean(), server_default=sa.text('false'), nullable=False),
        sa.ForeignKeyConstraint(['course_id'], ['lms_course.id'], name=op.f('fk_lms_status_facts_course_id_lms_course'), ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['person_id'], ['lms_person.id'], name=op.f('fk_lms_status_facts_person_id_lms_person'), ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('person_id', 'course_id', name=op.f('pk_lms_status_facts')),
    )
    with op.batch_alter_table('lms_status_facts', schema=None) as batch_op:
        batch_op.create_index('ix_lms_status_facts_certified_on', ['certified_on'], unique=False)
        batch_op.create_index(batch_op.f('ix_lms_status_facts_course_id'), ['course_id'], unique=False)
    op.execute(BACKFILL)


def downgrade():
    with op.batch_alter_table('lms_status_facts', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_lms_status_facts_course_id'))
        batch_op.drop_index('ix_lms_status_facts_certified_on')
    op.drop_table('lms_status_facts')
