"""flask lms demo: the demo organisation, idempotent."""

from sqlalchemy import func, select

from lms.accounts.models import Person
from lms.db import session
from tests.conftest import login


def test_demo_is_idempotent_and_shaped_as_promised(app, runner):
    first = runner.invoke(args=["lms", "demo"])
    second = runner.invoke(args=["lms", "demo"])
    assert first.exit_code == 0 and second.exit_code == 0
    assert "training-demo" in first.output and "/login" in first.output
    with app.app_context():
        assert session.scalar(select(func.count()).select_from(Person)) == 12
        by_email = {p.email: p for p in session.scalars(select(Person))}
        manager = by_email["manager@example.com"]
        reports = [p for p in by_email.values() if p.manager_id == manager.id]
        assert len(reports) == 6
        subs = [p for p in reports if p.role == "manager"]
        assert len(subs) == 1
        assert len([p for p in by_email.values() if p.manager_id == subs[0].id]) == 2
        assert by_email["finance@example.com"].department != manager.department
        assert by_email["candidate@example.com"].role == "candidate"


def test_every_demo_role_can_sign_in(app, runner):
    runner.invoke(args=["lms", "demo"])
    for email in (
        "admin@example.com",
        "manager@example.com",
        "lead@example.com",
        "employee@example.com",
        "candidate@example.com",
    ):
        client = app.test_client()
        assert login(client, email, "training-demo").status_code == 302, email
        # Admins start on the organisation overview (they have no training of their own).
        assert client.get("/", follow_redirects=True).status_code == 200


def test_loading_the_demo_again_does_not_bring_back_an_erased_candidate(app, runner):
    from lms.candidates import services as candidates

    runner.invoke(args=["lms", "demo"])
    with app.app_context():
        cara = session.scalar(select(Person).where(Person.email == "candidate@example.com"))
        admin = session.scalar(select(Person).where(Person.email == "admin@example.com"))
        candidates.erase(cara, admin)
    assert runner.invoke(args=["lms", "demo"]).exit_code == 0
    with app.app_context():
        assert session.scalar(select(Person).where(Person.email == "candidate@example.com")) is None
        assert (
            session.scalar(select(func.count()).select_from(Person)) == 12
        )  # the erased row stays


def test_the_readmes_pinned_date_examples_do_what_they_say(app, runner, synced):
    """The README's LMS_TODAY examples, read from the README itself."""
    import re
    from datetime import date, timedelta
    from pathlib import Path

    from lms.certification import services as certification
    from lms.courses.services import latest_version_by_slug

    readme = Path(__file__).resolve().parent.parent.joinpath("README.md").read_text()
    window, expired = (
        int(n)
        for n in re.findall(r"LMS_TODAY=\$\(date -d '\+(\d+) days' \+%F\) make run", readme)[:2]
    )
    assert "opens the refresher window of\nchidi@example.com" in readme
    app.config["LMS_DEMO_COURSE"] = "mini"  # the same certification rules as the real course
    first = date(2026, 12, 1)
    app.config["LMS_TODAY"] = first.isoformat()
    runner.invoke(args=["lms", "demo"])
    with app.app_context():
        version = latest_version_by_slug("mini")
        people = {p.email: p.id for p in session.scalars(select(Person))}

        def status(email, day):
            return certification.cycle_for(people[email], version, day).status

        assert status("chidi@example.com", first + timedelta(days=window)) == "renewal_due"
        for email in (
            "alice@example.com",
            "bruno@example.com",
            "chidi@example.com",
            "lead@example.com",
        ):
            assert status(email, first + timedelta(days=expired)) == "expired", email
