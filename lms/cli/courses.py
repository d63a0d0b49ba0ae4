"""``flask lms example-course``, ``check-courses``, ``translation-status`` and
``sync-courses``: course folders, checked and loaded."""

from __future__ import annotations

import sys
from pathlib import Path

import click
from flask import current_app

from lms.cli.group import lms_cli, needs_schema


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
