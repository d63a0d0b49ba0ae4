"""`flask lms send-mail`: a one-shot run for cron, what it prints, dead jobs in plain
sight, --retry-dead, --status for monitoring."""

from __future__ import annotations

from lms.db import session
from lms.outbox.mail import queue_mail
from tests.outbox.helpers import jobs

CONTEXT = {"url": "http://lms.test/", "due_on": None, "standalone": False, "max_age_days": 14}


def queue_invites(app, *addresses):
    with app.app_context():
        for address in addresses:
            queue_mail(
                to=address, template="candidate_invite", context=CONTEXT, key=f"invite:{address}"
            )
        session.commit()


def test_a_one_shot_run_delivers_everything_due_and_says_so(app, runner):
    queue_invites(app, "a@example.com", "b@example.com", "c@example.com")
    result = runner.invoke(args=["lms", "send-mail", "--batch", "2"])
    assert result.exit_code == 0, result.output
    assert "Delivered 3 (mail 3); 0 to retry; 0 dead." in result.output
    assert "Outbox: 0 pending (0 retrying), 0 dead, 3 delivered." in result.output
    with app.app_context():
        from lms import mail

        assert sorted(m.to[0] for m in mail.outbox()) == [
            "a@example.com",
            "b@example.com",
            "c@example.com",
        ]
    again = runner.invoke(args=["lms", "send-mail"])
    assert "Delivered 0; 0 to retry; 0 dead." in again.output


def test_dead_jobs_are_listed_and_can_be_put_back(app, runner, probe):
    from lms import outbox

    probe.permanent["lost"] = "mailbox does not exist"
    with app.app_context():
        outbox.enqueue("probe", "lost", {})
        session.commit()
    result = runner.invoke(args=["lms", "send-mail"])
    assert result.exit_code == 1  # a job died in this run: cron reports it
    assert "DEAD  probe lost after 1 attempt(s): Permanent: mailbox does not exist" in result.output
    assert "Dead jobs (newest first):" in result.output and "--retry-dead" in result.output

    status = runner.invoke(args=["lms", "send-mail", "--status"])
    assert (
        status.exit_code == 1
        and "1 dead" in status.output
        and "probe lost: 1 attempt(s)" in status.output
    )
    assert (
        runner.invoke(args=["lms", "send-mail"]).exit_code == 0
    )  # still dead, but nothing new died

    del probe.permanent["lost"]
    retried = runner.invoke(args=["lms", "send-mail", "--retry-dead"])
    assert retried.exit_code == 0
    assert (
        "1 dead job(s) put back in the queue." in retried.output
        and "Delivered 1 (probe 1)" in retried.output
    )
    assert probe.delivered == ["lost"]
    assert runner.invoke(args=["lms", "send-mail", "--status"]).exit_code == 0


def test_failures_to_retry_are_printed_with_their_time(app, runner, probe):
    from lms import outbox

    probe.failing["slow"] = "timed out"
    with app.app_context():
        outbox.enqueue("probe", "slow", {})
        session.commit()
    result = runner.invoke(args=["lms", "send-mail", "--kind", "probe"])
    assert result.exit_code == 0
    assert "Delivered 0; 1 to retry; 0 dead." in result.output
    assert (
        "retry probe slow (attempt 1) at " in result.output
        and ": RuntimeError: timed out" in result.output
    )
    assert "1 pending (1 retrying)" in result.output
    [job] = jobs(app)
    assert job.attempts == 1


def test_an_unknown_kind_is_a_usage_error(app, runner):
    result = runner.invoke(args=["lms", "send-mail", "--kind", "pigeon"])
    assert result.exit_code == 2
    assert "unknown kind(s) pigeon; registered: export, export-expire, mail" in result.output
