"""The certificate is committed with the write that earns it, and the recheck repairs
anyone complete but uncertified (``flask lms recheck-certifications``, also run first by
``send-reminders``), without ever issuing twice."""

from __future__ import annotations

import threading
from datetime import date

import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import OperationalError

from lms.audit.models import AuditEvent
from lms.certification import issuing
from lms.certification import services as certification
from lms.certification.models import Assignment, CertificationPeriod
from lms.courses.services import latest_version_by_slug
from lms.db import session
from lms.quizzes import services as quizzes
from lms.quizzes.models import Attempt
from lms.scenarios import services as scenarios
from lms.scenarios.models import ScenarioRun
from tests.certification.test_certification_flow import _form, periods
from tests.conftest import csrf_from, login

DAY = date(2026, 3, 2)


@pytest.fixture
def learner(app, synced, make_person):
    person = make_person("cert@example.com", name="Ines Ibarra")
    with app.app_context():
        version = latest_version_by_slug("mini")
        certification.assign(
            version.course_id,
            [person.id],
            reason="annual",
            due_on=date(2026, 3, 5),
            by=None,
            today=date(2026, 2, 1),
        )
    return person


def modules_and_scenario(app, person_id: int) -> None:
    """Everything but the final assessment (so the final is the last requirement)."""
    app.config["LMS_TODAY"] = DAY.isoformat()
    with app.app_context():
        version = latest_version_by_slug("mini")
        _cycle, needs, _progress = certification.progress_for(person_id, version)
        for module in needs.modules:
            quizzes.mark_read(person_id, module, version.course_id)
            quizzes.submit(attempt := quizzes.check_for(person_id, version, module), _form(attempt))
        row = scenarios.scenario_for(version, "complaint")
        run = scenarios.start_run(person_id, version, row)
        scenarios.choose(run, row, "post", 0, 1)
        scenarios.choose(run, row, "reported", 1, 1)


def open_final(app, person_id: int) -> int:
    with app.app_context():
        version = latest_version_by_slug("mini")
        _cycle, needs, progress = certification.progress_for(person_id, version)
        return quizzes.start_assessment(
            person_id, version, progress.assessment, kind=needs.kind, draw=needs.draw
        ).id


def submit_final(app, attempt_id: int) -> None:
    with app.app_context():
        attempt = session.get(Attempt, attempt_id)
        quizzes.submit(attempt, _form(attempt))


class FailOnce:
    """Stands in for ``insert_period``: the database refuses the first insert."""

    def __init__(self, real):
        self.real, self.calls = real, 0

    def __call__(self, *args, **kwargs):
        self.calls += 1
        if self.calls == 1:
            raise OperationalError(
                "INSERT INTO lms_certification_period", {}, Exception("server closed")
            )
        return self.real(*args, **kwargs)


def test_a_failed_period_insert_records_neither_the_attempt_nor_the_certificate(
    app, learner, monkeypatch
):
    modules_and_scenario(app, learner.id)
    attempt_id = open_final(app, learner.id)
    monkeypatch.setattr(issuing, "insert_period", FailOnce(issuing.insert_period))
    with pytest.raises(OperationalError):
        submit_final(app, attempt_id)
    with app.app_context():
        attempt = session.get(Attempt, attempt_id)
        assert attempt.submitted_at is None and attempt.score is None  # not half-recorded
    assert periods(app, learner.id) == []
    submit_final(app, attempt_id)  # the learner sends the page again
    assert periods(app, learner.id) == [(DAY, date(2027, 3, 2), date(2027, 1, 1), "initial")]
    submit_final(app, attempt_id)  # and once more: the recorded result stands
    assert len(periods(app, learner.id)) == 1
    with app.app_context():
        [assignment] = session.scalars(select(Assignment)).all()
        assert (assignment.closed_on, assignment.period_id) == (
            DAY,
            session.scalar(select(CertificationPeriod.id)),
        )


def test_a_failed_insert_after_the_last_scenario_choice_leaves_the_run_where_it_was(
    app, learner, monkeypatch
):
    app.config["LMS_TODAY"] = DAY.isoformat()
    with app.app_context():
        version = latest_version_by_slug("mini")
        _cycle, needs, _progress = certification.progress_for(learner.id, version)
        for module in needs.modules:
            quizzes.mark_read(learner.id, module, version.course_id)
            quizzes.submit(
                attempt := quizzes.check_for(learner.id, version, module), _form(attempt)
            )
    submit_final(app, open_final(app, learner.id))
    monkeypatch.setattr(issuing, "insert_period", FailOnce(issuing.insert_period))
    with app.app_context():
        version = latest_version_by_slug("mini")
        row = scenarios.scenario_for(version, "complaint")
        run = scenarios.start_run(learner.id, version, row)
        scenarios.choose(run, row, "post", 0, 1)
        with pytest.raises(OperationalError):
            scenarios.choose(run, row, "reported", 1, 1)
        run = session.get(ScenarioRun, run.id)
        assert run.steps == 1 and run.finished_at is None
        scenarios.choose(run, row, "reported", 1, 1)  # the learner picks again
    assert len(periods(app, learner.id)) == 1


def crash_between_attempt_and_certificate(app, learner, monkeypatch) -> int:
    """What older versions could leave behind: the passing attempt committed, then the
    process died before the certificate's own transaction."""
    modules_and_scenario(app, learner.id)
    attempt_id = open_final(app, learner.id)
    with monkeypatch.context() as patch:
        patch.setattr(certification, "certify_if_complete", lambda *args, **kwargs: None)
        submit_final(app, attempt_id)
    assert periods(app, learner.id) == []
    return attempt_id


def test_recheck_certifies_who_is_complete_and_never_twice(
    app, client, runner, learner, monkeypatch
):
    attempt_id = crash_between_attempt_and_certificate(app, learner, monkeypatch)
    app.config["LMS_TODAY"] = "2026-03-04"  # two days later
    login(client, "cert@example.com")
    assert "Certified" not in client.get("/courses/mini/").get_data(as_text=True)

    dry = runner.invoke(args=["lms", "recheck-certifications", "--dry-run"])
    assert dry.exit_code == 0, dry.output
    assert "would certify cert@example.com (mini): complete on 2026-03-02" in dry.output
    assert periods(app, learner.id) == []

    done = runner.invoke(args=["lms", "recheck-certifications"])
    assert "certified cert@example.com (mini): complete on 2026-03-02" in done.output
    assert "1 missing certificate(s) issued." in done.output
    # Dated on the day the last requirement was met, not the day of the repair.
    assert periods(app, learner.id) == [(DAY, date(2027, 3, 2), date(2027, 1, 1), "initial")]
    with app.app_context():
        event = session.scalar(
            select(AuditEvent).where(AuditEvent.action == "recheck_certification")
        )
        assert (
            event.details["completed_on"] == "2026-03-02"
            and event.details["assignments_closed"] == 1
        )
        assert session.scalar(select(Assignment.closed_on)) == DAY

    # Nothing issues a second certificate: a resubmitted page, another recheck, the reminder run.
    page = client.get(f"/attempts/{attempt_id}/result").get_data(as_text=True)
    assert (
        client.post(f"/attempts/{attempt_id}", data={"csrf_token": csrf_from(page)}).status_code
        == 302
    )
    assert (
        "0 missing certificate(s) issued."
        in runner.invoke(args=["lms", "recheck-certifications"]).output
    )
    runner.invoke(args=["lms", "send-reminders"])
    assert len(periods(app, learner.id)) == 1
    assert "Certified" in client.get("/courses/mini/").get_data(as_text=True)


def test_send_reminders_repairs_first_so_nobody_is_chased_for_finished_training(
    app, runner, learner, monkeypatch
):
    crash_between_attempt_and_certificate(app, learner, monkeypatch)
    out = runner.invoke(
        args=["lms", "send-reminders", "--today", "2026-03-10"]
    ).output  # due 2026-03-05
    assert "certified cert@example.com (mini)" in out
    assert "overdue" not in out  # without the repair the learner would be told they are late
    assert len(periods(app, learner.id)) == 1


def test_recheck_leaves_incomplete_and_certified_people_alone(app, runner, learner, make_person):
    modules_and_scenario(app, learner.id)  # no final assessment yet: not complete
    done = make_person("done@example.com")
    with app.app_context():
        version = latest_version_by_slug("mini")
        certification.issue_period(done.id, version, certification.cycle_for(done.id, version))
    out = runner.invoke(args=["lms", "recheck-certifications"]).output
    assert "0 missing certificate(s) issued." in out
    assert periods(app, learner.id) == [] and len(periods(app, done.id)) == 1


def test_concurrent_submissions_of_the_last_attempt_certify_once(app, learner, database_url):
    if not database_url.startswith("postgresql"):
        pytest.skip("parallel transactions need PostgreSQL (set LMS_TEST_DATABASE_URL)")
    modules_and_scenario(app, learner.id)
    attempt_id = open_final(app, learner.id)
    barrier, errors = threading.Barrier(8), []

    def submit():
        try:
            with app.app_context():
                attempt = session.get(Attempt, attempt_id)
                barrier.wait()
                quizzes.submit(attempt, _form(attempt))
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=submit) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert len(periods(app, learner.id)) == 1
    with app.app_context():
        assert (
            session.scalar(
                select(func.count())
                .select_from(Attempt)
                .where(Attempt.kind == "final", Attempt.submitted_at.is_not(None))
            )
            == 1
        )


def _race_final_against_last_scenario_choice(app, person_id: int) -> list[Exception]:
    """Everything done but the final and the scenario's last choice; then both at once."""
    app.config["LMS_TODAY"] = DAY.isoformat()
    with app.app_context():
        version = latest_version_by_slug("mini")
        for module in certification.progress_for(person_id, version)[1].modules:
            quizzes.mark_read(person_id, module, version.course_id)
            quizzes.submit(attempt := quizzes.check_for(person_id, version, module), _form(attempt))
        row = scenarios.scenario_for(version, "complaint")
        run_id = scenarios.start_run(person_id, version, row).id
        scenarios.choose(session.get(ScenarioRun, run_id), row, "post", 0, 1)
    attempt_id = open_final(app, person_id)
    barrier, errors = threading.Barrier(2), []

    def final():
        attempt = session.get(Attempt, attempt_id)
        barrier.wait()
        quizzes.submit(attempt, _form(attempt))

    def scenario():
        row = scenarios.scenario_for(latest_version_by_slug("mini"), "complaint")
        run = session.get(ScenarioRun, run_id)
        barrier.wait()
        scenarios.choose(run, row, "reported", 1, 1)

    def guarded(work):
        try:
            with app.app_context():
                work()
        except Exception as exc:  # pragma: no cover - reported by the caller
            errors.append(exc)

    threads = [threading.Thread(target=guarded, args=(w,)) for w in (final, scenario)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return errors


def test_the_final_and_the_last_scenario_finished_together_certify_once(
    app, synced, make_person, database_url
):
    """Each transaction sees only its own uncommitted write; the per-learner lock makes the
    second one read the first's, so one of them certifies (never neither, never both)."""
    if not database_url.startswith("postgresql"):
        pytest.skip("parallel transactions need PostgreSQL (set LMS_TEST_DATABASE_URL)")
    for i in range(5):  # the race is won by either side; five rounds meet both orders
        person = make_person(f"race{i}@example.com")
        assert _race_final_against_last_scenario_choice(app, person.id) == []
        assert len(periods(app, person.id)) == 1, i
