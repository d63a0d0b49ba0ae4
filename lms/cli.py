"""The ``flask lms`` command group."""

from __future__ import annotations

import functools
import sys
from pathlib import Path

import click
from flask import current_app
from flask.cli import AppGroup

from lms.api.cli import register as register_api_commands
from lms.interop.cli import register as register_interop_commands

lms_cli = AppGroup("lms", help="Training and certification LMS.")
register_api_commands(lms_cli)
register_interop_commands(lms_cli)


def needs_schema(command):
    """Turn "no such table" into an instruction instead of a traceback."""

    @functools.wraps(command)
    def wrapper(*args, **kwargs):
        from sqlalchemy import inspect

        engine = current_app.extensions["sqlalchemy"].engine
        if "lms_person" not in inspect(engine).get_table_names():
            raise click.ClickException(
                "the database has no LMS tables yet: run `flask lms db upgrade` first"
            )
        return command(*args, **kwargs)

    return wrapper


# --- schema -------------------------------------------------------------------------


@lms_cli.group("db")
def db_group():
    """The LMS schema (Alembic, own version table lms_alembic_version)."""


def _migrations(command):
    """A missing migrations folder is one clear line, not an Alembic traceback."""

    @functools.wraps(command)
    def wrapper(*args, **kwargs):
        from lms.migrate import MigrationsNotFound

        try:
            return command(*args, **kwargs)
        except MigrationsNotFound as exc:
            raise click.ClickException(str(exc)) from None

    return wrapper


@db_group.command("upgrade")
@click.argument("revision", default="head")
@_migrations
def db_upgrade(revision):
    """Build or update the lms_* tables."""
    from lms.migrate import current, upgrade

    upgrade(revision)
    click.echo(f"LMS schema at {current() or revision}.")


@db_group.command("downgrade")
@click.argument("revision")
@_migrations
def db_downgrade(revision):
    """Step the lms_* tables back to REVISION (``base`` drops them)."""
    from lms.migrate import downgrade

    downgrade(revision)


@db_group.command("current")
def db_current():
    """Print the schema revision of the database."""
    from lms.migrate import current

    click.echo(current() or "(empty)")


@db_group.command("revision")
@click.option("-m", "--message", required=True)
@_migrations
def db_revision(message):
    """Write a new migration from the difference between models and database."""
    from lms.migrate import revision

    revision(message)


# --- people -------------------------------------------------------------------------


@lms_cli.command("create-user")
@click.option("--email", prompt=True)
@click.option("--name", prompt=True)
@click.option(
    "--role",
    type=click.Choice(["admin", "manager", "employee", "candidate"]),
    default="employee",
    show_default=True,
)
@click.option("--department", default=None)
@click.option("--manager-email", default=None)
@click.password_option(help="At least 10 characters.")
@needs_schema
def create_user(email, name, role, department, manager_email, password):
    """Create a person who can sign in."""
    from lms.accounts import services

    manager = None
    if manager_email:
        manager = services.find_by_email(manager_email)
        if manager is None:
            raise click.ClickException(f"no person with e-mail {manager_email}")
    try:
        person = services.create_person(
            email=email,
            name=name,
            role=role,
            password=password,
            department=department,
            manager=manager,
        )
    except ValueError as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(f"Created {person.role} {person.email}.")


@lms_cli.command("import-people")
@click.argument("csv_file", type=click.File("rb"))
@needs_schema
def import_people(csv_file):
    """Create or update people from a CSV (email,name,role,manager_email,department).

    Every row is checked first; if any row is wrong nothing is imported.
    """
    from lms.people import services

    raw = csv_file.read()
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        click.echo(
            f"{csv_file.name}: line {line}: not valid UTF-8 (save the file as UTF-8 CSV)", err=True
        )
        click.echo("Nothing was imported.", err=True)
        sys.exit(1)
    try:
        result = services.import_people(text)
    except services.ImportError_ as exc:
        for problem in exc.problems:
            click.echo(f"{csv_file.name}: {problem}", err=True)
        click.echo("Nothing was imported.", err=True)
        sys.exit(1)
    click.echo(f"{result.created} created, {result.updated} updated, {result.unchanged} unchanged.")


# --- courses ------------------------------------------------------------------------


def _courses_dir(directory: str | None) -> Path:
    """The folder of course folders; a missing one is one clear line naming the setting."""
    path = Path(directory or current_app.config["LMS_COURSES_DIR"])
    if not path.is_dir():
        how = "check the path" if directory else "set LMS_COURSES_DIR"
        raise click.ClickException(
            f"no course folder at {path}: {how}, or copy the example course there with "
            "`flask lms example-course`"
        )
    return path


@lms_cli.command("example-course")
@click.argument("destination", required=False)
def example_course_cmd(destination):
    """Copy the example social media policy course into the courses folder (or DESTINATION)."""
    import shutil

    from lms.paths import EXAMPLE_COURSE, example_courses_dir

    source = (example_courses_dir() or Path("/nonexistent")) / EXAMPLE_COURSE
    if not source.is_dir():
        raise click.ClickException("this installation of the LMS carries no example course")
    target = Path(destination or current_app.config["LMS_COURSES_DIR"]) / EXAMPLE_COURSE
    if target.exists():
        raise click.ClickException(f"{target} already exists; nothing was copied")
    shutil.copytree(source, target)
    click.echo(f"Copied the example course to {target}. Next: `flask lms sync-courses`.")


@lms_cli.command("check-courses")
@click.argument("directory", required=False)
@click.option(
    "--quality",
    is_flag=True,
    help="Also run the course-quality linter: every finding is printed and fails the check.",
)
def check_courses_cmd(directory, quality):
    """Check course folders; print each problem as path:line: message.

    Any problem exits 1. The most important quality findings (coverage, matching without
    distractors, scenarios passed by a fixed strategy) are printed as warnings and never
    change the exit code. With --quality every finding is printed, with the estimated
    minutes and the scenario strategy scores, and any finding exits 1.
    """
    from lms.courses.quality import course_warnings, quality_findings, summary_lines
    from lms.courses.source import check_courses
    from lms.courses.translations import translation_findings

    courses, problems = check_courses(_courses_dir(directory))
    for problem in problems:
        click.echo(str(problem), err=True)
    if problems:
        click.echo(f"{len(problems)} problem(s) found.", err=True)
        sys.exit(1)
    translation_errors = 0
    for course in courses:  # translations: structure and unknown ids fail, staleness warns
        for finding in translation_findings(course):
            click.echo(str(finding), err=True)
            translation_errors += not finding.message.startswith("warning:")
    if translation_errors:
        click.echo(f"{translation_errors} problem(s) found in translations.", err=True)
        sys.exit(1)
    findings = 0
    for course in courses:
        click.echo(
            f"{course.slug}: ok ({len(course.sections)} sections, {len(course.modules)} modules, "
            f"{sum(len(m.questions) for m in course.modules) + len(course.pool)} questions, "
            f"{len(course.scenarios)} scenarios)"
        )
        if quality:
            for line in summary_lines(course):
                click.echo(line)
            found = quality_findings(course)
            for finding in found:
                click.echo(str(finding), err=True)
            findings += len(found)
        else:
            for finding in course_warnings(course):
                click.echo(f"warning: {finding}", err=True)
    if quality:
        click.echo(
            f"{findings} quality finding(s)." if findings else "No quality findings.",
            err=bool(findings),
        )
        if findings:
            sys.exit(1)


@lms_cli.command("translation-status")
@click.argument("directory", required=False)
@click.option(
    "--stamp",
    "stamp_language",
    default=None,
    metavar="LANG",
    help="Record the current source hashes in LANG's translation (after a review).",
)
@click.option(
    "--only",
    "groups",
    multiple=True,
    metavar="SECTION",
    help="With --stamp: only the items of this policy section (repeatable).",
)
def translation_status_cmd(directory, stamp_language, groups):
    """Print language x section: up to date, stale or missing; or --stamp a language."""
    from lms.courses.source import check_courses
    from lms.courses.translations import check_translation, languages, stamp
    from lms.domain.translations import summary_by_group

    courses, problems = check_courses(_courses_dir(directory))
    for problem in problems:
        click.echo(str(problem), err=True)
    if problems:
        sys.exit(1)
    for course in courses:
        if stamp_language:
            if stamp_language not in languages(course):
                raise click.ClickException(f"{course.slug} has no translations/{stamp_language}/")
            changed = stamp(course, stamp_language, set(groups) or None)
            click.echo(
                f"{course.slug} [{stamp_language}]: {changed} item(s) stamped as up to date."
            )
            continue
        langs = languages(course)
        click.echo(f"{course.slug}: {', '.join(langs) or 'no translations'}")
        if not langs:
            continue
        table = {}
        for language in langs:
            _translation, reports = check_translation(course, language)
            table[language] = summary_by_group(
                {(r.kind, r.key): (r.group, r.status) for r in reports}
            )
        groups_order = list(dict.fromkeys(g for row in table.values() for g in row))
        width = max(len(g) for g in groups_order)
        click.echo("  " + "section".ljust(width) + "".join(f"  {lang:<10}" for lang in langs))
        for group in groups_order:
            cells = "".join(
                f"  {table[lang].get(group, '-').replace('_', ' '):<10}" for lang in langs
            )
            click.echo("  " + group.ljust(width) + cells)


@lms_cli.command("sync-courses")
@click.argument("directory", required=False)
@needs_schema
def sync_courses_cmd(directory):
    """Load course folders into the database; a changed course becomes a new version."""
    from lms.courses.sync import sync_courses

    outcomes, problems = sync_courses(_courses_dir(directory))
    for problem in problems:
        click.echo(str(problem), err=True)
    if problems:
        click.echo("Nothing was synced.", err=True)
        sys.exit(1)
    for o in outcomes:
        line = f"{o.slug}: {'new version' if o.created else 'unchanged at version'} {o.version}"
        if o.reviews:
            line += f" ({o.reviews} certified people asked to review the changes)"
        if o.translations:
            line += f"; translations stored: {', '.join(o.translations)}"
        click.echo(line)


# --- certification ------------------------------------------------------------------


@lms_cli.command("send-reminders")
@click.option(
    "--today",
    "today_",
    type=click.DateTime(formats=["%Y-%m-%d"]),
    default=None,
    help="Act as if today were this date (YYYY-MM-DD).",
)
@click.option(
    "--dry-run", is_flag=True, help="Print what would be queued; queue and record nothing."
)
@needs_schema
def send_reminders_cmd(today_, dry_run):
    """Queue due reminders (meant for a daily cron); each is queued once.

    The e-mails go into the outbox with the record that they are due; `flask lms
    send-mail` (cron or a long-running worker) delivers them.
    """
    from lms.certification.reminders import send_reminders
    from lms.clock import today as clock_today

    day = today_.date() if today_ else clock_today()
    recheck_certifications(day, dry_run=dry_run)
    if not dry_run:
        from lms.certification.expiry import certificates_expired
        from lms.db import session

        if expired := certificates_expired(day):
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


@lms_cli.command("send-mail")
@click.option(
    "--batch",
    "batch",
    type=click.IntRange(1, 1000),
    default=50,
    show_default=True,
    help="Jobs claimed at a time.",
)
@click.option("--loop", is_flag=True, help="Keep running (a worker); stop with SIGTERM or Ctrl-C.")
@click.option(
    "--interval",
    type=click.FloatRange(0.1, 3600),
    default=5.0,
    show_default=True,
    help="With --loop: seconds to wait when nothing is due.",
)
@click.option("--kind", "kinds", multiple=True, help="Deliver only this kind (repeatable).")
@click.option("--retry-dead", is_flag=True, help="Put dead jobs back in the queue first.")
@click.option(
    "--status",
    "status_only",
    is_flag=True,
    help="Only print the queue's state; exit 1 if there are dead jobs.",
)
@needs_schema
def send_mail_cmd(batch, loop, interval, kinds, retry_dead, status_only):
    """Deliver the outbox: e-mails (and every other queued job kind).

    By default one run for cron: deliver everything due now, print what happened, exit
    (1 if a job died in this run). Several runs or workers, on several machines, share
    the queue safely. Failed jobs are retried with backoff; dead ones are listed.
    """
    from lms.outbox import cli as outbox_cli

    sys.exit(
        outbox_cli.main(
            batch=batch,
            loop=loop,
            interval=interval,
            kinds=list(kinds),
            retry_dead=retry_dead,
            status_only=status_only,
        )
    )


def recheck_certifications(day, *, dry_run: bool) -> None:
    """Certify anyone complete but uncertified, printing each (``send-reminders`` runs it
    first, so nobody is reminded of training they finished)."""
    from lms.certification.recheck import recheck_certifications as recheck

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
@click.option(
    "--today",
    "today_",
    type=click.DateTime(formats=["%Y-%m-%d"]),
    default=None,
    help="Act as if today were this date (YYYY-MM-DD).",
)
@click.option("--dry-run", is_flag=True, help="Print who would be certified; change nothing.")
@needs_schema
def recheck_certifications_cmd(today_, dry_run):
    """Certify anyone who completed every requirement but holds no certificate for it."""
    from lms.clock import today as clock_today

    recheck_certifications(today_.date() if today_ else clock_today(), dry_run=dry_run)


# --- demo ---------------------------------------------------------------------------


@lms_cli.command("demo")
@needs_schema
def demo_cmd():
    """Load the demo organisation (idempotent) and print how to sign in."""
    from lms.demo import load_demo

    people = load_demo(current_app.config["LMS_DEMO_PASSWORD"])
    from lms.web.urls import BaseURLMissing, absolute_url

    try:
        where = absolute_url(
            "lms.accounts.login" if current_app.extensions["lms"].standalone else "lms.home.index"
        )
    except BaseURLMissing:
        where = "the LMS (set LMS_BASE_URL to print its address)"
    click.echo(f"Demo organisation ready at {where}")
    click.echo(f"Password for every demo account: {current_app.config['LMS_DEMO_PASSWORD']}")
    for person in people:
        click.echo(f"  {person.role:<10} {person.email}")
