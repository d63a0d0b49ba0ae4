"""course translations: each version's items per language; the language of attempts and runs

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-01 12:30:00
"""
from alembic import op
import sqlalchemy as sa


revision = '0011'
down_revision = '0010'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('lms_item_translation',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('version_id', sa.Integer(), nullable=False),
    sa.Column('language', sa.String(length=20), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('key', sa.Text(), nullable=False),
    sa.Column('text', sa.JSON(), nullable=False),
    sa.Column('source_hash', sa.String(length=12), nullable=True),
    sa.Column('stale', sa.Boolean(), nullable=False),
    sa.ForeignKeyConstraint(['version_id'], ['lms_course_version.id'], name=op.f('fk_lms_item_translation_version_id_lms_course_version'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_lms_item_translation')),
    sa.UniqueConstraint('version_id', 'language', 'kind', 'key', name=op.f('uq_lms_item_translation_version_id_language_kind_key'))
    )
    with op.batch_alter_table('lms_attempt', schema=None) as batch_op:
        batch_op.add_column(sa.Column('locale', sa.String(length=16), nullable=True))
    with op.batch_alter_table('lms_scenario_run', schema=None) as batch_op:
        batch_op.add_column(sa.Column('locale', sa.String(length=16), nullable=True))


def downgrade():
    with op.batch_alter_table('lms_scenario_run', schema=None) as batch_op:
        batch_op.drop_column('locale')
    with op.batch_alter_table('lms_attempt', schema=None) as batch_op:
        batch_op.drop_column('locale')
    op.drop_table('lms_item_translation')
