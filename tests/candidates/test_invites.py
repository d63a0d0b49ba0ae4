"""Candidates before hire: invitations (signed, single-use, expiring links), what a
candidate sees, hiring (records kept), erasure (personal data gone, counts kept), and who
may do each of these."""

from __future__ import annotations

import hashlib
import re
import shutil
import time
from datetime import UTC, date, timedelta

import pytest
from itsdangerous import URLSafeTimedSerializer
from sqlalchemy import func, select, update

from lms import mail
from lms.accounts.models import Invite, Person
from lms.audit.models import AuditEvent
from lms.certification.models import Assignment, CertificationPeriod
from lms.courses.models import Course, CourseVersion
from lms.db import session, utcnow
from lms.quizzes.models import Attempt
from tests.conftest import FIXTURE_COURSES, PASSWORD, csrf_from, login, post_form
from tests.outbox.helpers import deliver_mail, jobs

NEW_PASSWORD = "a-long-new-password"
LINK = re.compile(r"http://lms\.test(/invite/[A-Za-z0-9_.\-]+)")


@pytest.fixture
def courses(app, tmp_path):
    """The mini course and a second course ("other") that candidates are not given."""
    root = tmp_path / "courses"
    shutil.copytree(FIXTURE_COURSES, root)
    shutil.copytree(root / "mini", root / "other")
    yaml = root / "other" / "course.yaml"
    yaml.write_text(
        yaml.read_text()
        .replace("id: mini", "id: other")
        .replace("title: Mini policy course", "title: Other policy course")
    )
    from lms.courses.sync import sync_courses

    with app.app_context():
        _outcomes, problems = sync_courses(root)
        assert not problems
        return {c.slug: c.id for c in session.scalars(select(Course))}


@pytest.fixture
def admin(make_person):
    return make_person("admin@example.com", "admin")


def due() -> str:
    return (date.today() + timedelta(days=10)).isoformat()


def invite_form(client, courses, email="cara@example.com", name="Cara Candidate", **extra):
    data = {"email": email, "name": name, "courses": [courses["mini"]], "due_on": due(), **extra}
    return post_form(client, "/candidates/", data)


def outbox(app) -> list[mail.Message]:
    """Every invitation e-mail so far, after the outbox worker has delivered them."""
    return deliver_mail(app)


def link_in(message: mail.Message) -> str:
    match = LINK.search(message.text)
    assert match, message.text
    return match.group(1)


def accept_form(client, path, password=NEW_PASSWORD, name="Cara C."):
    return post_form(client, path, {"name": name, "password": password, "confirm": password})


@pytest.fixture
def invited(app, client, courses, admin):
    """An admin invited cara@example.com to the mini course; returns the link's path."""
    login(client, admin.email)
    response = invite_form(client, courses)
    assert response.status_code == 302, response.get_data(as_text=True)
    client.post(
        "/logout",
        data={
            "csrf_token": csrf_from(client.get("/", follow_redirects=True).get_data(as_text=True))
        },
    )
    return link_in(outbox(app)[-1])


def candidate_id(app, email="cara@example.com") -> int:
    with app.app_context():
        return session.scalar(select(Person.id).where(Person.email == email))


def audit_actions(app) -> list[tuple[str, int | None, int | None]]:
    with app.app_context():
        return [
            (e.action, e.actor_id, e.target_id)
            for e in session.scalars(select(AuditEvent).order_by(AuditEvent.id))
        ]


# --- inviting and accepting -------------------------------------------------------------


def test_invite_end_to_end(app, client, courses, admin):
    login(client, admin.email)
    page = client.get("/candidates/").get_data(as_text=True)
    assert "Mini policy course" in page and "Other policy course" in page  # course checkboxes
    assert invite_form(client, courses).status_code == 302
    assert "cara@example.com" in client.get("/candidates/").get_data(as_text=True)

    [message] = outbox(app)
    assert message.to == ("cara@example.com",)
    path = link_in(message)
    token = path.rsplit("/", 1)[1]
    cara = candidate_id(app)
    with app.app_context():
        person = session.get(Person, cara)
        assert (person.role, person.status, person.password_hash) == ("candidate", "invited", None)
        [row] = session.scalars(select(Invite).where(Invite.person_id == cara)).all()
        assert (
            row.token_hash == hashlib.sha256(token.encode()).hexdigest()
        )  # only the hash is stored
        assert row.created_by_id == admin.id and row.used_at is None
        assert timedelta(days=13, hours=23) < row.expires_at - utcnow() <= timedelta(days=14)
        [a] = session.scalars(select(Assignment).where(Assignment.person_id == cara)).all()
        assert (a.course_id, a.reason, a.due_on.isoformat(), a.assigned_by_id) == (
            courses["mini"],
            "onboarding",
            due(),
            admin.id,
        )
    assert ("invite_candidate", admin.id, cara) in audit_actions(app)

    candidate = app.test_client()
    form = candidate.get(path)
    assert form.status_code == 200 and "Cara Candidate" in form.get_data(as_text=True)
    response = accept_form(candidate, path)
    assert response.status_code == 302 and response.headers["Location"] == "/"
    home = candidate.get("/").get_data(as_text=True)
    assert "Mini policy course" in home and "Other policy course" not in home
    assert "Cara C." in home
    assert candidate.get("/courses/mini/").status_code == 200
    assert candidate.get("/courses/other/").status_code == 404
    with app.app_context():
        person = session.get(Person, cara)
        assert person.status == "active" and person.name == "Cara C." and person.password_hash
        assert session.scalar(select(Invite.used_at).where(Invite.person_id == cara)) is not None
    # Signed in later with the new password, still only onboarding.
    fresh = app.test_client()
    assert login(fresh, "cara@example.com", NEW_PASSWORD).status_code == 302


def test_candidate_sees_no_report_or_admin_page(app, client, invited):
    accept_form(client, invited)
    urls = [
        "/candidates/",
        "/admin/audit",
        "/admin/audit.csv",
        "/reports/team",
        "/reports/team.csv",
        "/reports/org",
        "/reports/org.csv",
        "/reports/assign",
    ]
    for url in urls:
        assert client.get(url).status_code == 403, url


def test_used_link_is_refused_with_a_clear_page(app, client, invited):
    assert accept_form(client, invited).status_code == 302
    other = app.test_client()
    for response in (
        other.get(invited),
        other.post(invited, data={"name": "x", "password": "y" * 12}),
    ):
        assert response.status_code == 410
        html = response.get_data(as_text=True)
        assert "This invitation link has already been used" in html
        assert "ask the person who invited you" in html


def test_expired_link_is_refused(app, client, invited):
    with app.app_context():
        session.execute(update(Invite).values(expires_at=utcnow() - timedelta(seconds=1)))
        session.commit()
    response = client.get(invited)
    assert response.status_code == 410
    assert "This invitation link has expired" in response.get_data(as_text=True)
    assert client.post(invited, data={"name": "x"}).status_code == 410


def test_link_older_than_the_max_age_is_refused_by_its_signature(app, client, invited, monkeypatch):
    """Even with the row's expiry moved forward, the signed timestamp is checked."""
    from itsdangerous.timed import TimestampSigner

    with app.app_context():
        row = session.scalar(select(Invite))
        with monkeypatch.context() as patch:  # a token signed 15 days ago
            patch.setattr(
                TimestampSigner, "get_timestamp", lambda self: int(time.time()) - 15 * 86400
            )
            token = URLSafeTimedSerializer(app.secret_key, salt="lms-invite").dumps(
                {"invite": row.id, "nonce": "n"}
            )
        row.token_hash = hashlib.sha256(token.encode()).hexdigest()
        row.expires_at = utcnow() + timedelta(days=30)
        session.commit()
    response = client.get(f"/invite/{token}")
    assert response.status_code == 410 and "has expired" in response.get_data(as_text=True)


def test_tampered_or_forged_link_is_404(app, client, invited):
    token = invited.rsplit("/", 1)[1]
    tampered = token[:-2] + ("AA" if not token.endswith("AA") else "BB")
    for path in (f"/invite/{tampered}", "/invite/not-a-token", f"/invite/{token}x"):
        response = client.get(path)
        assert response.status_code == 404, path
        assert "This invitation link is not valid" in response.get_data(as_text=True)
    # Properly signed but never issued (no stored hash): refused too.
    with app.app_context():
        invite_id = session.scalar(select(Invite.id))
        forged = URLSafeTimedSerializer(app.secret_key, salt="lms-invite").dumps(
            {"invite": invite_id, "nonce": "guess"}
        )
    assert client.get(f"/invite/{forged}").status_code == 404
    assert client.get(invited).status_code == 200  # the real one still works


def test_double_submit_uses_the_link_once(app, client, invited):
    html = client.get(invited).get_data(as_text=True)
    data = {
        "csrf_token": csrf_from(html),
        "name": "Cara",
        "password": NEW_PASSWORD,
        "confirm": NEW_PASSWORD,
    }
    first = client.post(invited, data=data)
    second = client.post(
        invited, data={**data, "password": "another-password-1", "confirm": "another-password-1"}
    )
    assert first.status_code == 302
    assert second.status_code == 410
    assert login(app.test_client(), "cara@example.com", NEW_PASSWORD).status_code == 302
    assert login(app.test_client(), "cara@example.com", "another-password-1").status_code == 401


def test_conditional_update_refuses_a_concurrent_second_use(app, invited, monkeypatch):
    """Two submits that both passed the checks: the UPDATE ... WHERE used_at IS NULL
    lets exactly one through."""
    from lms.candidates import services

    token = invited.rsplit("/", 1)[1]
    with app.app_context():
        row = services.check(token)
        session.expunge(row)
    monkeypatch.setattr(services, "check", lambda _token: row)
    with app.app_context():
        services.accept(token, "Cara", NEW_PASSWORD)
    with app.app_context(), pytest.raises(services.InviteError) as info:
        services.accept(token, "Mallory", "mallory-password")
    assert info.value.reason == "used"
    with app.app_context():
        person = session.scalar(select(Person).where(Person.email == "cara@example.com"))
        assert person.name == "Cara"


def test_accept_form_errors_are_shown_and_nothing_changes(app, client, invited):
    response = accept_form(client, invited, password="short")
    assert response.status_code == 400
    assert "at least 10" in response.get_data(as_text=True)
    response = post_form(
        client, invited, {"name": "Cara", "password": NEW_PASSWORD, "confirm": "different-one"}
    )
    assert response.status_code == 400 and "The passwords differ." in response.get_data(
        as_text=True
    )
    with app.app_context():
        assert session.scalar(select(Invite.used_at)) is None
    assert accept_form(client, invited).status_code == 302


def test_reinvite_replaces_the_earlier_link(app, client, courses, admin, invited):
    login(client, admin.email)
    assert invite_form(client, courses, name="Cara Again").status_code == 302
    new = link_in(outbox(app)[-1])
    assert new != invited
    with app.app_context():
        assert (
            session.scalar(
                select(func.count()).select_from(Person).where(Person.email == "cara@example.com")
            )
            == 1
        )
        # The course was assigned once, not again.
        assert session.scalar(select(func.count()).select_from(Assignment)) == 1
    fresh = app.test_client()
    assert fresh.get(invited).status_code == 410  # the old link now reads as expired
    assert fresh.get(new).status_code == 200


def test_invite_refuses_an_existing_person_and_needs_a_course(
    app, client, courses, admin, make_person
):
    make_person("emma@example.com")
    login(client, admin.email)
    response = invite_form(client, courses, email="Emma@Example.com")
    assert response.status_code == 400
    assert "A person with this e-mail address already exists." in response.get_data(as_text=True)
    response = post_form(
        client, "/candidates/", {"email": "new@example.com", "name": "New", "due_on": due()}
    )
    assert response.status_code == 400 and "Choose at least one course." in response.get_data(
        as_text=True
    )
    assert outbox(app) == []


def test_invite_outside_a_request_builds_the_link_from_the_base_url(app, courses, admin):
    from lms.candidates import services

    with app.app_context():
        by = session.get(Person, admin.id)
        person, url = services.invite(
            "zoe@example.com", "Zoe", [courses["mini"]], date.today(), by=by
        )
        assert url.startswith("http://lms.test/invite/")
        assert person.role == "candidate"
    assert url in outbox(app)[-1].text


def test_host_apps_invite_without_links_and_have_no_accept_page(database_url):
    """In a host app people sign in with the host's accounts: the e-mail points at the
    LMS, no invitation link is made, and the accept page does not exist."""
    from lms import outbox as outbox_mod
    from lms.accounts import services as accounts
    from lms.candidates import services
    from lms.courses.sync import sync_courses
    from tests.conftest import app_config
    from tests.host.conftest import drop_portal
    from tests.host.hostapp import create_host_app

    host = create_host_app(app_config(database_url))
    try:
        assert host.test_client().get("/training/invite/anything").status_code == 404
        with host.app_context():
            sync_courses(FIXTURE_COURSES)
            hr = accounts.create_person(email="hr@portal.example", name="HR", role="admin")
            course_id = session.scalar(select(Course.id))
            person, url = services.invite("new@portal.example", "New", [course_id], None, by=hr)
            assert url == "http://lms.test/training/"
            outbox_mod.run()
            assert (
                "Sign in to the portal" in mail.outbox()[-1].text and url in mail.outbox()[-1].text
            )
            assert session.scalar(select(func.count()).select_from(Invite)) == 0
            assert session.scalar(select(func.count()).select_from(Assignment)) == 1
    finally:
        drop_portal(host)


# --- hiring -------------------------------------------------------------------------------


@pytest.fixture
def onboarded(app, invited, courses):
    """Cara accepted, has an attempt and a certificate on the mini course."""
    assert accept_form(app.test_client(), invited).status_code == 302
    cara = candidate_id(app)
    with app.app_context():
        version = session.scalar(
            select(CourseVersion).where(CourseVersion.course_id == courses["mini"])
        )
        attempt = Attempt(
            person_id=cara,
            course_id=courses["mini"],
            version_id=version.id,
            kind="final",
            seed="s",
            pass_mark=75,
            questions=[],
            submitted_at=utcnow(),
            passed=True,
            score=100,
        )
        session.add(attempt)
        session.commit()
        from lms.certification import services as certification

        period = certification.issue_period(cara, version, certification.cycle_for(cara, version))
        return {"id": cara, "attempt": attempt.id, "period": period.id}


def test_hiring_keeps_attempts_assignments_and_certificates(
    app, client, onboarded, admin, make_person
):
    boss = make_person("boss@example.com", "manager")
    login(client, admin.email)
    page = client.get(f"/candidates/{onboarded['id']}/hire")
    assert page.status_code == 200 and "boss@example.com" in page.get_data(as_text=True)
    response = post_form(
        client,
        f"/candidates/{onboarded['id']}/hire",
        {"manager": boss.id, "department": "Customer Service"},
    )
    assert response.status_code == 302
    with app.app_context():
        person = session.get(Person, onboarded["id"])
        assert (person.role, person.manager_id, person.department) == (
            "employee",
            boss.id,
            "Customer Service",
        )
        assert session.get(Attempt, onboarded["attempt"]).person_id == person.id
        assert session.get(CertificationPeriod, onboarded["period"]).person_id == person.id
        assert (
            session.scalar(
                select(func.count())
                .select_from(Assignment)
                .where(Assignment.person_id == person.id)
            )
            == 1
        )
        event = session.scalar(select(AuditEvent).where(AuditEvent.action == "hire_candidate"))
        assert (event.actor_id, event.target_id, event.details["manager_id"]) == (
            admin.id,
            person.id,
            boss.id,
        )
    # Hired: no longer a candidate, so the candidate pages no longer find them.
    assert client.get(f"/candidates/{onboarded['id']}/hire").status_code == 404
    employee = app.test_client()
    login(employee, "cara@example.com", NEW_PASSWORD)
    assert "Other policy course" in employee.get("/").get_data(
        as_text=True
    )  # now sees every course


# --- erasing ------------------------------------------------------------------------------


def test_erase_removes_personal_data_and_keeps_counts(app, client, onboarded, admin):
    cara = onboarded["id"]
    login(client, admin.email)
    page = client.get(f"/candidates/{cara}/erase")
    html = page.get_data(as_text=True)
    assert (
        page.status_code == 200 and "cara@example.com" in html and "Kept, without the name" in html
    )
    with app.app_context():
        before = session.scalar(select(func.count()).select_from(Assignment))
    wrong = post_form(client, f"/candidates/{cara}/erase", {"confirm_email": "someone@example.com"})
    assert wrong.status_code == 400 and "not this candidate" in wrong.get_data(as_text=True)
    response = post_form(
        client, f"/candidates/{cara}/erase", {"confirm_email": " Cara@Example.com "}
    )
    assert response.status_code == 302
    with app.app_context():
        person = session.get(Person, cara)
        assert person.name == "Erased candidate"
        assert person.email == f"erased-{cara}@erased.invalid"
        assert (person.password_hash, person.external_id, person.status) == (None, None, "erased")
        assert (
            session.scalar(select(func.count()).select_from(Invite).where(Invite.person_id == cara))
            == 0
        )
        assert session.scalar(select(func.count()).select_from(Assignment)) == before == 1
        assert session.get(Attempt, onboarded["attempt"]).person_id == cara
        assert (
            session.get(CertificationPeriod, onboarded["period"]).details["person_name"]
            == "Erased candidate"
        )
        event = session.scalar(select(AuditEvent).where(AuditEvent.action == "erase_person"))
        assert event.actor_id == admin.id and event.target_id == cara
        assert event.details == {"person_id": cara}
        assert "cara" not in str(event.details).lower()
    assert "cara@example.com" not in client.get("/candidates/").get_data(as_text=True)
    assert client.get(f"/candidates/{cara}/erase").status_code == 404  # erased: gone from the pages
    assert login(app.test_client(), "cara@example.com", NEW_PASSWORD).status_code == 401


def test_erase_needs_the_confirmation_post_with_csrf(app, client, invited, admin):
    cara = candidate_id(app)
    login(client, admin.email)
    assert client.post(f"/candidates/{cara}/erase", data={}).status_code == 400
    with app.app_context():
        assert session.get(Person, cara).status == "invited"


def test_hired_people_cannot_be_erased_by_the_service(app, make_person, admin):
    from lms.candidates import services

    make_person("emma@example.com")
    with app.app_context():
        emma = session.scalar(select(Person).where(Person.email == "emma@example.com"))
        with pytest.raises(services.CandidateError):
            services.erase(emma, session.get(Person, admin.id))


# --- managers -----------------------------------------------------------------------------


@pytest.fixture
def managers(make_person):
    m1 = make_person("m1@example.com", "manager")
    lead = make_person("lead@example.com", "manager", manager_id=m1.id)
    m2 = make_person("m2@example.com", "manager")
    return m1, lead, m2


def test_manager_invites_and_manages_only_their_own(app, courses, managers):
    m1, lead, m2 = managers
    c1 = app.test_client()
    login(c1, m1.email)
    assert invite_form(c1, courses).status_code == 302
    cara = candidate_id(app)
    with app.app_context():
        assert session.get(Person, cara).manager_id == m1.id
    assert "cara@example.com" in c1.get("/candidates/").get_data(as_text=True)

    c2 = app.test_client()
    login(c2, m2.email)
    assert "cara@example.com" not in c2.get("/candidates/").get_data(as_text=True)
    for url in (f"/candidates/{cara}/hire", f"/candidates/{cara}/erase"):
        assert c2.get(url).status_code == 404, url
    token = csrf_from(c2.get("/candidates/").get_data(as_text=True))
    assert c2.post(f"/candidates/{cara}/erase", data={"csrf_token": token}).status_code == 404
    # Re-inviting another manager's candidate is refused like any existing address.
    assert invite_form(c2, courses).status_code == 400


def test_manager_hires_only_into_their_own_tree(app, courses, managers):
    m1, lead, m2 = managers
    client = app.test_client()
    login(client, m1.email)
    invite_form(client, courses)
    cara = candidate_id(app)
    html = client.get(f"/candidates/{cara}/hire").get_data(as_text=True)
    assert "lead@example.com" in html and "m2@example.com" not in html
    response = post_form(
        client, f"/candidates/{cara}/hire", {"manager": m2.id, "department": "Sales"}
    )
    assert response.status_code == 400 and "Not a valid choice" in response.get_data(as_text=True)
    with app.app_context():
        assert session.get(Person, cara).role == "candidate"
        from lms.candidates import services

        with pytest.raises(services.CandidateError):
            services.hire(
                session.get(Person, cara),
                session.get(Person, m1.id),
                session.get(Person, m2.id),
                "Sales",
            )
    response = post_form(
        client, f"/candidates/{cara}/hire", {"manager": lead.id, "department": "Support"}
    )
    assert response.status_code == 302
    with app.app_context():
        person = session.get(Person, cara)
        assert (person.role, person.manager_id, person.department) == (
            "employee",
            lead.id,
            "Support",
        )


# --- the access matrix --------------------------------------------------------------------


def test_employees_and_candidates_get_403_everywhere(app, courses, invited, make_person):
    cara = candidate_id(app)
    make_person("emma@example.com")
    make_person("cleo@example.com", "candidate")
    routes = [
        ("get", "/candidates/"),
        ("post", "/candidates/"),
        ("get", f"/candidates/{cara}/hire"),
        ("post", f"/candidates/{cara}/hire"),
        ("get", f"/candidates/{cara}/erase"),
        ("post", f"/candidates/{cara}/erase"),
        ("get", "/admin/audit"),
        ("get", "/admin/audit.csv"),
    ]
    for email in ("emma@example.com", "cleo@example.com"):
        client = app.test_client()
        login(client, email)
        for method, url in routes:
            assert getattr(client, method)(url).status_code == 403, (email, method, url)
    anonymous = app.test_client()
    for method, url in routes:
        response = getattr(anonymous, method)(url)
        assert response.status_code == 302 and "/login" in response.headers["Location"], url
    with app.app_context():
        assert session.get(Person, cara).status == "invited"


def test_managers_get_403_on_the_audit_pages(app, managers):
    client = app.test_client()
    login(client, managers[0].email)
    assert client.get("/admin/audit").status_code == 403
    assert client.get("/admin/audit.csv").status_code == 403


def test_unknown_candidate_is_404_for_admins(client, admin, make_person):
    emma = make_person("emma@example.com")
    login(client, admin.email)
    assert client.get("/candidates/9999/hire").status_code == 404
    assert client.get(f"/candidates/{emma.id}/erase").status_code == 404  # not a candidate


def test_password_of_the_inviter_is_untouched(app, invited, admin):
    with app.app_context():
        assert session.get(Person, admin.id).password_hash
    assert login(app.test_client(), admin.email, PASSWORD).status_code == 302


def test_the_invitation_email_is_queued_with_the_invitation_and_retried(
    app, client, courses, admin, monkeypatch
):
    """The e-mail is written with the invitation; a delivery failure leaves it queued
    (the link stays valid) and the worker's retry delivers it."""
    from datetime import datetime

    from lms import outbox as outbox_mod

    def refused():
        raise OSError("SMTP refused")

    monkeypatch.setitem(mail.BACKENDS, "memory", refused)
    login(client, admin.email)
    assert invite_form(client, courses).status_code == 302
    [job] = jobs(app)
    cara = candidate_id(app)
    assert (job.kind, job.status, job.person_id) == ("mail", "pending", cara)
    assert job.key.startswith(f"candidate-invite:{cara}:")
    assert LINK.search(job.payload["text"])  # the link waits in the outbox until delivered

    now = datetime.now(UTC).replace(tzinfo=None)
    with app.app_context():
        outbox_mod.run(now=now)
    [job] = jobs(app)
    assert (job.status, job.attempts, job.last_error) == ("pending", 1, "OSError: SMTP refused")
    assert job.next_attempt_at > now
    path = LINK.search(job.payload["text"]).group(1)
    assert app.test_client().get(path).status_code == 200  # the invitation itself is fine

    monkeypatch.undo()
    with app.app_context():
        outbox_mod.run(now=now + timedelta(minutes=1))
        [message] = mail.outbox()
    assert link_in(message) == path
    [job] = jobs(app)
    assert (job.status, job.attempts, job.payload) == ("done", 2, {})  # the link is not kept


def test_a_refused_invitation_queues_no_email(
    app, client, courses, admin, make_person, monkeypatch
):
    from lms.candidates import services

    def broken(*args, **kwargs):
        raise RuntimeError("database went away mid-invite")

    monkeypatch.setattr(services.certification, "assign", broken)
    with app.app_context(), pytest.raises(RuntimeError):
        services.invite(
            "zoe@example.com", "Zoe", [courses["mini"]], None, by=session.get(Person, admin.id)
        )
    with app.app_context():
        session.rollback()
    assert jobs(app) == [] and candidate_id(app, "zoe@example.com") is None


def test_erasing_a_candidate_drops_the_email_still_queued_for_them(app, client, courses, admin):
    login(client, admin.email)
    invite_form(client, courses)
    invite_form(client, courses, email="other@example.com", name="Other Candidate")
    cara = candidate_id(app)
    assert len(jobs(app)) == 2
    page = client.get(f"/candidates/{cara}/erase").get_data(as_text=True)
    assert (
        client.post(
            f"/candidates/{cara}/erase",
            data={"csrf_token": csrf_from(page), "confirm_email": "cara@example.com"},
        ).status_code
        == 302
    )
    [left] = jobs(app)
    assert left.person_id == candidate_id(app, "other@example.com")
    assert [m.to for m in outbox(app)] == [("other@example.com",)]


def test_the_hire_form_proposes_the_manager_the_candidate_was_invited_by(
    app, client, courses, make_person
):
    lead = make_person("lead@example.com", role="manager")
    boss = make_person("boss@example.com", role="admin")
    lead_client = app.test_client()
    login(lead_client, lead.email)
    invite_form(lead_client, courses)
    cara = candidate_id(app)
    login(client, boss.email)
    page = client.get(f"/candidates/{cara}/hire").get_data(as_text=True)
    assert re.search(
        rf'<option selected value="{lead.id}">|<option value="{lead.id}" selected>', page
    ), page


@pytest.mark.parametrize(
    "due_on, message",
    [
        ("2020-01-01", "The due date is in the past: choose today or a later day."),
        ("9999-12-31", "The due date is more than 2 years ahead"),
        ((date.today() + timedelta(days=3 * 365)).isoformat(), "more than 2 years ahead"),
        ("1/12/2026", "Not a valid date. Write it as YYYY-MM-DD"),
        ("", "This field is required."),
    ],
)
def test_an_invitation_due_date_out_of_range_or_badly_written_is_a_field_error(
    app, client, courses, admin, due_on, message
):
    login(client, admin.email)
    response = invite_form(client, courses, due_on=due_on)
    html = response.get_data(as_text=True)
    assert response.status_code == 400 and message in html
    assert 'aria-describedby="due_on-format due_on-error"' in html
    with app.app_context():
        assert session.scalar(select(func.count(Invite.id))) == 0
        assert session.scalar(select(func.count(Assignment.id))) == 0
    assert outbox(app) == []
