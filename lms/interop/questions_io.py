"""Running a question import (GIFT, Aiken) or a GIFT export, with every finding located.

Findings print as ``path:line[:col]: message``. Their ``level`` says what they mean:

* ``error``: the file is wrong (a syntax error; with ``strict``, also any question that
  cannot be converted). Nothing is written while there is one.
* ``skipped``: a question of a type this product does not grade, or one that cannot be
  converted; the rest are written.
* ``note``: converted, but something was lost or is still to write; the same note is a
  comment above the question in the YAML, so the reviewer sees it in place.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from lms.courses import yamlfile
from lms.courses.source import SLUG, load_course
from lms.interop import gift_writer, yamlout
from lms.interop.aiken_parser import parse_aiken
from lms.interop.gift_model import GiftQuestion
from lms.interop.gift_parser import parse_gift
from lms.interop.mapping import course_to_gift, gift_to_course

FORMATS = ("gift", "aiken")
_ID_OK = re.compile(r"^[A-Za-z0-9_.-]+$")


@dataclass(frozen=True)
class Finding:
    """Something to tell the author, at ``path:line`` (and column for syntax errors)."""

    path: str
    line: int
    message: str
    level: str = "error"
    col: int | None = None

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}" + (f":{self.col}" if self.col else "")
        return f"{where}: {self.message}"


@dataclass
class ImportResult:
    """Converted questions (each with its comment lines) and the findings."""

    questions: list[tuple[dict[str, Any], list[str]]] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)

    @property
    def errors(self) -> list[Finding]:
        return [f for f in self.findings if f.level == "error"]

    def count(self, level: str) -> int:
        return sum(1 for f in self.findings if f.level == level)

    def to_yaml(self, source: str) -> str:
        header = (
            f"Imported from {source} by `flask lms import-questions`.\n"
            "Review every question (and each note above one) before committing."
        )
        return yamlout.write_questions(self.questions, header)


def slugify(text: str) -> str:
    """``Kanji Origins`` -> ``kanji-origins`` (letters and digits, dashes between)."""
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


def _section_of(category: str | None) -> str:
    """The policy section a category names: its last part, when that is a section id."""
    if not category:
        return ""
    last = category.replace("//", "\0").split("/")[-1].replace("\0", "/").strip()
    return last if SLUG.match(last) else ""


def _question_id(q: GiftQuestion, stem: str, index: int, seen: set[str]) -> str:
    if q.idnumber and _ID_OK.match(q.idnumber):
        base = q.idnumber
    else:
        base = slugify(q.idnumber or q.name or "") or f"{stem}-{index:02d}"
    qid, n = base, 2
    while qid in seen:
        qid, n = f"{base}-{n}", n + 1
    seen.add(qid)
    return qid


def import_questions(
    text: str, fmt: str, *, display: str, section: str | None = None, strict: bool = False
) -> ImportResult:
    """Convert the GIFT or Aiken ``text`` of file ``display`` into this course's questions."""
    result = ImportResult()
    if fmt == "gift":
        parsed = parse_gift(text)
        result.findings += [Finding(display, e.line, e.message, col=e.col) for e in parsed.errors]
    else:
        parsed = parse_aiken(text)
        result.findings += [Finding(display, e.line, e.message) for e in parsed.errors]
    stem = slugify(Path(display).stem) or "question"
    seen: set[str] = set()
    unsectioned: dict[str | None, int] = {}
    for index, q in enumerate(parsed.questions, start=1):
        qid = _question_id(q, stem, index, seen)
        where = section or _section_of(q.category)
        if not where:
            unsectioned.setdefault(q.category, q.line)
        mapped = gift_to_course(q, qid=qid, section=where)
        label = f"question '{q.title}'"
        if mapped.question is None:
            level = "error" if strict else "skipped"
            result.findings.append(Finding(display, q.line, f"{label} {mapped.skipped}", level))
            continue
        for note in mapped.notes:
            result.findings.append(Finding(display, q.line, f"{label}: {note}", "note"))
        comments = [f"from {display}:{q.line}" + (f" ::{q.name}::" if q.name else "")]
        result.questions.append((mapped.question, comments + [f"note: {n}" for n in mapped.notes]))
    for category, line in unsectioned.items():
        why = (
            f"the category {category!r} does not end in a policy section id"
            if category
            else "there is no --section and no $CATEGORY"
        )
        result.findings.append(
            Finding(
                display,
                line,
                (f"{why}: these questions get section: '' (pass --section ID, or set each one)"),
                "note",
            )
        )
    result.findings.sort(key=lambda f: (f.line, f.col or 0))
    return result


# --------------------------------------------------------------------------- export


@dataclass
class ExportResult:
    text: str = ""
    count: int = 0
    findings: list[Finding] = field(default_factory=list)


def question_files(folder: Path) -> dict[str, str]:
    """Pool id (module id or ``final``) -> its question file, from a valid course.yaml."""
    data = yamlfile.load((Path(folder) / "course.yaml").read_text(encoding="utf-8"))
    files = {m["id"]: m["questions"] for m in data["modules"]}
    files["final"] = data["assessment"]["questions"]
    return files


def export_questions(folder: Path, pool: str | None = None) -> ExportResult:
    """This course's questions (one pool, or all) as GIFT that Moodle imports."""
    course, problems = load_course(Path(folder))
    if course is None:
        return ExportResult(findings=[Finding(p.path, p.line, p.message) for p in problems])
    return export_course(course, question_files(folder), pool)


def export_course(course, files: dict[str, str], pool: str | None = None) -> ExportResult:
    """GIFT for a loaded course (``files``: see :func:`question_files`)."""
    result = ExportResult()
    pools = [(m.key, m.questions) for m in course.modules] + [("final", course.pool)]
    if pool is not None:
        pools = [p for p in pools if p[0] == pool]
        if not pools:
            names = ", ".join(files)
            result.findings.append(
                Finding(
                    str(course.folder / "course.yaml"),
                    1,
                    (f"no question pool {pool!r} in course {course.slug!r} (pools: {names})"),
                )
            )
            return result
    chunks = [_export_header(course, pool)]
    category = None
    for pool_id, questions in pools:
        for raw in questions:
            path = f"{course.slug}/{pool_id}/{raw['section']}"
            if path != category:
                chunks.append(gift_writer.write_category(f"$course$/{path}"))
                category = path
            chunks.append(_export_one(raw, course.folder, files[pool_id], pool_id, result))
    result.text = "\n".join(c for c in chunks if c)
    return result


def _export_header(course, pool: str | None) -> str:
    what = f"pool {pool!r}" if pool else "every question pool"
    return (
        f"// Course {course.slug!r} ({course.title}): {what}, written by "
        "`flask lms export-questions`.\n"
        "// Each question's id is its Moodle ID number ([id:...]); its policy section is "
        "the last part of its category.\n"
    )


def _export_one(raw: dict, folder: Path, rel: str, pool_id: str, result: ExportResult) -> str:
    question, notes = course_to_gift(yamlfile.plain(raw))
    where = Finding(str(Path(folder) / rel), getattr(raw, "line", 1), "")
    for note in notes:
        result.findings.append(
            Finding(where.path, where.line, f"question '{raw['id']}': {note}", "note")
        )
    try:
        text = gift_writer.write_question(
            question,
            [f"question: {raw['id']}  pool: {pool_id}  section: {raw['section']}"]
            + [f"note: {n}" for n in notes],
        )
    except gift_writer.GiftWriteError as exc:
        result.findings.append(Finding(where.path, where.line, f"question '{raw['id']}': {exc}"))
        return ""
    result.count += 1
    return text
