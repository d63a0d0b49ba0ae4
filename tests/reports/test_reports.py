"""Manager and admin reports: scope (recursive tree), statuses in SQL, filters, exports."""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import select

from lms.accounts.models import Person
from lms.certification import status_facts
from lms.certification.models import Assignment, CertificationPeriod
from lms.courses.models import Course
from lms.db import session
from lms.domain.certification import AssignmentFacts, PeriodFacts, status_on
from lms.reports import queries
from tests.helpers import count_queries
from tests.reports.conftest import TODAY, client_for, csv_rows


def test_team_report_covers_the_whole_tree_and_nobody_else(app, org):
    c = client_for(app, "manager@example.com")
    emails = {r["person_email"] for r in csv_rows(c.get("/reports/team.csv"))}
    assert {
        "sami@example.com",
        "tara@example.com",
        "lead@example.com",
        "employee@example.com",
    } <= emails
    assert "finance@example.com" not in emails and "admin@example.com" not in emails
    assert "manager@example.com" not in emails


def test_sub_manager_sees_only_their_two_people(app, org):
    c = client_for(app, "lead@example.com")
    emails = {r["person_email"] for r in csv_rows(c.get("/reports/team.csv"))}
    assert emails == {"sami@example.com", "tara@example.com"}
    html = c.get("/reports/team").get_data(as_text=True)
    assert "Sami Virtanen" in html and "Alice Andersen" not in html


def test_demo_history_gives_every_status(app, org):
    c = client_for(app, "manager@example.com")
    rows = {
        r["person_email"]: r["status"] for r in csv_rows(c.get("/reports/team.csv?course=mini"))
    }
    assert rows["alice@example.com"] == "renewal_due"
    assert rows["bruno@example.com"] == "expired"
    assert rows["chidi@example.com"] == "certified"
    assert rows["dana@example.com"] == "overdue"
    assert rows["employee@example.com"] == "assigned"


def test_filters_status_direct_and_search(app, org):
    c = client_for(app, "manager@example.com")
    overdue = {r["person_email"] for r in csv_rows(c.get("/reports/team.csv?status=overdue"))}
    assert overdue == {"dana@example.com", "tara@example.com"}
    direct = {r["person_email"] for r in csv_rows(c.get("/reports/team.csv?direct=y"))}
    assert "sami@example.com" not in direct and "lead@example.com" in direct
    found = {r["person_email"] for r in csv_rows(c.get("/reports/team.csv?q=dąbrowska"))}
    assert found <= {"dana@example.com"}


def test_within_days_filter(app, org):
    c = client_for(app, "manager@example.com")
    soon = {r["person_email"] for r in csv_rows(c.get("/reports/team.csv?within=60&course=mini"))}
    assert "alice@example.com" in soon  # certificate expires within 60 days
    assert "chidi@example.com" not in soon  # valid for almost a year


def test_bad_filter_values_never_500(app, org):
    c = client_for(app, "manager@example.com")
    for query in (
        "status=bogus",
        "page=0",
        "page=-3",
        "page=abc",
        "page=99999999999999999999",
        "within=7",
        "sort=drop table",
        "course=<x>",
    ):
        assert c.get(f"/reports/team?{query}").status_code == 200, query
        # Read it all: the rows are streamed, so a failure would come after the 200.
        exported = c.get(f"/reports/team.csv?{query}")
        text = exported.get_data(as_text=True)
        assert exported.status_code == 200 and text.startswith("person_email,"), query


def test_report_page_shows_chart_with_text_alternative(app, org):
    html = client_for(app, "manager@example.com").get("/reports/team").get_data(as_text=True)
    assert "<svg" in html and 'role="img"' in html and "<desc" in html
    assert "Overdue" in html and "status-red" in html


def test_csv_export_escapes_formulas_and_uses_iso_dates(app, org):
    with app.app_context():
        p = session.scalar(select(Person).where(Person.email == "sami@example.com"))
        p.name = '=HYPERLINK("http://evil")'
        session.commit()
    rows = csv_rows(client_for(app, "lead@example.com").get("/reports/team.csv"))
    names = {r["person_name"] for r in rows}
    assert '\'=HYPERLINK("http://evil")' in names
    dates = [r["due_on"] for r in rows if r["due_on"]]
    assert dates and all(date.fromisoformat(d) for d in dates)


def test_org_report_for_admin_with_departments_and_versions(app, org):
    c = client_for(app, "admin@example.com")
    html = c.get("/reports/org").get_data(as_text=True)
    assert "Managers" in html and "Maria Manager" in html and "Certified per course version" in html
    # Maria's tree: 8 people, 3 of them certified (one of those due for renewal): a count
    # like the columns beside it, with its share.
    assert '<td data-label="People">8</td>' in html
    assert '<td data-label="Certified">3 (38%)</td><td data-label="Renewal due">1</td>' in html
    finance = {r["person_email"] for r in csv_rows(c.get("/reports/org.csv?department=Finance"))}
    assert finance == {"finance@example.com"}


def test_person_page_shows_evidence(app, org):
    c = client_for(app, "manager@example.com")
    html = c.get(f"/reports/people/{org['alice@example.com']}").get_data(as_text=True)
    assert "Alice Andersen" in html and "Certificates" in html and "Reminders sent" in html


def test_sql_status_agrees_with_the_domain_rules(app, synced, make_person):
    """Every status the SQL CASE can produce matches lms.domain.certification.status_on."""
    cases = {
        "none": ([], None),
        "assigned": ([], (TODAY - timedelta(days=3), TODAY + timedelta(days=5))),
        "overdue": ([], (TODAY - timedelta(days=30), TODAY - timedelta(days=1))),
        "due-today": ([], (TODAY - timedelta(days=30), TODAY)),
        "certified": (
            [
                (
                    TODAY - timedelta(days=10),
                    TODAY + timedelta(days=355),
                    TODAY + timedelta(days=295),
                    None,
                )
            ],
            None,
        ),
        "window-day": (
            [(TODAY - timedelta(days=305), TODAY + timedelta(days=60), TODAY, None)],
            None,
        ),
        "last-day": (
            [(TODAY - timedelta(days=365), TODAY, TODAY - timedelta(days=60), None)],
            None,
        ),
        "expired": (
            [
                (
                    TODAY - timedelta(days=366),
                    TODAY - timedelta(days=1),
                    TODAY - timedelta(days=61),
                    None,
                )
            ],
            None,
        ),
        "revoked": (
            [
                (
                    TODAY - timedelta(days=10),
                    TODAY + timedelta(days=355),
                    TODAY + timedelta(days=295),
                    TODAY,
                )
            ],
            None,
        ),
        "future": (
            [
                (
                    TODAY + timedelta(days=1),
                    TODAY + timedelta(days=366),
                    TODAY + timedelta(days=306),
                    None,
                )
            ],
            None,
        ),
    }
    people = {}
    for name in cases:
        people[name] = make_person(f"{name}@example.com").id
    with app.app_context():
        course = session.scalar(select(Course).where(Course.slug == "mini"))
        version_id = session.scalar(select(Course.id))  # any version id works for the FK below
        from lms.courses.models import CourseVersion

        version_id = session.scalar(
            select(CourseVersion.id).where(CourseVersion.course_id == course.id)
        )
        for name, (periods, assignment) in cases.items():
            for i, (certified, until, window, revoked) in enumerate(periods):
                session.add(
                    CertificationPeriod(
                        person_id=people[name],
                        course_id=course.id,
                        version_id=version_id,
                        sequence=i + 1,
                        kind="initial",
                        certified_on=certified,
                        valid_until=until,
                        window_opens_on=window,
                        revoked_on=revoked,
                        code=f"TEST-{name}-{i}",
                        details={},
                    )
                )
            if assignment:
                session.add(
                    Assignment(
                        person_id=people[name],
                        course_id=course.id,
                        reason="annual",
                        assigned_on=assignment[0],
                        due_on=assignment[1],
                    )
                )
        status_facts.rebuild()  # rows written past the services: derive their facts
        session.commit()
        table = queries.status_table(queries.Scope(), TODAY)
        sql = dict(session.execute(select(table.c.person_id, table.c.status)).all())
    for name, (periods, assignment) in cases.items():
        facts = [PeriodFacts(c, u, w, r) for c, u, w, r in periods]
        a = AssignmentFacts(*assignment) if assignment else None
        assert sql[people[name]] == status_on(TODAY, facts, a), name


def test_team_report_queries_do_not_grow_with_the_team(app, org, make_person):
    c = client_for(app, "manager@example.com")
    with app.app_context():
        engine = app.extensions["sqlalchemy"].engine
    c.get("/reports/team")
    with count_queries(engine) as before:
        c.get("/reports/team")
    for i in range(25):
        make_person(
            f"extra{i}@example.com",
            manager_id=org["lead@example.com"],
            department="Customer Service",
            password=None,
        )
    with count_queries(engine) as after:
        c.get("/reports/team")
    assert len(after) == len(before), (len(before), len(after))


def test_pagination(app, org, make_person):
    for i in range(60):
        make_person(
            f"bulk{i:02d}@example.com", manager_id=org["manager@example.com"], password=None
        )
    c = client_for(app, "manager@example.com")
    page1 = c.get("/reports/team").get_data(as_text=True)
    page2 = c.get("/reports/team?page=2").get_data(as_text=True)
    assert "Page 1 of 2" in page1 and "Page 2 of 2" in page2


def test_search_ignores_accents_and_case(app, client, synced, make_person):
    boss = make_person("boss@example.com", role="manager")
    make_person("dana@example.com", name="Dana Dąbrowska", manager_id=boss.id)
    make_person("lukasz@example.com", name="Łukasz Żółw", manager_id=boss.id)
    make_person("other@example.com", name="Olli Other", manager_id=boss.id)
    from tests.conftest import login

    login(client, "boss@example.com")
    for term, found in (
        ("dabrowska", "Dąbrowska"),
        ("DĄBROW", "Dąbrowska"),
        ("łukasz", "Łukasz"),
        ("zolw", "Żółw"),
    ):
        html = client.get(f"/reports/team?q={term}").get_data(as_text=True)
        assert found in html and "Olli Other" not in html, term


def test_csv_keeps_the_codes_and_adds_labels_and_an_excel_option(app, org):
    c = client_for(app, "manager@example.com")
    plain = c.get("/reports/team.csv")
    assert plain.data[:3] != b"\xef\xbb\xbf"  # machines get the header as documented
    rows = csv_rows(plain)
    labels = {(r["status"], r["status_label"]) for r in rows}
    assert ("overdue", "Overdue") in labels and ("renewal_due", "Renewal due") in labels
    assert {r["course_title"] for r in rows} == {"Mini policy course"} and {
        r["course"] for r in rows
    } == {"mini"}
    excel = c.get("/reports/team.csv?excel=1")
    assert excel.data.startswith(b"\xef\xbb\xbf") and excel.data[3:] == plain.data
    assert c.get("/reports/team?excel=1").status_code == 200
