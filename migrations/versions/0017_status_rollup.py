"""status counts per course, manager, department and status, kept by triggers (lms_status_rollup)

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-02 01:30:00
"""

from alembic import op
import sqlalchemy as sa


revision = "0017"
down_revision = "0016"
branch_labels = None
depends_on = None

# PostgreSQL only (lms.certification.rollup). The status CASE of
# lms.certification.status_table, as a function of a facts row's columns and a day; the
# rollup's rebuild and its triggers both use it, and a test checks it against
# lms.domain.certification.status_on for every status.
STATUS_ON = """
CREATE OR REPLACE FUNCTION lms_status_on(
    certified_on date, revoked_on date, valid_until date, window_opens_on date,
    assigned boolean, due_on date, started boolean, day date
) RETURNS varchar LANGUAGE sql IMMUTABLE AS $$
    SELECT CASE
        WHEN certified_on IS NOT NULL AND revoked_on IS NOT NULL AND revoked_on <= day
            THEN 'revoked'
        WHEN certified_on IS NOT NULL AND valid_until < day THEN 'expired'
        WHEN certified_on IS NOT NULL AND window_opens_on <= day THEN 'renewal_due'
        WHEN certified_on IS NOT NULL THEN 'certified'
        WHEN NOT coalesce(assigned, false) THEN 'not_assigned'
        WHEN due_on IS NOT NULL AND due_on < day THEN 'overdue'
        WHEN coalesce(started, false) THEN 'in_progress'
        ELSE 'assigned'
    END
$$
"""

# A facts row's status on day d (f: a facts row or NULLs; NULLs read as not assigned).
_F = (
    "lms_status_on(f.certified_on, f.revoked_on, f.valid_until, f.window_opens_on, "
    "f.assignment_id IS NOT NULL, f.due_on, f.started, d)"
)
_REPORTED = "('active', 'invited')"

def _moves(gone: str, gone_rows: str, come: str, come_rows: str) -> str:
    """The INSERT adding a facts statement's moves, for reported people of existing
    courses: -1 per row of ``gone_rows`` at the status ``gone``, +1 per row of
    ``come_rows`` at ``come`` (SQL over the row ``f``)."""
    return f"""
        INSERT INTO lms_status_rollup (course_id, manager_id, department, status, people)
        SELECT t.course_id, t.manager_id, t.department, t.status, sum(t.n)
        FROM (
            SELECT f.course_id, p.manager_id, p.department, {gone} AS status, -1 AS n
            FROM {gone_rows} f JOIN lms_person p ON p.id = f.person_id
            WHERE p.status IN {_REPORTED}
            UNION ALL
            SELECT f.course_id, p.manager_id, p.department, {come}, 1
            FROM {come_rows} f JOIN lms_person p ON p.id = f.person_id
            WHERE p.status IN {_REPORTED}
        ) AS t
        JOIN lms_course c ON c.id = t.course_id
        GROUP BY t.course_id, t.manager_id, t.department, t.status HAVING sum(t.n) <> 0;"""


# Each trigger adds one row per (course, manager, department, status) whose count its
# statement changed; none when the rollup is not built (its day is NULL). The day row
# is share-locked, so the daily rebuild (which locks it for update) waits for in-flight
# writers and they wait for it. No row (before an insert, after a delete) reads as not
# assigned; when a deleted row's person or course is itself being deleted (a cascade),
# the joins find neither and nothing is added: their BEFORE DELETE triggers took the
# counts away.
FACTS_TRIGGER = f"""
CREATE OR REPLACE FUNCTION lms_status_rollup_facts() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE d date;
BEGIN
    SELECT day INTO d FROM lms_status_rollup_day WHERE id = 1 FOR SHARE;
    IF d IS NULL THEN RETURN NULL; END IF;
    IF TG_OP = 'INSERT' THEN{_moves("'not_assigned'", "new_rows", _F, "new_rows")}
    ELSIF TG_OP = 'UPDATE' THEN{_moves(_F, "old_rows", _F, "new_rows")}
    ELSE{_moves(_F, "old_rows", "'not_assigned'", "old_rows")}
    END IF;
    RETURN NULL;
END
$$
"""

# People: a new reported person is not assigned to every course; a change of status (in
# or out of the reported ones), manager or department moves their statuses between
# groups; a deleted one takes theirs away before the cascade removes their facts.
PEOPLE_TRIGGER = f"""
CREATE OR REPLACE FUNCTION lms_status_rollup_people() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE d date;
BEGIN
    SELECT day INTO d FROM lms_status_rollup_day WHERE id = 1 FOR SHARE;
    IF d IS NULL THEN RETURN NULL; END IF;
    IF TG_OP = 'INSERT' THEN
        INSERT INTO lms_status_rollup (course_id, manager_id, department, status, people)
        SELECT c.id, n.manager_id, n.department, 'not_assigned', count(*)
        FROM new_rows n CROSS JOIN lms_course c
        WHERE n.status IN {_REPORTED}
        GROUP BY c.id, n.manager_id, n.department;
    ELSE
        INSERT INTO lms_status_rollup (course_id, manager_id, department, status, people)
        SELECT t.course_id, t.manager_id, t.department, t.status, sum(t.n)
        FROM (
            SELECT c.id AS course_id, o.manager_id, o.department, {_F} AS status, -1 AS n
            FROM old_rows o JOIN new_rows w ON w.id = o.id CROSS JOIN lms_course c
            LEFT JOIN lms_status_facts f ON f.person_id = o.id AND f.course_id = c.id
            WHERE o.status IN {_REPORTED}
              AND (w.status NOT IN {_REPORTED}
                   OR w.manager_id IS DISTINCT FROM o.manager_id
                   OR w.department IS DISTINCT FROM o.department)
            UNION ALL
            SELECT c.id, w.manager_id, w.department, {_F}, 1
            FROM old_rows o JOIN new_rows w ON w.id = o.id CROSS JOIN lms_course c
            LEFT JOIN lms_status_facts f ON f.person_id = w.id AND f.course_id = c.id
            WHERE w.status IN {_REPORTED}
              AND (o.status NOT IN {_REPORTED}
                   OR w.manager_id IS DISTINCT FROM o.manager_id
                   OR w.department IS DISTINCT FROM o.department)
        ) AS t
        GROUP BY t.course_id, t.manager_id, t.department, t.status HAVING sum(t.n) <> 0;
    END IF;
    RETURN NULL;
END
$$
"""

PERSON_GONE_TRIGGER = f"""
CREATE OR REPLACE FUNCTION lms_status_rollup_person_gone() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE d date;
BEGIN
    SELECT day INTO d FROM lms_status_rollup_day WHERE id = 1 FOR SHARE;
    IF d IS NULL OR OLD.status NOT IN {_REPORTED} THEN RETURN OLD; END IF;
    INSERT INTO lms_status_rollup (course_id, manager_id, department, status, people)
    SELECT c.id, OLD.manager_id, OLD.department, {_F}, -count(*)
    FROM lms_course c
    LEFT JOIN lms_status_facts f ON f.person_id = OLD.id AND f.course_id = c.id
    GROUP BY c.id, 4;
    RETURN OLD;
END
$$
"""

# Courses: a new course is not assigned to anyone yet; a deleted one's counts go.
COURSES_TRIGGER = f"""
CREATE OR REPLACE FUNCTION lms_status_rollup_courses() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE d date;
BEGIN
    SELECT day INTO d FROM lms_status_rollup_day WHERE id = 1 FOR SHARE;
    IF d IS NULL THEN RETURN NULL; END IF;
    INSERT INTO lms_status_rollup (course_id, manager_id, department, status, people)
    SELECT n.id, p.manager_id, p.department, 'not_assigned', count(*)
    FROM new_rows n CROSS JOIN lms_person p
    WHERE p.status IN {_REPORTED}
    GROUP BY n.id, p.manager_id, p.department;
    RETURN NULL;
END
$$
"""

COURSE_GONE_TRIGGER = """
CREATE OR REPLACE FUNCTION lms_status_rollup_course_gone() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    DELETE FROM lms_status_rollup WHERE course_id = OLD.id;
    RETURN OLD;
END
$$
"""

TRIGGERS = (
    "CREATE TRIGGER lms_status_rollup_facts_insert AFTER INSERT ON lms_status_facts"
    " REFERENCING NEW TABLE AS new_rows"
    " FOR EACH STATEMENT EXECUTE FUNCTION lms_status_rollup_facts()",
    "CREATE TRIGGER lms_status_rollup_facts_update AFTER UPDATE ON lms_status_facts"
    " REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows"
    " FOR EACH STATEMENT EXECUTE FUNCTION lms_status_rollup_facts()",
    "CREATE TRIGGER lms_status_rollup_facts_delete AFTER DELETE ON lms_status_facts"
    " REFERENCING OLD TABLE AS old_rows"
    " FOR EACH STATEMENT EXECUTE FUNCTION lms_status_rollup_facts()",
    "CREATE TRIGGER lms_status_rollup_people_insert AFTER INSERT ON lms_person"
    " REFERENCING NEW TABLE AS new_rows"
    " FOR EACH STATEMENT EXECUTE FUNCTION lms_status_rollup_people()",
    "CREATE TRIGGER lms_status_rollup_people_update AFTER UPDATE ON lms_person"
    " REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows"
    " FOR EACH STATEMENT EXECUTE FUNCTION lms_status_rollup_people()",
    "CREATE TRIGGER lms_status_rollup_person_delete BEFORE DELETE ON lms_person"
    " FOR EACH ROW EXECUTE FUNCTION lms_status_rollup_person_gone()",
    "CREATE TRIGGER lms_status_rollup_courses_insert AFTER INSERT ON lms_course"
    " REFERENCING NEW TABLE AS new_rows"
    " FOR EACH STATEMENT EXECUTE FUNCTION lms_status_rollup_courses()",
    "CREATE TRIGGER lms_status_rollup_course_delete BEFORE DELETE ON lms_course"
    " FOR EACH ROW EXECUTE FUNCTION lms_status_rollup_course_gone()",
)
FUNCTIONS = (
    "lms_status_rollup_facts",
    "lms_status_rollup_people",
    "lms_status_rollup_person_gone",
    "lms_status_rollup_courses",
    "lms_status_rollup_course_gone",
)


def upgrade():
    op.create_table(
        "lms_status_rollup",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("course_id", sa.Integer(), nullable=False),
        sa.Column("manager_id", sa.Integer(), nullable=True),
        sa.Column("department", sa.String(length=120), nullable=True),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("people", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_lms_status_rollup")),
    )
    op.create_table(
        "lms_status_rollup_day",
        sa.Column("id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("day", sa.Date(), nullable=True),
        sa.CheckConstraint("id = 1", name=op.f("ck_lms_status_rollup_day_one_row")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_lms_status_rollup_day")),
    )
    # The row exists from the start (not built: NULL), so writers' triggers always have
    # a row to share-lock and the first rebuild waits for them like every later one.
    op.execute("INSERT INTO lms_status_rollup_day (id, day) VALUES (1, NULL)")
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute(STATUS_ON)
    for ddl in (
        FACTS_TRIGGER,
        PEOPLE_TRIGGER,
        PERSON_GONE_TRIGGER,
        COURSES_TRIGGER,
        COURSE_GONE_TRIGGER,
        *TRIGGERS,
    ):
        op.execute(ddl)


def downgrade():
    if op.get_bind().dialect.name == "postgresql":
        for name in TRIGGERS:
            trigger, table = name.split()[2], name.split(" ON ")[1].split()[0]
            op.execute(f"DROP TRIGGER IF EXISTS {trigger} ON {table}")
        for function in FUNCTIONS:
            op.execute(f"DROP FUNCTION IF EXISTS {function}()")
        op.execute(
            "DROP FUNCTION IF EXISTS lms_status_on(date, date, date, date, boolean, date, boolean, date)"
        )
    op.drop_table("lms_status_rollup_day")
    op.drop_table("lms_status_rollup")
