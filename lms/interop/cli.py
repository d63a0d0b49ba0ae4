"""``flask lms new-course | import-questions | export-questions`` (see docs/interop.md).

``lms.cli.group`` adds these to the ``flask lms`` group with ``register(lms_cli)``. The
converters are imported inside the commands, so ``flask`` starts as fast as before.
"""

from __future__ import annotations

import sys
from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext

from lms.courses.source import SLUG
from lms.interop.policy_import import DocumentError
from lms.interop.questions_io import export_questions, import_questions
from lms.interop.scaffold import ScaffoldError, new_course, update_course


def _courses_dir() -> Path:
    return Path(current_app.config["LMS_COURSES_DIR"])


def _read_utf8(path: Path) -> str:
    raw = path.read_bytes()
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise click.ClickException(
            f"{path}:{line}: not valid UTF-8 (save the file as UTF-8)"
        ) from None


def _refuse_overwrite(out: Path | None, force: bool) -> None:
    if out is not None and out.exists() and not force:
        raise click.ClickException(
            f"{out} already exists: choose another file, or add --force to replace it"
        )


@click.command("new-course")
@click.argument("slug")
@click.option(
    "--from",
    "source",
    required=True,
    metavar="FILE",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="The policy document: .docx, .md or .html.",
)
@click.option(
    "--update",
    is_flag=True,
    help="Re-import a changed document into the existing course SLUG (keeps ids).",
)
@with_appcontext
def new_course_cmd(slug, source, update):
    """Make the course folder SLUG from a policy document, or re-import it with --update.

    The policy is split into sections at the document's headings, one module per
    section; `flask lms check-courses` then lists what is still to write.
    """
    try:
        if update:
            result = update_course(_courses_dir() / slug, source)
        else:
            result = new_course(_courses_dir(), slug, source)
    except (ScaffoldError, DocumentError) as exc:
        raise click.ClickException(str(exc)) from None
    counts = {
        s: sum(1 for c in result.changes if c.status == s)
        for s in ("changed", "new", "removed", "unchanged")
    }
    if update:
        click.echo(
            f"Updated the policy of {result.folder} from {source.name}: "
            + ", ".join(f"{n} {s}" for s, n in counts.items())
            + "."
        )
    else:
        click.echo(
            f"Created {result.folder} from {source.name}: {counts['new']} sections, "
            f"one module each."
        )
    for change in result.changes:
        if change.status != "unchanged":
            click.echo(f"  {change.describe()}")
    for note in result.notes:
        click.echo(f"note: {note}", err=True)
    if not update:
        click.echo(f"Next: flask lms check-courses {result.folder} lists what is still to write.")


@click.command("import-questions")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "--format",
    "fmt",
    required=True,
    type=click.Choice(["gift", "aiken"]),
    help="The file's format (Moodle GIFT or Aiken).",
)
@click.option(
    "--section",
    default=None,
    metavar="ID",
    help="Policy section id for every question (default: from each $CATEGORY).",
)
@click.option(
    "-o",
    "--output",
    "out",
    default=None,
    metavar="OUT.yaml",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Write the questions here (default: standard output).",
)
@click.option(
    "--strict",
    is_flag=True,
    help="Treat a question that cannot be converted as an error (nothing written).",
)
@click.option("--force", is_flag=True, help="Replace OUT.yaml if it exists.")
@with_appcontext
def import_questions_cmd(file, fmt, section, out, strict, force):
    """Convert a Moodle GIFT or Aiken file into questions of this course format.

    Every problem is printed as file:line (file:line:col for a syntax error). Question
    types this product does not grade are reported and skipped (--strict: an error).
    Nothing is written while there is an error.
    """
    if section is not None and not SLUG.match(section):
        raise click.ClickException(
            f"--section {section!r} is not a policy section id "
            "(lower-case letters, digits and dashes)"
        )
    _refuse_overwrite(out, force)
    result = import_questions(
        _read_utf8(file), fmt, display=str(file), section=section, strict=strict
    )
    for finding in result.findings:
        click.echo(str(finding), err=True)
    if result.errors:
        click.echo(f"{len(result.errors)} error(s): nothing was written.", err=True)
        sys.exit(1)
    text = result.to_yaml(file.name)
    if out is None:
        click.echo(text, nl=False)
    else:
        out.write_text(text, encoding="utf-8")
    click.echo(
        f"{len(result.questions)} question(s) written to {out or 'standard output'}; "
        f"{result.count('skipped')} skipped; {result.count('note')} note(s).",
        err=True,
    )


@click.command("export-questions")
@click.argument("course")
@click.option(
    "--pool",
    default=None,
    metavar="final|MODULE-ID",
    help="Only the final pool or one module's knowledge check (default: all).",
)
@click.option(
    "--format",
    "fmt",
    required=True,
    type=click.Choice(["gift"]),
    help="The output format (Moodle GIFT).",
)
@click.option(
    "-o",
    "--output",
    "out",
    default=None,
    metavar="OUT",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Write the GIFT here (default: standard output).",
)
@click.option("--force", is_flag=True, help="Replace OUT if it exists.")
@with_appcontext
def export_questions_cmd(course, pool, fmt, out, force):
    """Write COURSE's questions (a course id or folder) as GIFT that Moodle imports."""
    folder = Path(course) if (Path(course) / "course.yaml").is_file() else _courses_dir() / course
    if not (folder / "course.yaml").is_file():
        raise click.ClickException(
            f"no course {course!r}: give a course id from {_courses_dir()} or a course folder"
        )
    _refuse_overwrite(out, force)
    result = export_questions(folder, pool)
    for finding in result.findings:
        click.echo(str(finding), err=True)
    if any(f.level == "error" for f in result.findings):
        click.echo("Nothing was exported.", err=True)
        sys.exit(1)
    if out is None:
        click.echo(result.text, nl=False)
    else:
        out.write_text(result.text, encoding="utf-8")
    click.echo(f"{result.count} question(s) exported to {out or 'standard output'}.", err=True)


COMMANDS = (new_course_cmd, import_questions_cmd, export_questions_cmd)


def register(group: click.Group) -> None:
    """Add the interoperability commands to ``group`` (the ``flask lms`` group)."""
    for command in COMMANDS:
        group.add_command(command)
