"""login sessions (revocable sign-ins) and password resets

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-01 10:30:00
"""
from alembic import op
import sqlalchemy as sa


revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('lms_login_session',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('person_id', sa.Integer(), nullable=False),
    sa.Column('token_hash', sa.String(length=64), nullable=False),
    sa.Column('remember', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('expires_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['person_id'], ['lms_person.id'], name=op.f('fk_lms_login_session_person_id_lms_person'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_lms_login_session')),
    sa.UniqueConstraint('token_hash', name=op.f('uq_lms_login_session_token_hash'))
    )
    with op.batch_alter_table('lms_login_session', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_lms_login_session_person_id'), ['person_id'], unique=False)

    op.create_table('lms_password_reset',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('person_id', sa.Integer(), nullable=False),
    sa.Column('token_hash', sa.String(length=64), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('expires_at', sa.DateTime(), nullable=False),
    sa.Column('used_at', sa.DateTime(), nullable=True),
    sa.ForeignKeyConstraint(['person_id'], ['lms_person.id'], name=op.f('fk_lms_password_reset_person_id_lms_person'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_lms_password_reset')),
    sa.UniqueConstraint('token_hash', name=op.f('uq_lms_password_reset_token_hash'))
    )
    with op.batch_alter_table('lms_password_reset', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_lms_password_reset_person_id'), ['person_id'], unique=False)


def downgrade():
    with op.batch_alter_table('lms_password_reset', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_lms_password_reset_person_id'))
    op.drop_table('lms_password_reset')
    with op.batch_alter_table('lms_login_session', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_lms_login_session_person_id'))
    op.drop_table('lms_login_session')
