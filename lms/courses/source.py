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

from flask import current_app, has_app_context

from lms.courses import yamlfile
from lms.courses.policy import SLUG, SectionSource, parse_policy
from lms.domain.certification import validate_rules
from lms.domain.facts import Fact, parse_facts, validate_facts, validate_question_facts
from lms.domain.problems import MAX_MESSAGE, Problem
from lms.domain.questions import validate_question_list
from lms.domain.scenario_outcomes import outcome_problems
from lms.domain.scenarios import best_path_score, parse_scenario, validate_scenario

__all__ = ["CourseProblem", "CourseSource", "ModuleSource", "ScenarioSource", "SectionSource",
           "check_courses", "display_path", "find_course_folders", "load_course", "parse_policy"]

# An unquoted prose value with " #" in it: YAML silently cuts the text at the "#".
PROSE_WITH_COMMENT = re.compile(
    r"^\s*(?:-\s+)?(?:text|prompt|feedback|debrief|summary|title|left|right):\s+[^\s\"'|>].*?\s#")

COURSE_KEYS = {
    "id", "title", "summary", "policy", "review_on_change", "review_due_days", "acknowledge_policy",
    "modules", "assessment", "scenarios", "certification", "facts", "time_budget",
}
MODULE_KEYS = {"id", "title", "file", "sections", "questions", "pass_mark"}
ASSESSMENT_KEYS = {"questions", "draw", "pass_mark", "max_attempts", "cooldown_minutes", "reveal_answers"}
SCENARIO_REF_KEYS = {"file", "required", "pass_mark"}


#: The file-size cap outside an app (``LMS_COURSE_FILE_MAX_BYTES`` inside one).
MAX_FILE_BYTES = 1_000_000


@dataclass(frozen=True)
class CourseProblem:
    """A problem in a course file, printed as ``path:line: message``."""

    path: str
    line: int
    message: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.message}"


@dataclass
class ModuleSource:
    key: str
    title: str
    body_md: str
    section_keys: list[str]
    pass_mark: int
    questions: list[dict]
    file: str = ""            # the lesson and the check, relative to the course folder
    questions_file: str = ""


@dataclass
class ScenarioSource:
    key: str
    title: str
    summary: str
    required: bool
    pass_mark: int
    data: dict
    file: str = ""


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
    facts: list[Fact] = field(default_factory=list)
    pool_file: str = ""
    policy_file: str = "policy.md"
    time_budget: dict[str, int] = field(default_factory=dict)  # as written; see lms.courses.quality
    raw: Any = field(default=None, repr=False)  # course.yaml as loaded, with its line numbers


def display_path(folder: Path, rel: str) -> str:
    """How problems name a course file: relative to the working directory when possible."""
    path = Path(folder) / rel
    try:
        return os.path.relpath(path)
    except ValueError:  # different drive on Windows
        return str(path)


@dataclass
class _Reader:
    """Collects problems and the bytes of every file read (for the content hash)."""

    folder: Path
    problems: list[CourseProblem] = field(default_factory=list)
    files: dict[str, bytes] = field(default_factory=dict)

    def display(self, rel: str) -> str:
        return display_path(self.folder, rel)

    def add(self, rel: str, line: int, message: str) -> None:
        if len(message) > MAX_MESSAGE:  # never echo a whole (huge) value
            message = message[: MAX_MESSAGE - 1] + "…"
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
        limit = int(current_app.config["LMS_COURSE_FILE_MAX_BYTES"]) if has_app_context() else MAX_FILE_BYTES
        size = path.stat().st_size
        if size > limit:
            self.add(rel, 1, f"the file is {size:,} bytes; course files may have at most {limit:,} "
                             "(LMS_COURSE_FILE_MAX_BYTES): split it")
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


# A value a scaffold (``flask lms new-course``) leaves for the author to decide.
PLACEHOLDER = "TODO"
_PLACEHOLDER_HINTS = {
    "summary": "still to write: one or two sentences shown on the course list",
    "pass_mark": "still to decide: the percent needed to pass",
    "scenarios": "still to write: add scenario files (see docs/course-format.md), or write "
                 "scenarios: [] if the course has none",
}


def _report_placeholders(r: _Reader, rel: str, data: Any, path: tuple = ()) -> None:
    """Report each TODO value in course.yaml as still to write, then drop it.

    Dropping it lets the rest of the check treat the key as absent, so each open
    decision is reported once, in words, instead of as a wrong value.
    """
    items = data.items() if isinstance(data, dict) else enumerate(data) if isinstance(data, list) else ()
    for key, value in list(items):
        if value == PLACEHOLDER and isinstance(data, dict):
            owner = {"modules": f" of module {data.get('id')!r} (its knowledge check)",
                     "assessment": " of the final assessment"}.get(path[0] if path else "", "")
            hint = _PLACEHOLDER_HINTS.get(key, "still to write")
            line = data.lines.get(key, data.line) if isinstance(data, yamlfile.LineDict) else 1
            r.add(rel, line, f"{key}{owner}: {hint}")
            del data[key]
        elif isinstance(value, dict | list):
            _report_placeholders(r, rel, value, (*path, key))


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
    _report_placeholders(r, cy, data)

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
    facts, fact_ids = _load_facts(r, cy, data, section_keys if sections else None)

    seen_questions: set[str] = set()

    def load_questions(rel: Any, at: tuple) -> list[dict]:
        if not isinstance(rel, str):
            r.add(*where(*at), "questions must be a file name")
            return []
        items = r.read_yaml(rel, where(*at))
        if items is None:
            return []
        problems = validate_question_list(items, section_keys, seen_ids=seen_questions)
        for index, item in enumerate(items if isinstance(items, list) else []):
            if isinstance(item, dict):
                problems += [p.under(index) for p in validate_question_facts(item, fact_ids)]
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
        modules.append(ModuleSource(key, title, body, [str(k) for k in keys], pass_mark or 0, questions,
                                    file=str(m.get("file", "")), questions_file=str(m.get("questions", ""))))

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
            pass_mark if pass_mark is not None else raw.get("pass_mark", 70), raw, file=ref["file"],
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
    budget = data.get("time_budget")
    if budget is not None and not isinstance(budget, dict):
        r.add(*where("time_budget"), "time_budget must be a mapping with first_pass and refresher minutes")
    elif budget is not None:
        _unknown_keys(r, cy, budget, {"first_pass", "refresher"}, "time_budget")
        for key in ("first_pass", "refresher"):
            _check_int(r, cy, budget, key, 1, None, None)
    settings["certification"] = yamlfile.plain(cert)
    settings["review_on_change"] = _check_bool(r, cy, data, "review_on_change", True)
    settings["review_due_days"] = _check_int(r, cy, data, "review_due_days", 1, None, 30)
    # The learner signs that they read and accept this text of the policy (a requirement).
    settings["acknowledge_policy"] = _check_bool(r, cy, data, "acknowledge_policy", False)

    if r.problems:
        return None, r.problems
    course = CourseSource(
        folder=r.folder, slug=slug, title=data["title"].strip(), summary=summary.strip(),
        policy_title=policy_title, preamble_md=preamble, sections=sections, modules=modules,
        pool=pool, scenarios=scenarios, settings=settings, facts=facts,
        pool_file=str(assessment.get("questions", "")), policy_file=policy_rel,
        time_budget=yamlfile.plain(data.get("time_budget") or {}), raw=data,
    )
    course.content_hash = content_hash(r.files)
    return course, []


def _load_facts(r: _Reader, cy: str, data: dict, section_keys: set[str] | None
                ) -> tuple[list[Fact], set[str]]:
    """The course's facts, and the ids questions may name (bad entries left out).

    ``section_keys`` is None when the policy could not be read: its problems say enough.
    """
    raw = data.get("facts")
    problems = validate_facts(raw, section_keys) if section_keys is not None else []
    r.add_problems(cy, data, [p.under("facts") for p in problems])
    if not isinstance(raw, list):
        return [], set()
    ids = {f["id"] for f in raw if isinstance(f, dict) and isinstance(f.get("id"), str)}
    return (parse_facts(raw) if not problems and section_keys is not None else []), ids


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
