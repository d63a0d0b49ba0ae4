"""one open assignment per person and course

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-23 09:00:00.000000
"""
from alembic import op
import sqlalchemy as sa


revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('lms_assignment', schema=None) as batch_op:
        batch_op.add_column(sa.Column('closed_on', sa.Date(), nullable=True))
        batch_op.add_column(sa.Column('period_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_lms_assignment_period_id_lms_certification_period'),
                                    'lms_certification_period', ['period_id'], ['id'], ondelete='SET NULL')

    # An assignment that a certificate earned on or after its assigned day fulfilled is
    # closed by the first such period (from now on the service closes it when issuing).
    first_period = (
        "SELECT {col} FROM lms_certification_period p WHERE p.person_id = lms_assignment.person_id "
        "AND p.course_id = lms_assignment.course_id AND p.certified_on >= lms_assignment.assigned_on "
        "ORDER BY p.certified_on, p.id LIMIT 1"
    )
    op.execute(
        f"UPDATE lms_assignment SET closed_on = ({first_period.format(col='p.certified_on')}), "
        f"period_id = ({first_period.format(col='p.id')}) "
        f"WHERE EXISTS ({first_period.format(col='p.id')})"
    )
    # Duplicates made by concurrent assignments before the unique index existed (and
    # older open rows): keep the newest open row, which is the one the reports showed,
    # and close the others as superseded (no period), so the index can be built.
    op.execute(
        "UPDATE lms_assignment SET closed_on = CURRENT_DATE "
        "WHERE closed_on IS NULL AND id NOT IN (SELECT max(id) FROM lms_assignment "
        "WHERE closed_on IS NULL GROUP BY person_id, course_id)"
    )
    with op.batch_alter_table('lms_assignment', schema=None) as batch_op:
        batch_op.create_index('uq_lms_assignment_open', ['person_id', 'course_id'], unique=True,
                              sqlite_where=sa.text('closed_on IS NULL'),
                              postgresql_where=sa.text('closed_on IS NULL'))


def downgrade():
    with op.batch_alter_table('lms_assignment', schema=None) as batch_op:
        batch_op.drop_index('uq_lms_assignment_open', sqlite_where=sa.text('closed_on IS NULL'),
                            postgresql_where=sa.text('closed_on IS NULL'))
        batch_op.drop_constraint(batch_op.f('fk_lms_assignment_period_id_lms_certification_period'),
                                 type_='foreignkey')
        batch_op.drop_column('period_id')
        batch_op.drop_column('closed_on')
