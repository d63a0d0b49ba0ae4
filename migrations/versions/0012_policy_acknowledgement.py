"""policy acknowledgement: signed statements per policy text, and the policy's own hash

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-01 13:00:00
"""
import hashlib

from alembic import op
import sqlalchemy as sa


revision = '0012'
down_revision = '0011'
branch_labels = None
depends_on = None


def _sha(*parts):  # as lms.courses.sync._sha: frozen here, migrations never import app code
    digest = hashlib.sha256()
    for part in parts:
        digest.update(part.encode('utf-8') + b'\0')
    return digest.hexdigest()


def upgrade():
    with op.batch_alter_table('lms_course_version', schema=None) as batch_op:
        batch_op.add_column(sa.Column('policy_hash', sa.String(length=64), nullable=True))
    op.create_table(
        'lms_policy_acknowledgement',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('person_id', sa.Integer(), nullable=False),
        sa.Column('course_id', sa.Integer(), nullable=False),
        sa.Column('version_id', sa.Integer(), nullable=False),
        sa.Column('policy_hash', sa.String(length=64), nullable=False),
        sa.Column('typed_name', sa.String(length=200), nullable=False),
        sa.Column('acknowledged_at', sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(['course_id'], ['lms_course.id'], ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['person_id'], ['lms_person.id'], ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['version_id'], ['lms_course_version.id'], ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('person_id', 'course_id', 'policy_hash'),
    )
    with op.batch_alter_table('lms_policy_acknowledgement', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_lms_policy_acknowledgement_person_id'), ['person_id'], unique=False)

    version = sa.table('lms_course_version', sa.column('id', sa.Integer), sa.column('policy_title', sa.String),
                       sa.column('policy_preamble_html', sa.Text), sa.column('policy_hash', sa.String))
    section = sa.table('lms_policy_section', sa.column('version_id', sa.Integer),
                       sa.column('position', sa.Integer), sa.column('content_hash', sa.String))
    conn = op.get_bind()
    hashes = {}
    for vid, h in conn.execute(sa.select(section.c.version_id, section.c.content_hash)
                               .order_by(section.c.version_id, section.c.position)):
        hashes.setdefault(vid, []).append(h)
    for vid, title, preamble in conn.execute(sa.select(version.c.id, version.c.policy_title,
                                                       version.c.policy_preamble_html)).all():
        conn.execute(version.update().where(version.c.id == vid)
                     .values(policy_hash=_sha(title, preamble or '', *hashes.get(vid, []))))


def downgrade():
    with op.batch_alter_table('lms_policy_acknowledgement', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_lms_policy_acknowledgement_person_id'))
    op.drop_table('lms_policy_acknowledgement')
    with op.batch_alter_table('lms_course_version', schema=None) as batch_op:
        batch_op.drop_column('policy_hash')
