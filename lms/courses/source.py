"""Reading and checking a course folder (see docs/course-format.md).

``load_course(folder)`` returns the course as plain values plus every problem found, each
as ``path:line: message``. Nothing here touches the database: ``sync.py`` stores a
course only when it loaded without problems.
"""

from __future__ import annotations

import hashlib
import os
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from lms.courses import yamlfile
from lms.domain.certification import validate_rules
from lms.domain.problems import Problem
from lms.domain.questions import validate_question_list
from lms.domain.scenario_outcomes import outcome_problems
from lms.domain.scenarios import best_path_score, parse_scenario, validate_scenario

SLUG = re.compile(r"^[a-z0-9][a-z0-9-]*$")
SECTION_HEADING = re.compile(r"^##(?!#)\s*(?P<title>.*?)\s*(?:\{#(?P<key>[^}]*)\})?\s*$")
POLICY_TITLE = re.compile(r"^#(?!#)\s*(?P<title>.+?)\s*$")
# An unquoted prose value with " #" in it: YAML silently cuts the text at the "#".
PROSE_WITH_COMMENT = re.compile(
    r"^\s*(?:-\s+)?(?:text|prompt|feedback|debrief|summary|title|left|right):\s+[^\s\"'|>].*?\s#")

COURSE_KEYS = {
    "id", "title", "summary", "policy", "review_on_change", "review_due_days",
    "modules", "assessment", "scenarios", "certification",
}
MODULE_KEYS = {"id", "title", "file", "sections", "questions", "pass_mark"}
ASSESSMENT_KEYS = {"questions", "draw", "pass_mark", "max_attempts", "cooldown_minutes", "reveal_answers"}
SCENARIO_REF_KEYS = {"file", "required", "pass_mark"}


@dataclass(frozen=True)
class CourseProblem:
    """A problem in a course file, printed as ``path:line: message``."""

    path: str
    line: int
    message: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.message}"


@dataclass
class SectionSource:
    key: str
    title: str
    body_md: str
    line: int


@dataclass
class ModuleSource:
    key: str
    title: str
    body_md: str
    section_keys: list[str]
    pass_mark: int
    questions: list[dict]


@dataclass
class ScenarioSource:
    key: str
    title: str
    summary: str
    required: bool
    pass_mark: int
    data: dict


@dataclass
class CourseSource:
    """A course folder read into plain values, ready to be synced."""

    folder: Path
    slug: str
    title: str
    summary: str
    policy_title: str
    preamble_md: str
    sections: list[SectionSource]
    modules: list[ModuleSource]
    pool: list[dict]
    scenarios: list[ScenarioSource]
    settings: dict[str, Any]
    content_hash: str = ""


@dataclass
class _Reader:
    """Collects problems and the bytes of every file read (for the content hash)."""

    folder: Path
    problems: list[CourseProblem] = field(default_factory=list)
    files: dict[str, bytes] = field(default_factory=dict)

    def display(self, rel: str) -> str:
        path = self.folder / rel
        try:
            return os.path.relpath(path)
        except ValueError:  # different drive on Windows
            return str(path)

    def add(self, rel: str, line: int, message: str) -> None:
        self.problems.append(CourseProblem(self.display(rel), line, message))

    def add_problems(self, rel: str, data: Any, problems: Iterable[Problem]) -> None:
        for p in problems:
            self.add(rel, yamlfile.line_of(data, p.path), p.message)

    def read_text(self, rel: str, where: tuple[str, int]) -> str | None:
        """Read a file named by another file; a bad name is reported where it was written."""
        path = (self.folder / rel).resolve()
        if self.folder.resolve() not in path.parents:
            self.add(where[0], where[1], f"{rel!r} points outside the course folder")
            return None
        if not path.is_file():
            self.add(where[0], where[1], f"file not found: {rel}")
            return None
        raw = path.read_bytes()
        self.files[rel] = raw
        try:
            return raw.decode("utf-8")
        except UnicodeDecodeError as exc:
            self.add(rel, raw[: exc.start].count(b"\n") + 1, "not valid UTF-8")
            return None

    def read_yaml(self, rel: str, where: tuple[str, int]):
        text = self.read_text(rel, where)
        if text is None:
            return None
        for number, line in enumerate(text.splitlines(), start=1):
            if PROSE_WITH_COMMENT.match(line):
                self.add(rel, number, "' #' starts a YAML comment, so the rest of this text is dropped: "
                                      "put the text in quotes")
        try:
            return yamlfile.load(text)
        except yamlfile.YAMLError as exc:
            self.add(rel, exc.line, f"invalid YAML: {exc}")
            return None


def find_course_folders(root: Path) -> list[Path]:
    """Folders under ``root`` holding a ``course.yaml`` (or ``root`` itself)."""
    if (root / "course.yaml").is_file():
        return [root]
    return sorted(p.parent for p in root.glob("*/course.yaml"))


def parse_policy(text: str) -> tuple[str, str, list[SectionSource], list[tuple[int, str]]]:
    """Split policy Markdown into (title, preamble, sections, problems as (line, message))."""
    title, preamble_lines, sections, problems = "", [], [], []
    current: SectionSource | None = None
    body: list[str] = []
    in_fence = False
    for number, line in enumerate(text.splitlines(), start=1):
        if line.lstrip().startswith(("```", "~~~")):
            in_fence = not in_fence
        heading = None if in_fence else SECTION_HEADING.match(line)
        if heading:
            if current is not None:
                current.body_md = "\n".join(body).strip()
                sections.append(current)
            key = heading["key"]
            if key is None:
                problems.append((number, "section heading has no stable id: add {#section-id}"))
                key = f"__line{number}"
            elif not SLUG.match(key):
                problems.append((number, f"section id {key!r} must be lower-case letters, digits and dashes"))
            if not heading["title"]:
                problems.append((number, "section heading has no title"))
            current, body = SectionSource(key, heading["title"], "", number), []
            continue
        top = None if in_fence or title else POLICY_TITLE.match(line)
        if current is None and top:
            title = top["title"]
        elif current is None:
            preamble_lines.append(line)
        else:
            body.append(line)
    if current is not None:
        current.body_md = "\n".join(body).strip()
        sections.append(current)
    if not title:
        problems.append((1, "the policy has no '# Title' heading"))
    if not sections:
        problems.append((1, "the policy has no '## Section {#id}' sections"))
    seen: dict[str, int] = {}
    for s in sections:
        if s.key in seen:
            problems.append((s.line, f"duplicate section id {s.key!r} (first on line {seen[s.key]})"))
        seen.setdefault(s.key, s.line)
        if not s.body_md:
            problems.append((s.line, f"section {s.key!r} is empty"))
    return title, "\n".join(preamble_lines).strip(), sections, problems


def _check_int(r: _Reader, rel: str, data: dict, key: str, low: int, high: int | None,
               default: int | None) -> int | None:
    value = data.get(key, default)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or value < low or (high is not None and value > high):
        bound = f"{low}..{high}" if high is not None else f">= {low}"
        r.add(rel, yamlfile.line_of(data, (key,)), f"{key} must be a whole number {bound}, got {value!r}")
        return default
    return value


def _check_bool(r: _Reader, rel: str, data: dict, key: str, default: bool) -> bool:
    value = data.get(key, default)
    if not isinstance(value, bool):
        r.add(rel, yamlfile.line_of(data, (key,)), f"{key} must be true or false, got {value!r}")
        return default
    return value


def _unknown_keys(r: _Reader, rel: str, data: dict, allowed: set[str], what: str) -> None:
    for key in data:
        if key not in allowed:
            r.add(rel, data.lines.get(key, data.line) if isinstance(data, yamlfile.LineDict) else 1,
                  f"unknown key {key!r} in {what} (expected one of: {', '.join(sorted(allowed))})")


def load_course(folder: Path) -> tuple[CourseSource | None, list[CourseProblem]]:
    """Read and check one course folder; the course is None when anything is wrong."""
    r = _Reader(Path(folder))
    cy = "course.yaml"
    data = r.read_yaml(cy, (cy, 1))
    if data is None:
        return None, r.problems
    if not isinstance(data, dict):
        r.add(cy, 1, "course.yaml must be a mapping (key: value)")
        return None, r.problems
    _unknown_keys(r, cy, data, COURSE_KEYS, "course.yaml")

    def where(*path) -> tuple[str, int]:
        return cy, yamlfile.line_of(data, path)

    slug = data.get("id")
    if not isinstance(slug, str) or not SLUG.match(slug):
        r.add(*where("id"), f"id must be a slug of lower-case letters, digits and dashes, got {slug!r}")
    for key in ("title",):
        if not isinstance(data.get(key), str) or not data[key].strip():
            r.add(*where(key), f"{key} is required")
    summary = data.get("summary", "")
    if not isinstance(summary, str):
        r.add(*where("summary"), "summary must be text")
        summary = ""

    # Policy.
    policy_rel = data.get("policy", "policy.md")
    sections: list[SectionSource] = []
    policy_title = preamble = ""
    if not isinstance(policy_rel, str):
        r.add(*where("policy"), "policy must be a file name")
    else:
        text = r.read_text(policy_rel, where("policy"))
        if text is not None:
            policy_title, preamble, sections, policy_problems = parse_policy(text)
            for line, message in policy_problems:
                r.add(policy_rel, line, message)
    section_keys = {s.key for s in sections}

    seen_questions: set[str] = set()

    def load_questions(rel: Any, at: tuple) -> list[dict]:
        if not isinstance(rel, str):
            r.add(*where(*at), "questions must be a file name")
            return []
        items = r.read_yaml(rel, where(*at))
        if items is None:
            return []
        problems = validate_question_list(items, section_keys, seen_ids=seen_questions)
        r.add_problems(rel, items, problems)
        return items if isinstance(items, list) else []

    # Modules.
    modules: list[ModuleSource] = []
    raw_modules = data.get("modules")
    if not isinstance(raw_modules, list) or not raw_modules:
        r.add(*where("modules"), "modules must be a non-empty list")
        raw_modules = []
    module_keys: dict[str, int] = {}
    for i, m in enumerate(raw_modules):
        if not isinstance(m, dict):
            r.add(*where("modules", i), "a module must be a mapping with id, title, file, sections, questions")
            continue
        _unknown_keys(r, cy, m, MODULE_KEYS, "a module")
        key = m.get("id")
        if not isinstance(key, str) or not SLUG.match(key):
            r.add(*where("modules", i, "id"), f"module id must be a slug, got {key!r}")
            key = f"__module{i}"
        elif key in module_keys:
            r.add(*where("modules", i, "id"), f"duplicate module id {key!r} (first on line {module_keys[key]})")
        module_keys.setdefault(key, yamlfile.line_of(data, ("modules", i, "id")))
        title = m.get("title")
        if not isinstance(title, str) or not title.strip():
            r.add(*where("modules", i), f"module {key!r} has no title")
            title = key
        body = ""
        if not isinstance(m.get("file"), str):
            r.add(*where("modules", i), f"module {key!r} has no file")
        else:
            body = r.read_text(m["file"], where("modules", i, "file")) or ""
        keys = m.get("sections")
        if not isinstance(keys, list) or not keys:
            r.add(*where("modules", i), f"module {key!r} must list the policy sections it teaches")
            keys = []
        for j, k in enumerate(keys):
            if sections and k not in section_keys:
                r.add(*where("modules", i, "sections", j), f"unknown policy section {k!r}")
        pass_mark = _check_int(r, cy, m, "pass_mark", 0, 100, 80)
        questions = load_questions(m.get("questions"), ("modules", i)) if "questions" in m else []
        if "questions" not in m:
            r.add(*where("modules", i), f"module {key!r} has no knowledge check (questions:)")
        modules.append(ModuleSource(key, title, body, [str(k) for k in keys], pass_mark or 0, questions))

    # Final assessment.
    assessment = data.get("assessment")
    settings: dict[str, Any] = {}
    pool: list[dict] = []
    if not isinstance(assessment, dict):
        r.add(*where("assessment"), "assessment must be a mapping with at least questions:")
        assessment = yamlfile.LineDict()
    else:
        _unknown_keys(r, cy, assessment, ASSESSMENT_KEYS, "assessment")
        pool = load_questions(assessment.get("questions"), ("assessment", "questions"))
    a_draw = _check_int(r, cy, assessment, "draw", 1, None, 12)
    if pool and a_draw and a_draw > len(pool):
        r.add(*where("assessment", "draw"), f"draw is {a_draw} but the pool has only {len(pool)} questions")
    max_attempts = assessment.get("max_attempts")
    if max_attempts is not None:
        max_attempts = _check_int(r, cy, assessment, "max_attempts", 1, None, None)
    settings["assessment"] = {
        "draw": a_draw,
        "pass_mark": _check_int(r, cy, assessment, "pass_mark", 0, 100, 80),
        "max_attempts": max_attempts,
        "cooldown_minutes": _check_int(r, cy, assessment, "cooldown_minutes", 0, None, 0),
        "reveal_answers": _check_bool(r, cy, assessment, "reveal_answers", False),
    }

    # Scenarios.
    scenarios: list[ScenarioSource] = []
    raw_scenarios = data.get("scenarios") or []
    if not isinstance(raw_scenarios, list):
        r.add(*where("scenarios"), "scenarios must be a list")
        raw_scenarios = []
    scenario_keys: dict[str, int] = {}
    for i, ref in enumerate(raw_scenarios):
        if not isinstance(ref, dict) or not isinstance(ref.get("file"), str):
            r.add(*where("scenarios", i), "a scenario entry needs file:")
            continue
        _unknown_keys(r, cy, ref, SCENARIO_REF_KEYS, "a scenario entry")
        raw = r.read_yaml(ref["file"], where("scenarios", i, "file"))
        if raw is None:
            continue
        found = validate_scenario(raw, section_keys)
        r.add_problems(ref["file"], raw, found)
        if found or not isinstance(raw, dict):
            continue
        key = raw["id"]
        if key in scenario_keys:
            r.add(ref["file"], yamlfile.line_of(raw, ("id",)), f"duplicate scenario id {key!r}")
            continue
        scenario_keys[key] = i
        required = _check_bool(r, cy, ref, "required", True)
        pass_mark = _check_int(r, cy, ref, "pass_mark", 0, 100, None)
        if pass_mark is not None and pass_mark != raw.get("pass_mark"):
            _check_scenario_mark(r, ref["file"], raw, pass_mark, where("scenarios", i, "pass_mark"))
        scenarios.append(ScenarioSource(
            key, raw["title"], raw.get("summary", ""), required,
            pass_mark if pass_mark is not None else raw.get("pass_mark", 70), raw,
        ))

    # Certification.
    cert = data.get("certification", yamlfile.LineDict())
    if not isinstance(cert, dict):
        r.add(*where("certification"), "certification must be a mapping")
        cert = yamlfile.LineDict()
    for p in validate_rules(cert):
        r.add(cy, yamlfile.line_of(data, ("certification", *p.path)), p.message)
    refresher = cert.get("refresher") or {}
    if isinstance(refresher, dict):
        scenario_ref = refresher.get("scenario")
        if scenario_ref is not None and scenarios and scenario_ref not in scenario_keys:
            r.add(*where("certification", "refresher", "scenario"), f"unknown scenario {scenario_ref!r}")
        r_draw = refresher.get("draw")
        if isinstance(r_draw, int) and a_draw and r_draw >= a_draw:
            r.add(*where("certification", "refresher", "draw"),
                  f"the refresher draws {r_draw} questions; it must draw fewer than the assessment ({a_draw})")
    settings["certification"] = yamlfile.plain(cert)
    settings["review_on_change"] = _check_bool(r, cy, data, "review_on_change", True)
    settings["review_due_days"] = _check_int(r, cy, data, "review_due_days", 1, None, 30)

    if r.problems:
        return None, r.problems
    course = CourseSource(
        folder=r.folder, slug=slug, title=data["title"].strip(), summary=summary.strip(),
        policy_title=policy_title, preamble_md=preamble, sections=sections, modules=modules,
        pool=pool, scenarios=scenarios, settings=settings,
    )
    course.content_hash = content_hash(r.files)
    return course, []


def _check_scenario_mark(r: _Reader, rel: str, raw: Any, mark: int, at: tuple[str, int]) -> None:
    """The checks that depend on the pass mark, again with the mark course.yaml sets."""
    scenario = parse_scenario(raw)
    best = best_path_score(scenario)
    if best < mark:
        r.add(*at, f"pass_mark {mark} cannot be reached in {scenario.id!r}: the best run scores {best}")
        return
    r.add_problems(rel, raw, [
        Problem(p.path, f"{p.message} (with the pass mark {mark} set in course.yaml)")
        for p in outcome_problems(scenario, mark)
    ])


def content_hash(files: dict[str, bytes]) -> str:
    """sha256 over every file the course is made of (names and bytes, in name order)."""
    digest = hashlib.sha256()
    for name in sorted(files):
        digest.update(name.encode() + b"\0" + hashlib.sha256(files[name]).digest())
    return digest.hexdigest()


def check_courses(root: Path) -> tuple[list[CourseSource], list[CourseProblem]]:
    """Load every course under ``root``; also report two folders claiming the same id."""
    folders = find_course_folders(Path(root))
    courses, problems = [], []
    if not folders:
        problems.append(CourseProblem(str(root), 1, "no course.yaml found"))
    seen: dict[str, Path] = {}
    for folder in folders:
        course, found = load_course(folder)
        problems.extend(found)
        if course is None:
            continue
        if course.slug in seen:
            problems.append(CourseProblem(os.path.relpath(folder / "course.yaml"), 1,
                                          f"course id {course.slug!r} is also used by {seen[course.slug]}"))
            continue
        seen[course.slug] = folder
        courses.append(course)
    return courses, problems
