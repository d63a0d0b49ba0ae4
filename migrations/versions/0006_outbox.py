"""outbox: e-mails (and later other jobs) written with their cause, delivered by a worker

Revision ID: 0006
Revises: 0004
Create Date: 2026-12-01 08:44:57.812890
"""
from alembic import op
import sqlalchemy as sa


revision = '0006'
down_revision = '0004'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('lms_outbox',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=40), nullable=False),
    sa.Column('key', sa.String(length=200), nullable=False),
    sa.Column('payload', sa.JSON(), nullable=False),
    sa.Column('person_id', sa.Integer(), nullable=True),
    sa.Column('status', sa.String(length=10), nullable=False),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('next_attempt_at', sa.DateTime(), nullable=False),
    sa.Column('locked_by', sa.String(length=80), nullable=True),
    sa.Column('locked_until', sa.DateTime(), nullable=True),
    sa.Column('last_error', sa.Text(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('done_at', sa.DateTime(), nullable=True),
    sa.CheckConstraint("status IN ('pending', 'done', 'dead')", name=op.f('ck_lms_outbox_status')),
    sa.ForeignKeyConstraint(['person_id'], ['lms_person.id'], name=op.f('fk_lms_outbox_person_id_lms_person'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_lms_outbox')),
    sa.UniqueConstraint('kind', 'key', name=op.f('uq_lms_outbox_kind_key'))
    )
    with op.batch_alter_table('lms_outbox', schema=None) as batch_op:
        batch_op.create_index('ix_lms_outbox_due', ['next_attempt_at'], unique=False, sqlite_where=sa.text("status = 'pending'"), postgresql_where=sa.text("status = 'pending'"))
        batch_op.create_index(batch_op.f('ix_lms_outbox_person_id'), ['person_id'], unique=False)



def downgrade():
    with op.batch_alter_table('lms_outbox', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_lms_outbox_person_id'))
        batch_op.drop_index('ix_lms_outbox_due', sqlite_where=sa.text("status = 'pending'"), postgresql_where=sa.text("status = 'pending'"))

    op.drop_table('lms_outbox')
