"""A course folder from a policy document, and re-importing a changed document.

``new_course`` writes a complete course folder (see docs/course-format.md): policy.md
split into sections with stable ids, one module per section with the section's text as
the lesson's starting text, an empty knowledge check per module, an empty final pool, and
a course.yaml whose open decisions are ``TODO``. ``flask lms check-courses`` then lists
what the author still has to write. The folder is built beside its destination and moved
into place only when complete, so a failure leaves nothing behind.

``update_course`` rewrites policy.md from a changed document, keeping every section id
it can match (see :mod:`policy_ids`), and touches nothing else: lessons, questions and
course.yaml are the author's by then.
"""

from __future__ import annotations

import os
import re
import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from lms.courses import yamlfile
from lms.courses.source import SLUG, parse_policy
from lms.interop.policy_ids import OldSection, SectionChange, assign_ids
from lms.interop.policy_import import PolicyDocument, read_policy

TODO = "TODO"


class ScaffoldError(ValueError):
    """The course cannot be written or updated (the message says why)."""


@dataclass
class ScaffoldResult:
    folder: Path
    changes: list[SectionChange]
    notes: list[str] = field(default_factory=list)


def _scalar(value) -> str:
    return yaml.safe_dump(value, width=10**6, allow_unicode=True).removesuffix("\n...\n").strip()


def policy_markdown(document: PolicyDocument, keys: list[str]) -> str:
    """policy.md for ``document`` with section ids ``keys``."""
    parts = [f"# {document.title}"]
    if document.preamble:
        parts.append(document.preamble)
    for section, key in zip(document.sections, keys, strict=True):
        parts.append(f"## {section.title} {{#{key}}}")
        if section.body:
            parts.append(section.body)
    return "\n\n".join(parts) + "\n"


def lesson_markdown(body: str) -> str:
    """A section's text as a lesson: its ``###`` headings become ``##`` (lessons start there)."""
    return re.sub(r"^#(#{2,6}) ", r"\1 ", body, flags=re.MULTILINE).strip() + "\n"


def _question_file(what: str, hint: str) -> str:
    return (
        f"# {what}\n"
        f'# Write {hint}: see "Question files" in docs/course-format.md, or convert a\n'
        "# Moodle export: flask lms import-questions FILE --format gift --section ID\n"
        "[]\n"
    )


def _course_yaml(slug: str, document: PolicyDocument, keys: list[str], source: str) -> str:
    lines = [
        f"# Made from {source} by `flask lms new-course`. `flask lms check-courses` lists what",
        "# is still to write: each TODO below, the question files and the scenarios.",
        f"id: {slug}",
        f"title: {_scalar(document.title)}",
        f"summary: {TODO}",
        "policy: policy.md",
        "review_on_change: true",
        "review_due_days: 30",
        "modules:",
    ]
    for n, (section, key) in enumerate(zip(document.sections, keys, strict=True), start=1):
        stem = f"{n:02d}-{key}"
        lines += [
            f"  - id: {key}",
            f"    title: {_scalar(section.title)}",
            f"    file: modules/{stem}.md",
            f"    sections: [{key}]",
            f"    questions: questions/{stem}.yaml",
            f"    pass_mark: {TODO}",
        ]
    lines += [
        "assessment:",
        "  questions: questions/final.yaml",
        "  draw: 12",
        f"  pass_mark: {TODO}",
        "  max_attempts: 3",
        "  cooldown_minutes: 60",
        "  reveal_answers: false",
        f"scenarios: {TODO}",
        "certification:",
        "  valid_for: 12",
        "  window: 60",
        "  renewal_from: expiry",
        "  refresher:",
        "    all_modules: false",
        "    draw: 6",
    ]
    return "\n".join(lines) + "\n"


def _write(root: Path, rel: str, text: str) -> None:
    path = root / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


def new_course(courses_dir: Path, slug: str, source: Path) -> ScaffoldResult:
    """Write the course folder ``courses_dir/slug`` from the policy document ``source``."""
    if not SLUG.match(slug):
        raise ScaffoldError(f"course id {slug!r} must be lower-case letters, digits and dashes")
    folder = Path(courses_dir) / slug
    if folder.exists():
        raise ScaffoldError(f"{folder} already exists: use --update to re-import its policy")
    document = read_policy(Path(source))
    keys, changes = assign_ids(document.sections)
    Path(courses_dir).mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{slug}-", dir=courses_dir))
    try:
        _write(staging, "policy.md", policy_markdown(document, keys))
        _write(staging, "course.yaml", _course_yaml(slug, document, keys, Path(source).name))
        for n, (section, key) in enumerate(zip(document.sections, keys, strict=True), start=1):
            _write(staging, f"modules/{n:02d}-{key}.md", lesson_markdown(section.body))
            _write(
                staging,
                f"questions/{n:02d}-{key}.yaml",
                _question_file(
                    f"Knowledge check of module {key!r} (policy section {key}).",
                    "at least 5 questions",
                ),
            )
        _write(
            staging,
            "questions/final.yaml",
            _question_file(
                "Final assessment pool: the assessment and the refresher draw from it.",
                "at least 30 questions, covering every policy section",
            ),
        )
        os.replace(staging, folder)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return ScaffoldResult(folder, changes, document.notes)


def _current_sections(policy: Path) -> tuple[str, list[OldSection]]:
    title, _, sections, _ = parse_policy(policy.read_text(encoding="utf-8"))
    return title, [
        OldSection(s.key, s.title, s.body_md) for s in sections if not s.key.startswith("__")
    ]


def update_course(folder: Path, source: Path) -> ScaffoldResult:
    """Rewrite ``folder``'s policy from the changed document ``source``; report the changes."""
    folder = Path(folder)
    course_yaml = folder / "course.yaml"
    if not course_yaml.is_file():
        raise ScaffoldError(
            f"{folder} is not a course folder (no course.yaml): leave out --update to create it"
        )
    try:
        data = yamlfile.load(course_yaml.read_text(encoding="utf-8"))
    except yamlfile.YAMLError as exc:
        raise ScaffoldError(f"{course_yaml}:{exc.line}: invalid YAML: {exc}") from None
    data = data if isinstance(data, dict) else {}
    policy = folder / str(data.get("policy") or "policy.md")
    old_title, old = _current_sections(policy) if policy.is_file() else ("", [])
    document = read_policy(Path(source))
    keys, changes = assign_ids(document.sections, old)
    staged = policy.with_name(f".{policy.name}.new")
    staged.write_text(policy_markdown(document, keys), encoding="utf-8")
    os.replace(staged, policy)
    notes = list(document.notes)
    if old_title and old_title != document.title:
        notes.append(f"the policy title changed from {old_title!r} to {document.title!r}")
    notes += _teaching_notes(data, changes)
    return ScaffoldResult(folder, changes, notes)


def _teaching_notes(data: dict, changes: list[SectionChange]) -> list[str]:
    """Notes on new sections no module teaches and removed ones a module still lists."""
    taught: dict[str, list[str]] = {}
    for module in data.get("modules") or []:
        if isinstance(module, dict):
            for key in module.get("sections") or []:
                taught.setdefault(str(key), []).append(str(module.get("id")))
    notes = []
    for c in changes:
        if c.status == "new" and c.key not in taught:
            notes.append(
                f"section {c.key!r} is new and no module teaches it: add it to a "
                "module's sections: in course.yaml"
            )
        elif c.status == "removed" and c.key in taught:
            notes.append(
                f"section {c.key!r} was removed but module(s) {', '.join(taught[c.key])} "
                "still list it: check-courses points at every reference"
            )
    return notes
