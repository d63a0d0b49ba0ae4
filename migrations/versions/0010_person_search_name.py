"""person search name: accent- and case-insensitive search

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-01 11:30:00
"""
from alembic import op
import sqlalchemy as sa

from lms.domain.text import search_key


revision = '0010'
down_revision = '0009'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('lms_person', schema=None) as batch_op:
        batch_op.add_column(sa.Column('search_name', sa.String(length=500), nullable=True))
        batch_op.create_index(batch_op.f('ix_lms_person_search_name'), ['search_name'], unique=False)
    person = sa.table('lms_person', sa.column('id', sa.Integer), sa.column('name', sa.String),
                      sa.column('email', sa.String), sa.column('search_name', sa.String))
    conn = op.get_bind()
    rows = conn.execute(sa.select(person.c.id, person.c.name, person.c.email)).all()
    for start in range(0, len(rows), 1000):
        conn.execute(person.update().where(person.c.id == sa.bindparam('pid'))
                     .values(search_name=sa.bindparam('folded')),
                     [{'pid': r.id, 'folded': search_key(r.name, r.email)} for r in rows[start:start + 1000]])


def downgrade():
    with op.batch_alter_table('lms_person', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_lms_person_search_name'))
        batch_op.drop_column('search_name')
