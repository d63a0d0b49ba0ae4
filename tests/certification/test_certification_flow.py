"""Certification on the mini course: completion, refresher, expiry, reviews, certificates,
verification and reminders. Dates are pinned with LMS_TODAY."""

from __future__ import annotations

import io
import threading
from datetime import date

import pytest
from pypdf import PdfReader
from sqlalchemy import func, select
from werkzeug.datastructures import MultiDict

from lms import mail
from lms.certification import services as certification
from lms.certification.models import CertificationPeriod, ReminderSent, ReviewTask
from lms.courses.services import latest_version_by_slug
from lms.db import session
from lms.quizzes import services as quizzes
from lms.scenarios import services as scenarios
from tests.conftest import csrf_from, login
from tests.helpers import answers, edited_courses
from tests.outbox.helpers import deliver_mail, jobs


def _form(attempt, right=True) -> MultiDict:
    """The attempt answered as its page would send it (in its answer tokens)."""
    from flask import current_app

    data = MultiDict()
    for key, value in answers(
        attempt.questions, right=right, app=current_app._get_current_object(), attempt_id=attempt.id
    ).items():
        for v in value if isinstance(value, list) else [value]:
            data.add(key, v)
    return data


def complete_course(app, person_id: int, day: date) -> None:
    """Do what the cycle requires on ``day``, through the services the pages call."""
    app.config["LMS_TODAY"] = day.isoformat()
    with app.app_context():
        version = latest_version_by_slug("mini")
        cycle, needs, progress = certification.progress_for(person_id, version)
        if cycle.mode == "certified":
            return
        for module in needs.modules:
            quizzes.mark_read(person_id, module, version.course_id)
            attempt = quizzes.check_for(person_id, version, module)
            quizzes.submit(attempt, _form(attempt))
        cycle, needs, progress = certification.progress_for(person_id, version)
        attempt = quizzes.start_assessment(
            person_id, version, progress.assessment, kind=needs.kind, draw=needs.draw, needs=needs
        )
        quizzes.submit(attempt, _form(attempt))
        row = scenarios.scenario_for(version, "complaint")
        run = scenarios.start_run(person_id, version, row)
        scenarios.choose(run, row, "post", 0, 1)
        scenarios.choose(run, row, "reported", 1, 1)


def periods(app, person_id):
    with app.app_context():
        return [
            (p.certified_on, p.valid_until, p.window_opens_on, p.kind)
            for p in session.scalars(
                select(CertificationPeriod)
                .where(CertificationPeriod.person_id == person_id)
                .order_by(CertificationPeriod.sequence)
            )
        ]


@pytest.fixture
def learner(app, synced, make_person):
    return make_person("cert@example.com", name="Zoë Dąbrowska")


def test_completing_every_requirement_certifies_once(app, learner):
    complete_course(app, learner.id, date(2026, 1, 31))
    assert periods(app, learner.id) == [
        (date(2026, 1, 31), date(2027, 1, 31), date(2026, 12, 2), "initial")
    ]
    complete_course(app, learner.id, date(2026, 2, 1))  # nothing more to do while certified
    assert len(periods(app, learner.id)) == 1


def test_refresher_in_the_window_renews_from_the_old_expiry(app, client, learner):
    complete_course(app, learner.id, date(2026, 1, 31))
    app.config["LMS_TODAY"] = "2026-12-10"  # window opened 2026-12-02
    login(client, "cert@example.com")
    home = client.get("/").get_data(as_text=True)
    assert "Refresher due by Jan 31, 2027" in home and "Renewal due" in home
    course = client.get("/courses/mini/").get_data(as_text=True)
    assert "Refresher assessment" in course
    assert "modules to complete" not in course  # the policy did not change: no module again
    complete_course(app, learner.id, date(2026, 12, 10))
    assert periods(app, learner.id)[-1] == (
        date(2026, 12, 10),
        date(2028, 1, 31),
        date(2027, 12, 2),
        "renewal",
    )
    with app.app_context():
        refresher = session.scalar(
            select(func.count())
            .select_from(quizzes.Attempt)
            .where(quizzes.Attempt.kind == "refresher")
        )
        assert refresher == 1


def test_the_refresher_draw_leans_on_what_changed_and_covers_the_rest(app, learner, tmp_path):
    complete_course(app, learner.id, date(2026, 1, 31))
    root = edited_courses(
        tmp_path,
        {
            "mini/policy.md": [
                ("Do not argue in public;", "Never argue in public, not even to correct a fact;")
            ]
        },
    )
    from lms.courses.sync import sync_courses

    app.config["LMS_TODAY"] = "2026-12-10"
    with app.app_context():
        sync_courses(root)
        version = latest_version_by_slug("mini")
        _cycle, needs, _progress = certification.progress_for(learner.id, version)
        for module in needs.modules:  # the changed module first: the gate of the assessment
            quizzes.mark_read(learner.id, module, version.course_id)
            attempt = quizzes.check_for(learner.id, version, module)
            quizzes.submit(attempt, _form(attempt))
        for run in range(12):  # whatever the seed
            cycle, needs, progress = certification.progress_for(learner.id, version)
            assert needs.kind == "refresher" and [m.key for m in needs.modules] == ["voice"]
            assert needs.changed_sections == {"complaints"}
            attempt = quizzes.start_assessment(
                learner.id,
                version,
                progress.assessment,
                kind=needs.kind,
                draw=needs.draw,
                needs=needs,
            )
            sections = sorted(q["section"] for q in attempt.questions)
            # scope is not in the redone module, so it is asked; the rest leans on the change.
            assert sections == ["complaints", "scope"], (run, sections)
            session.delete(attempt)
            session.commit()


def test_after_expiry_the_full_course_is_required_again(app, client, learner):
    complete_course(app, learner.id, date(2026, 1, 31))
    app.config["LMS_TODAY"] = "2027-02-01"
    login(client, "cert@example.com")
    course = client.get("/courses/mini/").get_data(as_text=True)
    assert (
        "Expired" in course
        and "2 modules to complete" in course
        and "The final assessment" in course
    )
    complete_course(app, learner.id, date(2027, 2, 3))
    assert periods(app, learner.id)[-1][:2] == (date(2027, 2, 3), date(2028, 2, 3))


def test_policy_change_asks_certified_people_to_review(app, client, learner, runner, tmp_path):
    complete_course(app, learner.id, date(2026, 3, 1))
    root = edited_courses(
        tmp_path, {"mini/policy.md": [("Do not argue in public", "Never argue in public")]}
    )
    result = runner.invoke(args=["lms", "sync-courses", str(root)])
    assert "1 certified people asked to review the changes" in result.output
    with app.app_context():
        task = session.scalar(select(ReviewTask))
        assert task.section_keys == ["complaints"] and task.due_on == date(2026, 3, 15)
    login(client, "cert@example.com")
    home = client.get("/").get_data(as_text=True)
    assert "Review the changes to Mini policy course" in home and "Certified" in home
    page = client.get(f"/reviews/{task.id}").get_data(as_text=True)
    assert "<del>Do </del>" in page or "<del>Do" in page
    client.post(f"/reviews/{task.id}", data={"csrf_token": csrf_from(page)})
    with app.app_context():
        assert session.get(ReviewTask, task.id).acknowledged_at is not None
    assert len(periods(app, learner.id)) == 1  # the certificate stays valid


def test_certificate_pdf_holds_the_frozen_details(app, client, learner, make_person):
    complete_course(app, learner.id, date(2026, 5, 4))
    with app.app_context():
        code = session.scalar(select(CertificationPeriod.code))
    login(client, "cert@example.com")
    listing = client.get("/certificates/").get_data(as_text=True)
    assert code in listing and "Download PDF" in listing
    response = client.get(f"/certificates/{code}.pdf")
    assert response.mimetype == "application/pdf"
    text = PdfReader(io.BytesIO(response.data)).pages[0].extract_text()
    for expected in (
        "Zoë Dąbrowska",
        "Mini policy course",
        "v1",
        "May 4, 2026",
        "May 4, 2027",
        code,
        f"http://lms.test/verify/{code}",
    ):
        assert expected in text, expected
    make_person("nosy@example.com")
    nosy = app.test_client()
    login(nosy, "nosy@example.com")
    assert nosy.get(f"/certificates/{code}.pdf").status_code == 404


def test_verification_page_shows_status_name_dates_and_nothing_more(app, client, learner):
    complete_course(app, learner.id, date(2026, 5, 4))
    with app.app_context():
        code = session.scalar(select(CertificationPeriod.code))
    app.config["LMS_TODAY"] = "2026-06-01"
    public = app.test_client()  # not signed in
    page = public.get(f"/verify/{code}").get_data(as_text=True)
    assert "Valid" in page and "Zoë Dąbrowska" in page and "2027-05-04" in page
    assert "cert@example.com" not in page
    app.config["LMS_TODAY"] = "2027-04-01"
    assert "Renewal due" in public.get(f"/verify/{code}").get_data(as_text=True)
    app.config["LMS_TODAY"] = "2027-05-05"
    assert "Expired" in public.get(f"/verify/{code}").get_data(as_text=True)
    unknown = public.get("/verify/AAAA-BBBB-CCCC-DDDD")
    malformed = public.get("/verify/not-a-code")
    assert unknown.status_code == malformed.status_code == 404
    assert unknown.get_data(as_text=True).replace("AAAA-BBBB-CCCC-DDDD", "X") == malformed.get_data(
        as_text=True
    ).replace("NOT-A-CODE", "X").replace("not-a-code", "X")
    # Typed any case, without dashes or with spaces: the same certificate.
    for typed in (code.lower(), code.replace("-", ""), code.replace("-", " ").lower()):
        response = public.get("/verify", query_string={"code": typed})
        assert response.headers["Location"].endswith(f"/verify/{code}"), typed
    assert public.get(f"/verify/{code.replace('-', '').lower()}").status_code == 200


def test_admin_revokes_with_a_reason(app, learner, make_person):
    complete_course(app, learner.id, date(2026, 5, 4))
    app.config["LMS_TODAY"] = "2026-06-01"
    with app.app_context():
        period_id, code = session.execute(
            select(CertificationPeriod.id, CertificationPeriod.code)
        ).one()
    make_person("boss@example.com", role="admin")
    admin = app.test_client()
    login(admin, "boss@example.com")
    page = admin.get(f"/reports/people/{learner.id}").get_data(as_text=True)
    token = csrf_from(page)
    admin.post(f"/certificates/{period_id}/revoke", data={"csrf_token": token, "reason": ""})
    with app.app_context():
        assert (
            session.get(CertificationPeriod, period_id).revoked_on is None
        )  # a reason is required
    admin.post(
        f"/certificates/{period_id}/revoke",
        data={"csrf_token": token, "reason": "Shared a customer's data"},
    )
    assert "Revoked" in app.test_client().get(f"/verify/{code}").get_data(as_text=True)
    user = app.test_client()
    login(user, "cert@example.com")
    assert (
        user.post(
            f"/certificates/{period_id}/revoke", data={"csrf_token": token, "reason": "x"}
        ).status_code
        == 403
    )


# --- reminders -----------------------------------------------------------------------


def test_send_reminders_dry_run_then_once(app, runner, learner, make_person):
    complete_course(app, learner.id, date(2026, 1, 31))
    dry = runner.invoke(args=["lms", "send-reminders", "--today", "2026-12-02", "--dry-run"])
    assert (
        dry.exit_code == 0
        and "would queue window_open" in dry.output
        and "cert@example.com" in dry.output
    )
    assert "1 reminder(s) would be queued" in dry.output
    with app.app_context():
        assert session.scalar(select(func.count()).select_from(ReminderSent)) == 0
    assert jobs(app) == []
    first = runner.invoke(args=["lms", "send-reminders", "--today", "2026-12-02"])
    assert "queued window_open" in first.output and "1 reminder(s) queued" in first.output
    assert "send-mail" in first.output  # says who delivers
    again = runner.invoke(args=["lms", "send-reminders", "--today", "2026-12-02"])
    assert "0 reminder(s) queued" in again.output
    with app.app_context():
        assert mail.outbox() == []  # queued, not sent: the worker sends
    with app.app_context():
        period_id = session.scalar(select(CertificationPeriod.id))
        course_id = latest_version_by_slug("mini").course_id
    [job] = jobs(app)
    assert (job.kind, job.key) == (
        "mail",
        f"reminder:{learner.id}:{course_id}:window_open:period:{period_id}",
    )
    sent = deliver_mail(app)
    assert len(sent) == 1
    assert sent[0].to == ("cert@example.com",) and "refresher is open" in sent[0].subject
    assert "Hello Zoë Dąbrowska," in sent[0].text
    assert "http://lms.test/courses/mini/" in sent[0].text
    assert 'href="http://lms.test/courses/mini/"' in sent[0].html
    assert deliver_mail(app) == sent  # delivered once


def test_a_reminder_is_claimed_only_with_its_email(app, learner, monkeypatch):
    """The claim and the queued e-mail commit together: a failure while queuing leaves
    no claim behind, so the next run queues the reminder instead of losing it."""
    from lms.certification import reminders

    complete_course(app, learner.id, date(2026, 1, 31))

    def broken(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(reminders, "queue_rendered", broken)
    with app.app_context(), pytest.raises(RuntimeError):
        reminders.send_reminders(date(2026, 12, 2))
    with app.app_context():
        assert session.scalar(select(func.count()).select_from(ReminderSent)) == 0
    assert jobs(app) == []
    monkeypatch.undo()
    with app.app_context():
        assert [i.kind for i in reminders.send_reminders(date(2026, 12, 2))] == ["window_open"]
        assert session.scalar(select(func.count()).select_from(ReminderSent)) == 1
    assert [m.subject for m in deliver_mail(app)] == ["Your Mini policy course refresher is open"]


def test_expiry_reminders_and_overdue_assignment(app, runner, learner, make_person):
    complete_course(app, learner.id, date(2026, 1, 31))
    late = make_person("late@example.com")
    with app.app_context():
        version = latest_version_by_slug("mini")
        certification.assign(
            version.course_id,
            [late.id],
            reason="annual",
            due_on=date(2027, 1, 10),
            by=None,
            today=date(2026, 12, 1),
        )
    out = runner.invoke(args=["lms", "send-reminders", "--today", "2027-01-20"]).output
    assert "window_open" in out and "expiry_30" in out and "expiry_7" not in out
    assert "overdue" in out and "late@example.com" in out
    out = runner.invoke(args=["lms", "send-reminders", "--today", "2027-01-26"]).output
    assert "expiry_7" in out and "expired" not in out and "overdue" not in out
    out = runner.invoke(args=["lms", "send-reminders", "--today", "2027-02-01"]).output
    assert "queued expired" in out and "expiry_7" not in out
    subjects = sorted(m.subject for m in deliver_mail(app))
    assert subjects == sorted(
        [
            "Your Mini policy course refresher is open",
            "Your Mini policy course certificate expires in 30 days",
            "Mini policy course is overdue",
            "Your Mini policy course certificate expires in 7 days",
            "Your Mini policy course certificate has expired",
        ]
    )


def test_manager_digest_lists_overdue_people_in_the_tree(app, runner, synced, make_person):
    boss = make_person("boss@example.com", role="manager")
    mid = make_person("mid@example.com", role="manager", manager_id=boss.id)
    late = make_person("late@example.com", manager_id=mid.id)
    later = make_person("later@example.com", manager_id=mid.id)
    make_person("elsewhere@example.com")
    with app.app_context():
        version = latest_version_by_slug("mini")
        certification.assign(
            version.course_id,
            [late.id, later.id],
            reason="annual",
            due_on=date(2027, 1, 10),
            by=None,
            today=date(2026, 12, 1),
        )
    runner.invoke(args=["lms", "send-reminders", "--today", "2027-01-20"])
    digests = [m for m in deliver_mail(app) if "need attention" in m.subject]
    assert {m.to[0] for m in digests} == {"boss@example.com", "mid@example.com"}
    for m in digests:
        assert (
            "- Late <late@example.com>: overdue\n- Later <later@example.com>: overdue\n" in m.text
        )
        assert "See the team report: http://lms.test/reports/team" in m.text
        assert "<li>Late &lt;late@example.com&gt;: <strong>overdue</strong></li>" in m.html
        assert m.subject == "Mini policy course: 2 people in your team need attention"


# --- concurrency (PostgreSQL: real parallel transactions) ---------------------------


def _is_postgres(url: str) -> bool:
    return url.startswith("postgresql")


def test_concurrent_completion_creates_one_period(app, learner, database_url):
    if not _is_postgres(database_url):
        pytest.skip("parallel transactions need PostgreSQL (set LMS_TEST_DATABASE_URL)")
    complete_course(app, learner.id, date(2026, 1, 31))
    with app.app_context():
        session.execute(CertificationPeriod.__table__.delete())
        session.commit()
    barrier, errors = threading.Barrier(4), []

    def finish():
        try:
            with app.app_context():
                barrier.wait()
                certification.on_requirement_met(
                    learner.id, latest_version_by_slug("mini").course_id
                )
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=finish) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert len(periods(app, learner.id)) == 1


def test_concurrent_reminder_runs_send_each_reminder_once(app, learner, database_url):
    if not _is_postgres(database_url):
        pytest.skip("parallel transactions need PostgreSQL (set LMS_TEST_DATABASE_URL)")
    complete_course(app, learner.id, date(2026, 1, 31))
    from lms.certification.reminders import send_reminders

    barrier, sent = threading.Barrier(4), []

    def run():
        with app.app_context():
            barrier.wait()
            sent.extend(send_reminders(date(2026, 12, 2)))

    threads = [threading.Thread(target=run) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(sent) == 1
    with app.app_context():
        assert session.scalar(select(func.count()).select_from(ReminderSent)) == 1
    assert len(jobs(app)) == 1
    assert len(deliver_mail(app)) == 1
