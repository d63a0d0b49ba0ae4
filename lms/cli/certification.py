"""``flask lms send-reminders``, ``flask lms recheck-certifications`` and ``flask lms
check-statuses``: the daily certification run."""

from __future__ import annotations

import click

from lms.certification import rollup, status_facts
from lms.certification.expiry import certificates_expired
from lms.certification.recheck import recheck_certifications as recheck
from lms.certification.reminders import send_reminders
from lms.cli.group import day_of, lms_cli, needs_schema, today_option
from lms.db import session


@lms_cli.command("send-reminders")
@today_option
@click.option(
    "--dry-run", is_flag=True, help="Print what would be queued; queue and record nothing."
)
@needs_schema
def send_reminders_cmd(today_, dry_run):
    """Queue due reminders (meant for a daily cron); each is queued once.

    The e-mails go into the outbox with the record that they are due; `flask lms
    send-mail` (cron or a long-running worker) delivers them.
    """
    day = day_of(today_)
    check_statuses(day, dry_run=dry_run, quiet=True)
    recheck_certifications(day, dry_run=dry_run)
    if not dry_run and (expired := certificates_expired(day)):
        session.commit()
        click.echo(f"{expired} xAPI 'expired' statement(s) queued (each once).")
    items = send_reminders(day, dry_run=dry_run)
    verb = "would queue" if dry_run else "queued"
    for item in items:
        click.echo(
            f"{verb} {item.kind:<15} to {item.person.email} ({item.course.slug}): {item.message.subject}"
        )
    click.echo(
        f"{len(items)} reminder(s) {'would be queued' if dry_run else 'queued'} for {day.isoformat()}."
    )
    if items and not dry_run:
        click.echo("`flask lms send-mail` delivers them.")


def recheck_certifications(day, *, dry_run: bool) -> None:
    """Certify anyone complete but uncertified, printing each (``send-reminders`` runs it
    first, so nobody is reminded of training they finished)."""
    repairs = recheck(day, dry_run=dry_run)
    verb = "would certify" if dry_run else "certified"
    for r in repairs:
        code = f", certificate {r.period.code}" if r.period else ""
        click.echo(
            f"{verb} {r.person.email} ({r.course.slug}): complete on {r.completed_on.isoformat()}{code}"
        )
    click.echo(
        f"{len(repairs)} missing certificate(s) {'would be issued' if dry_run else 'issued'}."
    )


@lms_cli.command("recheck-certifications")
@today_option
@click.option("--dry-run", is_flag=True, help="Print who would be certified; change nothing.")
@needs_schema
def recheck_certifications_cmd(today_, dry_run):
    """Certify anyone who completed every requirement but holds no certificate for it."""
    recheck_certifications(day_of(today_), dry_run=dry_run)


def check_statuses(day, *, dry_run: bool, quiet: bool = False) -> int:
    """Compare the reports' status facts with the source tables and repair (unless
    ``dry_run``) and print each pair that differs; then (PostgreSQL) compare the status
    counts' rollup with a fresh count and rebuild it for ``day``. How many rows and groups
    differed. ``quiet``: say nothing when all agree (``send-reminders`` runs it first)."""
    wrong = batch = status_facts.differences()
    while not dry_run and batch:
        status_facts.repair(batch)
        session.commit()
        # differences() gives at most its limit of pairs a call: ask again until done.
        batch = status_facts.differences() if len(batch) == status_facts.DIFFERENCES else []
        wrong = wrong + batch
    verb = "would repair" if dry_run else "repaired"
    for person_id, course_id in wrong:
        click.echo(f"{verb} the status facts of person {person_id}, course {course_id}")
    if wrong or not quiet:
        click.echo(f"{len(wrong)} status fact row(s) differed from the records.")
    groups = rollup.differences(day)
    if groups:
        click.echo(f"{groups} status count group(s) differed from a fresh count.")
    if not dry_run:
        # Every day: a fresh count for the new day (statuses move with the date alone)
        # folds the day's +1/-1 rows back into one row per group.
        rollup.rebuild(day)
        session.commit()
    return len(wrong) + groups


@lms_cli.command("check-statuses")
@today_option
@click.option("--dry-run", is_flag=True, help="Print the rows that differ; repair nothing.")
@needs_schema
def check_statuses_cmd(today_, dry_run):
    """Check the reports' per-person status facts against the records they come from and
    repair any that differ (``send-reminders`` runs it too). Exits 1 when a row differed:
    a write path that did not keep them is a bug worth reporting. On PostgreSQL it then
    counts the statuses afresh for the organisation report (the day's rollup)."""
    if check_statuses(day_of(today_), dry_run=dry_run):
        raise SystemExit(1)
