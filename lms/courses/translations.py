"""Reading, checking and stamping a course's translation files (docs/translations.md).

``translations/<lang>/`` in a course folder mirrors the source files. This module turns a
loaded course into its translatable items (``lms.domain.translations.SourceItem``), reads
a language's files into translated items with their lines, and reports per language what
is missing, stale, unknown or structure (``path:line: message``). ``stamp`` records the
current source hashes in a language's files, editing only the ``source`` lines.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from lms.courses import yamlfile
from lms.courses.policy import POLICY_TITLE, SECTION_HEADING
from lms.courses.source import CourseProblem, CourseSource, display_path
from lms.domain import translations as tr

LANGUAGE = re.compile(r"^[a-z]{2,3}(?:[-_][A-Za-z0-9]{2,8})*$")
MAX_FILE_BYTES = 1_000_000
#: Per language: which source text each item was translated from (``kind/key: hash``),
#: written by ``flask lms translation-status --stamp LANG``, never by hand.
MANIFEST = "sources.yaml"


def languages(course: CourseSource) -> list[str]:
    """The languages a course has translations for (folder names under translations/)."""
    root = course.folder / "translations"
    return sorted(p.name for p in root.iterdir() if p.is_dir()) if root.is_dir() else []


# --- the source side ------------------------------------------------------------------------


def _choice_texts(choices: list[dict]) -> list[dict[str, Any]]:
    """The words of each choice a translation gives: its text and feedback, if any."""
    return [{k: c[k] for k in ("text", "feedback") if c.get(k)} for c in choices]


def _question_text(q: dict) -> dict[str, Any]:
    text: dict[str, Any] = {"prompt": q.get("prompt", "")}
    if q.get("feedback"):
        text["feedback"] = q["feedback"]
    if q.get("choices"):
        text["choices"] = _choice_texts(q["choices"])
    if q.get("pairs"):
        text["pairs"] = [{"left": p["left"], "right": p["right"]} for p in q["pairs"]]
    if q.get("distractors"):
        text["distractors"] = list(q["distractors"])
    return text


def _node_text(node: dict) -> dict[str, Any]:
    text: dict[str, Any] = {"text": node.get("text", "")}
    if node.get("debrief"):
        text["debrief"] = node["debrief"]
    if node.get("choices"):
        text["choices"] = _choice_texts(node["choices"])
    return text


def source_items(course: CourseSource) -> list[tr.SourceItem]:
    """Every translatable item of ``course``, in the order of its files."""
    items = [
        tr.SourceItem(
            "course", "course", "course", {"title": course.title, "summary": course.summary}
        ),
        tr.SourceItem(
            "preamble",
            "policy",
            "course",
            {"title": course.policy_title, "body": course.preamble_md},
        ),
    ]
    items += [
        tr.SourceItem("section", s.key, s.key, {"title": s.title, "body": s.body_md})
        for s in course.sections
    ]
    for m in course.modules:
        group = m.section_keys[0] if m.section_keys else "course"
        items.append(tr.SourceItem("module", m.key, group, {"title": m.title}))
        items.append(tr.SourceItem("lesson", m.key, group, {"body": m.body_md}))
        items += [
            tr.SourceItem("question", q["id"], q.get("section", group), _question_text(q))
            for q in m.questions
        ]
    items += [
        tr.SourceItem("question", q["id"], q.get("section", "course"), _question_text(q))
        for q in course.pool
    ]
    items += [tr.SourceItem("fact", f.id, f.section, {"text": f.text}) for f in course.facts]
    for s in course.scenarios:
        group = f"scenario:{s.key}"
        items.append(
            tr.SourceItem("scenario", s.key, group, {"title": s.title, "summary": s.summary})
        )
        items += [
            tr.SourceItem("node", f"{s.key}/{n['id']}", group, _node_text(n))
            for n in s.data.get("nodes", [])
        ]
    return items


# --- the translation side -------------------------------------------------------------------


@dataclass
class Translation:
    """One language's files read: its items by ``(kind, key)`` and what was wrong."""

    language: str
    items: dict[tuple[str, str], tr.TranslatedItem] = field(default_factory=dict)
    problems: list[CourseProblem] = field(default_factory=list)


class _Files:
    def __init__(self, course: CourseSource, language: str, out: Translation):
        self.base = course.folder / "translations" / language
        self.course, self.out = course, out
        self.manifest: dict[str, str] = {}
        data = self.yaml(MANIFEST) if (self.base / MANIFEST).is_file() else None
        if isinstance(data, dict):
            self.manifest = {str(k): str(v) for k, v in data.items()}
        elif data is not None:
            self.add(MANIFEST, 1, f"{MANIFEST} must map items to source hashes")

    def rel(self, name: str) -> str:
        return f"translations/{self.out.language}/{name}"

    def add(self, name: str, line: int, message: str) -> None:
        self.out.problems.append(
            CourseProblem(display_path(self.course.folder, self.rel(name)), line, message)
        )

    def text(self, name: str) -> str | None:
        path = self.base / name
        if not path.is_file():
            return None
        if path.stat().st_size > MAX_FILE_BYTES:
            self.add(name, 1, f"the file is larger than {MAX_FILE_BYTES:,} bytes")
            return None
        try:
            return path.read_text(encoding="utf-8")
        except UnicodeDecodeError:
            self.add(name, 1, "not valid UTF-8")
            return None

    def yaml(self, name: str):
        text = self.text(name)
        if text is None:
            return None
        try:
            return yamlfile.load(text)
        except yamlfile.YAMLError as exc:
            self.add(name, exc.line, f"invalid YAML: {exc}")
            return None

    def item(self, kind: str, key: str, text: dict, name: str, line: int) -> None:
        if (kind, key) in self.out.items:
            self.add(name, line, f"{kind} {key!r} is translated twice")
            return
        source_hash = self.manifest.get(f"{kind}/{key}")
        self.out.items[(kind, key)] = tr.TranslatedItem(
            kind, key, text, source_hash, self.rel(name), line
        )


def _split_markdown(text: str) -> list[tuple[str | None, str, list[str], int]]:
    """Markdown as (key, title, body lines, line) blocks: the ``# Title`` block first (key
    None), then each ``## Title {#key}``."""
    blocks: list[tuple[str | None, str, list[str], int]] = [(None, "", [], 1)]
    for number, line in enumerate(text.splitlines(), start=1):
        heading = SECTION_HEADING.match(line)
        if heading and heading["key"]:
            blocks.append((heading["key"], heading["title"], [], number))
            continue
        title = POLICY_TITLE.match(line)
        if title and len(blocks) == 1 and not blocks[0][1]:
            blocks[0] = (None, title["title"], blocks[0][2], number)
            continue
        blocks[-1][2].append(line)
    return blocks


def _read_policy(files: _Files) -> None:
    text = files.text("policy.md")
    if text is None:
        return
    for key, title, lines, line in _split_markdown(text):
        kind = "preamble" if key is None else "section"
        files.item(
            kind,
            key or "policy",
            {"title": title, "body": "\n".join(lines).strip()},
            "policy.md",
            line,
        )


def _read_course_yaml(files: _Files) -> None:
    data = files.yaml("course.yaml")
    if not isinstance(data, dict):
        if data is not None:
            files.add("course.yaml", 1, "course.yaml must be a mapping")
        return
    allowed = {"language", "title", "summary", "modules", "facts"}
    for key in data:
        if key not in allowed:
            files.add("course.yaml", data.lines.get(key, 1), tr._unexpected(key, "course.yaml"))
    text = {k: data[k] for k in ("title", "summary") if k in data}
    files.item("course", "course", text, "course.yaml", data.line)
    for group, kind, field_name in (("modules", "module", "title"), ("facts", "fact", "text")):
        entries = data.get(group) or {}
        if not isinstance(entries, dict):
            files.add("course.yaml", data.lines.get(group, 1), f"{group} must be a mapping by id")
            continue
        for key, value in entries.items():
            line = entries.lines.get(key, 1) if isinstance(entries, yamlfile.LineDict) else 1
            if isinstance(value, str):
                files.item(kind, key, {field_name: value}, "course.yaml", line)
            elif isinstance(value, dict):
                files.item(kind, key, dict(value), "course.yaml", line)
            else:
                files.add("course.yaml", line, f"{group} {key!r} must be text or a mapping")


def _read_list(files: _Files, name: str, kind: str) -> None:
    data = files.yaml(name)
    if data is None:
        return
    if not isinstance(data, list):
        files.add(name, 1, "a translated question file is a list, as the source's")
        return
    for i, entry in enumerate(data):
        line = data.lines[i]
        if not isinstance(entry, dict) or not isinstance(entry.get("id"), str):
            files.add(name, line, "each entry needs the source question's id")
            continue
        files.item(kind, entry["id"], {k: v for k, v in entry.items() if k != "id"}, name, line)


def _read_scenario(files: _Files, name: str, key: str) -> None:
    data = files.yaml(name)
    if not isinstance(data, dict):
        if data is not None:
            files.add(name, 1, "a translated scenario file is a mapping")
        return
    for extra in data:
        if extra not in ("id", "title", "summary", "nodes"):
            files.add(name, data.lines.get(extra, 1), tr._unexpected(extra, "scenario"))
    files.item(
        "scenario", key, {k: data[k] for k in ("title", "summary") if k in data}, name, data.line
    )
    nodes = data.get("nodes") or {}
    if not isinstance(nodes, dict):
        files.add(name, data.lines.get("nodes", 1), "nodes must be a mapping by node id")
        return
    for node_id, node in nodes.items():
        line = nodes.lines.get(node_id, 1) if isinstance(nodes, yamlfile.LineDict) else 1
        if not isinstance(node, dict):
            files.add(name, line, f"node {node_id!r} must be a mapping")
            continue
        files.item("node", f"{key}/{node_id}", dict(node), name, line)


def _assessment_file(course: CourseSource) -> str | None:
    try:
        raw = yamlfile.load((course.folder / "course.yaml").read_text(encoding="utf-8"))
        return raw["assessment"]["questions"]
    except (OSError, KeyError, TypeError, yamlfile.YAMLError):
        return None


def read_translation(course: CourseSource, language: str) -> Translation:
    """Read ``translations/<language>/`` of ``course`` (no checks against the source yet)."""
    out = Translation(language)
    files = _Files(course, language, out)
    if not LANGUAGE.match(language):
        files.add("", 1, f"{language!r} is not a language code such as fi, pt-BR")
    _read_course_yaml(files)
    _read_policy(files)
    for m in course.modules:
        text = files.text(m.file)
        if text is not None:
            files.item("lesson", m.key, {"body": text.strip()}, m.file, 1)
        if m.questions_file:
            _read_list(files, m.questions_file, "question")
    pool_file = _assessment_file(course)
    if pool_file:
        _read_list(files, pool_file, "question")
    for s in course.scenarios:
        _read_scenario(files, s.file, s.key)
    return out


@dataclass(frozen=True)
class ItemReport:
    kind: str
    key: str
    group: str
    status: str  # up_to_date | stale | missing
    where: str  # path:line of the translated item, or of the translation folder


def check_translation(course: CourseSource, language: str) -> tuple[Translation, list[ItemReport]]:
    """Read and check one language: problems (structure, unknown ids, shapes) go into
    ``translation.problems``; every source item gets a status."""
    translation = read_translation(course, language)
    sources = {(s.kind, s.key): s for s in source_items(course)}
    for (kind, key), item in translation.items.items():
        source = sources.get((kind, key))
        if source is None:
            translation.problems.append(
                CourseProblem(
                    display_path(course.folder, item.path),
                    item.line,
                    f"unknown {kind} {key!r}: the source has none",
                )
            )
            continue
        for p in tr.check_item(source, item):
            translation.problems.append(
                CourseProblem(
                    display_path(course.folder, item.path),
                    item.line,
                    f"{kind} {key!r}: {p.message}",
                )
            )
    reports = []
    for (kind, key), source in sources.items():
        item = translation.items.get((kind, key))
        where = (
            f"{display_path(course.folder, item.path)}:{item.line}"
            if item
            else display_path(course.folder, f"translations/{language}")
        )
        reports.append(ItemReport(kind, key, source.group, tr.status_of(source, item), where))
    return translation, reports


def translation_findings(course: CourseSource) -> list[CourseProblem]:
    """For check-courses: every language's problems, then a warning per stale item and a
    count of missing ones (missing text falls back to the source, so it is no error)."""
    findings: list[CourseProblem] = []
    for language in languages(course):
        translation, reports = check_translation(course, language)
        findings += translation.problems
        for r in reports:
            if r.status == "stale":
                path, _, line = r.where.rpartition(":")
                findings.append(
                    CourseProblem(
                        path,
                        int(line),
                        f"warning: [{language}] {r.kind} {r.key!r} "
                        f"is stale: its source changed since it was translated "
                        f"(section {r.group})",
                    )
                )
    return findings


def stamp(course: CourseSource, language: str, groups: set[str] | None = None) -> int:
    """Record the current source hash of every translated item (of ``groups`` only, when
    given) in the language's manifest; returns how many items changed. Run it when a
    translation, or an update of one, is done and reviewed."""
    translation = read_translation(course, language)
    sources = {(s.kind, s.key): s for s in source_items(course)}
    path = course.folder / "translations" / language / MANIFEST
    manifest = {}
    if path.is_file():
        data = yamlfile.load(path.read_text(encoding="utf-8")) or {}
        manifest = {str(k): str(v) for k, v in data.items()} if isinstance(data, dict) else {}
    changed = 0
    for kind, key in translation.items:
        source = sources.get((kind, key))
        if source is None or (groups and source.group not in groups):
            continue
        name = f"{kind}/{key}"
        if manifest.get(name) != source.source_hash:
            manifest[name] = source.source_hash
            changed += 1
    lines = [
        "# Written by `flask lms translation-status --stamp " + language + "`: the source text",
        "# (SHA-256, first 12 hex digits) each translated item was translated from. Do not edit.",
    ]
    lines += [f"{name}: '{value}'" for name, value in sorted(manifest.items())]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return changed
