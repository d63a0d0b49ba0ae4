"""background export jobs (their CSV in chunks), and each course version's folder hash

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-01 15:50:00
"""
from alembic import op
import sqlalchemy as sa


revision = '0014'
down_revision = '0013'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('lms_export_job',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('person_id', sa.Integer(), nullable=False),
    sa.Column('report', sa.String(length=10), nullable=False),
    sa.Column('params', sa.JSON(), nullable=False),
    sa.Column('open_key', sa.String(length=120), nullable=True),
    sa.Column('filename', sa.String(length=200), nullable=False),
    sa.Column('status', sa.String(length=10), nullable=False),
    sa.Column('rows_done', sa.Integer(), nullable=False),
    sa.Column('rows_total', sa.Integer(), nullable=True),
    sa.Column('bytes', sa.Integer(), nullable=False),
    sa.Column('chunks', sa.Integer(), nullable=False),
    sa.Column('runs', sa.Integer(), nullable=False),
    sa.Column('error', sa.Text(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('finished_at', sa.DateTime(), nullable=True),
    sa.Column('expires_at', sa.DateTime(), nullable=False),
    sa.CheckConstraint("status IN ('pending', 'running', 'done', 'failed')", name=op.f('ck_lms_export_job_status')),
    sa.ForeignKeyConstraint(['person_id'], ['lms_person.id'], name=op.f('fk_lms_export_job_person_id_lms_person'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_lms_export_job')),
    sa.UniqueConstraint('open_key', name=op.f('uq_lms_export_job_open_key'))
    )
    with op.batch_alter_table('lms_export_job', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_lms_export_job_person_id'), ['person_id'], unique=False)
    op.create_table('lms_export_chunk',
    sa.Column('job_id', sa.Integer(), nullable=False),
    sa.Column('seq', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('data', sa.LargeBinary(), nullable=False),
    sa.ForeignKeyConstraint(['job_id'], ['lms_export_job.id'], name=op.f('fk_lms_export_chunk_job_id_lms_export_job'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('job_id', 'seq', name=op.f('pk_lms_export_chunk'))
    )
    # Filled by the next sync-courses; until then a sync takes the full path once.
    with op.batch_alter_table('lms_course_version', schema=None) as batch_op:
        batch_op.add_column(sa.Column('tree_hash', sa.String(length=64), nullable=True))


def downgrade():
    with op.batch_alter_table('lms_course_version', schema=None) as batch_op:
        batch_op.drop_column('tree_hash')
    op.drop_table('lms_export_chunk')
    with op.batch_alter_table('lms_export_job', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_lms_export_job_person_id'))
    op.drop_table('lms_export_job')
