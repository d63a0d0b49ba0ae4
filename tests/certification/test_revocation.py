"""Revocation end to end: a confirmation page with a required reason, the audit event,
the learner's e-mail, the reason on their pages, "revoked" (not "expired") wording, and
a PDF that is no longer served."""

from __future__ import annotations

import threading
from datetime import date

import pytest
from sqlalchemy import select

from lms import mail
from lms.audit.models import AuditEvent
from lms.certification.models import CertificationPeriod
from lms.db import session
from tests.certification.test_certification_flow import complete_course
from tests.conftest import csrf_from, login
from tests.outbox.helpers import deliver_mail, jobs

REASON = "Shared a customer's order details in a public post"


@pytest.fixture
def certified(app, synced, make_person):
    learner = make_person("cert@example.com", name="Zoë Dąbrowska")
    complete_course(app, learner.id, date(2026, 5, 4))
    app.config["LMS_TODAY"] = "2026-06-01"
    with app.app_context():
        period_id, code = session.execute(
            select(CertificationPeriod.id, CertificationPeriod.code)
        ).one()
        mail.outbox().clear()
    make_person("boss@example.com", role="admin", name="Bea Boss")
    make_person("lead@example.com", role="manager")
    return {"learner": learner, "period_id": period_id, "code": code}


def signed_in(app, email):
    client = app.test_client()
    login(client, email)
    return client


def revoke_events(app) -> list[AuditEvent]:
    with app.app_context():
        return list(
            session.scalars(select(AuditEvent).where(AuditEvent.action == "revoke_certificate"))
        )


def test_revoke_is_a_confirmation_page_with_a_required_reason(app, certified):
    admin = signed_in(app, "boss@example.com")
    person_page = admin.get(f"/reports/people/{certified['learner'].id}").get_data(as_text=True)
    url = f"/certificates/{certified['period_id']}/revoke"
    assert (
        f'href="{url}"' in person_page and 'name="reason"' not in person_page
    )  # a link, not a text box
    page = admin.get(url).get_data(as_text=True)
    for expected in (
        "Revoke a certificate",
        "Zoë Dąbrowska",
        "cert@example.com",
        "Mini policy course",
        '<time datetime="2026-05-04">May 4, 2026</time>',
        '<time datetime="2027-05-04">May 4, 2027</time>',
        certified["code"],
        "It cannot be undone",
    ):
        assert expected in page, expected
    assert (
        admin.post(url, data={"csrf_token": csrf_from(page), "reason": "bad\x00byte"}).status_code
        == 400
    )
    for bad, message in (
        ("", "Give the reason"),
        ("   ", "Give the reason"),
        ("x" * 501, "500 characters or fewer"),
    ):
        response = admin.post(url, data={"csrf_token": csrf_from(page), "reason": bad})
        assert response.status_code == 400 and message in response.get_data(as_text=True), repr(bad)
        assert 'aria-invalid="true"' in response.get_data(as_text=True)
    assert admin.post(url, data={"reason": REASON}).status_code == 400  # no CSRF token: refused
    with app.app_context():
        assert session.get(CertificationPeriod, certified["period_id"]).revoked_on is None
    assert revoke_events(app) == []


def test_revoking_reaches_the_learner_the_audit_log_and_the_pdf(app, certified):
    admin = signed_in(app, "boss@example.com")
    url = f"/certificates/{certified['period_id']}/revoke"
    response = admin.post(
        url,
        data={
            "csrf_token": csrf_from(admin.get(url).get_data(as_text=True)),
            "reason": f"  {REASON}  ",
        },
    )
    assert response.status_code == 302 and response.headers["Location"].endswith(
        f"/reports/people/{certified['learner'].id}"
    )
    with app.app_context():
        period = session.get(CertificationPeriod, certified["period_id"])
        assert (period.revoked_on, period.revoked_reason) == (date(2026, 6, 1), REASON)
    [message] = deliver_mail(app)
    [event] = revoke_events(app)
    assert event.actor_label == "Bea Boss <boss@example.com>"
    assert event.details["reason"] == REASON and event.details["code"] == certified["code"]
    assert event.details["revoked_on"] == "2026-06-01"

    assert (
        message.to == ("cert@example.com",)
        and "Mini policy course certificate was revoked" in message.subject
    )
    assert (
        REASON in message.text
        and "was revoked on Jun 1, 2026" in message.text
        and "certified on May 4, 2026" in message.text
        and certified["code"] in message.text
    )
    assert (
        "http://lms.test/certificates/" in message.text
        and f"/verify/{certified['code']}" in message.text
    )

    learner = signed_in(app, "cert@example.com")
    pdf = learner.get(f"/certificates/{certified['code']}.pdf")
    assert pdf.status_code == 410 and pdf.mimetype == "text/html"
    assert REASON.replace("'", "&#39;") in pdf.get_data(
        as_text=True
    ) and "Jun 1, 2026" in pdf.get_data(as_text=True)
    assert admin.get(f"/certificates/{certified['code']}.pdf").status_code == 410  # for everyone
    mine = learner.get("/certificates/").get_data(as_text=True)
    assert "Revoked on Jun 1, 2026" in mine and REASON.replace("'", "&#39;") in mine
    assert f"/certificates/{certified['code']}.pdf" not in mine and "cannot be downloaded" in mine
    home = learner.get("/").get_data(as_text=True)
    assert "Your certificate was revoked on Jun 1, 2026." in home and "lapsed" not in home
    assert "expired" not in home.lower()
    verify = app.test_client().get(f"/verify/{certified['code']}").get_data(as_text=True)
    assert "Revoked" in verify and '<time datetime="2026-06-01">Jun 1, 2026</time>' in verify


def test_revoking_twice_records_and_mails_once(app, certified):
    admin = signed_in(app, "boss@example.com")
    url = f"/certificates/{certified['period_id']}/revoke"
    token = csrf_from(admin.get(url).get_data(as_text=True))
    admin.post(url, data={"csrf_token": token, "reason": REASON})
    again = admin.post(url, data={"csrf_token": token, "reason": "Another reason"})
    assert again.status_code == 302
    with app.app_context():
        assert session.get(CertificationPeriod, certified["period_id"]).revoked_reason == REASON
    assert len(deliver_mail(app)) == 1
    assert len(revoke_events(app)) == 1


@pytest.mark.parametrize("email", ["cert@example.com", "lead@example.com"])
def test_only_admins_revoke(app, certified, email):
    client = signed_in(app, email)
    url = f"/certificates/{certified['period_id']}/revoke"
    assert client.get(url).status_code == 403
    token = csrf_from(client.get("/", follow_redirects=True).get_data(as_text=True))
    assert client.post(url, data={"csrf_token": token, "reason": "x"}).status_code == 403
    assert signed_in(app, "boss@example.com").get("/certificates/999999/revoke").status_code == 404


def test_the_notice_is_queued_with_the_revocation_and_survives_a_failing_backend(app, certified):
    admin = signed_in(app, "boss@example.com")
    url = f"/certificates/{certified['period_id']}/revoke"
    app.config["LMS_MAIL_BACKEND"] = "no-such-backend"  # delivery fails: the job stays queued
    admin.post(
        url, data={"csrf_token": csrf_from(admin.get(url).get_data(as_text=True)), "reason": REASON}
    )
    with app.app_context():
        assert session.get(CertificationPeriod, certified["period_id"]).revoked_on == date(
            2026, 6, 1
        )
    [job] = jobs(app, key=f"revoked:{certified['period_id']}")
    assert job.status == "pending"


def test_concurrent_revocations_record_one_event_and_one_mail(app, certified, database_url):
    if not database_url.startswith("postgresql"):
        pytest.skip("parallel transactions need PostgreSQL (set LMS_TEST_DATABASE_URL)")
    from lms.accounts.services import find_by_email
    from lms.certification.revocation import revoke

    barrier, won, errors = threading.Barrier(6), [], []

    def run(i):
        try:
            with app.app_context():
                period = session.get(CertificationPeriod, certified["period_id"])
                admin = find_by_email("boss@example.com")
                barrier.wait()
                won.append(revoke(period, reason=f"{REASON} ({i})", by=admin))
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=run, args=(i,)) for i in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == [] and sorted(won) == [False] * 5 + [True]
    assert len(revoke_events(app)) == 1
    assert len(jobs(app, kind="mail")) == 1
