"""Reading and checking a course folder (see docs/course-format.md).

``load_course(folder)`` returns the course as plain values plus every problem found, each
as ``path:line: message``. Nothing here touches the database: ``sync.py`` stores a
course only when it loaded without problems. The checks of each kind of file are the
domain's (:mod:`lms.domain.checks` and the validators built on it); this module reads
the files, runs the checks and maps each problem to its line.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from lms.courses import yamlfile
from lms.courses.loaded import CourseSource, ModuleSource, ScenarioSource
from lms.courses.policy import SLUG, SectionSource, parse_policy
from lms.courses.reader import (
    CourseProblem,
    Reader,
    content_hash,
    display_path,
    find_course_folders,
)
from lms.domain.certification import validate_rules
from lms.domain.checks import PLAIN, Checks
from lms.domain.course_settings import DEFAULTS
from lms.domain.facts import Fact, parse_facts, validate_facts, validate_question_facts
from lms.domain.problems import Problem
from lms.domain.questions import validate_question_list
from lms.domain.scenarios import best_path_score, parse_scenario, validate_scenario
from lms.domain.scenarios.outcomes import outcome_problems

__all__ = [
    "CourseProblem",
    "CourseSource",
    "ModuleSource",
    "ScenarioSource",
    "SectionSource",
    "check_courses",
    "display_path",
    "find_course_folders",
    "load_course",
    "parse_policy",
]

COURSE_KEYS = sorted(
    {
        "id",
        "title",
        "summary",
        "policy",
        "review_on_change",
        "review_due_days",
        "acknowledge_policy",
        "modules",
        "assessment",
        "scenarios",
        "certification",
        "facts",
        "time_budget",
    }
)
MODULE_KEYS = sorted({"id", "title", "file", "sections", "questions", "pass_mark"})
ASSESSMENT_KEYS = sorted(
    {"questions", "draw", "pass_mark", "max_attempts", "cooldown_minutes", "reveal_answers"}
)
SCENARIO_REF_KEYS = sorted({"file", "required", "pass_mark"})
TIME_BUDGET_KEYS = ["first_pass", "refresher"]


# A value a scaffold (``flask lms new-course``) leaves for the author to decide.
PLACEHOLDER = "TODO"
_PLACEHOLDER_HINTS = {
    "summary": "still to write: one or two sentences shown on the course list",
    "pass_mark": "still to decide: the percent needed to pass",
    "scenarios": "still to write: add scenario files (see docs/course-format.md), or write "
    "scenarios: [] if the course has none",
}


def _report_placeholders(r: Reader, rel: str, data: Any, path: tuple = ()) -> None:
    """Report each TODO value in course.yaml as still to write, then drop it.

    Dropping it lets the rest of the check treat the key as absent, so each open
    decision is reported once, in words, instead of as a wrong value.
    """
    items = (
        data.items()
        if isinstance(data, dict)
        else enumerate(data)
        if isinstance(data, list)
        else ()
    )
    for key, value in list(items):
        if value == PLACEHOLDER and isinstance(data, dict):
            owner = {
                "modules": f" of module {data.get('id')!r} (its knowledge check)",
                "assessment": " of the final assessment",
            }.get(path[0] if path else "", "")
            hint = _PLACEHOLDER_HINTS.get(key, "still to write")
            line = data.lines.get(key, data.line) if isinstance(data, yamlfile.LineDict) else 1
            r.add(rel, line, f"{key}{owner}: {hint}")
            del data[key]
        elif isinstance(value, dict | list):
            _report_placeholders(r, rel, value, (*path, key))


COURSE_YAML = "course.yaml"


@dataclass
class _CourseYaml:
    """``course.yaml`` being checked: problems found in it are located by their path."""

    r: Reader
    data: Any
    checks: Checks = field(default_factory=lambda: Checks(PLAIN))
    seen_questions: set[str] = field(default_factory=set)

    def where(self, *path: Any) -> tuple[str, int]:
        """The file and line a value of ``course.yaml`` was written on."""
        return COURSE_YAML, yamlfile.line_of(self.data, path)

    def add(self, path: tuple, message: str) -> None:
        self.r.add(*self.where(*path), message)

    def flush(self) -> None:
        """Report the problems the domain checks found so far, each at its line."""
        self.r.add_problems(COURSE_YAML, self.data, self.checks.problems)
        self.checks.problems.clear()


def load_course(folder: Path) -> tuple[CourseSource | None, list[CourseProblem]]:
    """Read and check one course folder; the course is None when anything is wrong."""
    r = Reader(Path(folder))
    data = r.read_yaml(COURSE_YAML, (COURSE_YAML, 1))
    if data is None:
        return None, r.problems
    if not isinstance(data, dict):
        r.add(COURSE_YAML, 1, "course.yaml must be a mapping (key: value)")
        return None, r.problems
    c = _CourseYaml(r, data)
    c.checks.unknown_keys(data, COURSE_KEYS, where=" in course.yaml")
    c.flush()
    _report_placeholders(r, COURSE_YAML, data)
    slug, title, summary = _load_header(c)
    policy_rel, policy_title, preamble, sections = _load_policy(c)
    section_keys = {s.key for s in sections}
    facts, fact_ids = _load_facts(r, COURSE_YAML, data, section_keys if sections else None)
    modules = _load_modules(c, sections, fact_ids)
    pool, assessment = _load_assessment(c, section_keys, fact_ids)
    scenarios = _load_scenarios(c, section_keys)
    cert = _load_certification(c, scenarios, assessment["draw"])
    _check_time_budget(c)
    settings = {
        "assessment": assessment,
        "certification": yamlfile.plain(cert),
        "review_on_change": c.checks.boolean(
            data, "review_on_change", default=DEFAULTS.review_on_change
        ),
        "review_due_days": c.checks.integer(
            data, "review_due_days", low=1, default=DEFAULTS.review_due_days
        ),
        # The learner signs that they read and accept this text of the policy (a step).
        "acknowledge_policy": c.checks.boolean(
            data, "acknowledge_policy", default=DEFAULTS.acknowledge_policy
        ),
    }
    c.flush()
    if r.problems:
        return None, r.problems
    course = CourseSource(
        folder=r.folder,
        slug=slug,
        title=title.strip(),
        summary=summary.strip(),
        policy_title=policy_title,
        preamble_md=preamble,
        sections=sections,
        modules=modules,
        pool=pool,
        scenarios=scenarios,
        settings=settings,
        facts=facts,
        pool_file=str(data["assessment"].get("questions", "")),
        policy_file=policy_rel,
        time_budget=yamlfile.plain(data.get("time_budget") or {}),
        raw=data,
    )
    course.content_hash = content_hash(r.files)
    return course, []


def _load_header(c: _CourseYaml) -> tuple[str, str, str]:
    """The course's id, title and summary."""
    slug = c.data.get("id")
    if not isinstance(slug, str) or not SLUG.match(slug):
        c.add(("id",), f"id must be a slug of lower-case letters, digits and dashes, got {slug!r}")
    title = c.data.get("title")
    if not isinstance(title, str) or not title.strip():
        c.add(("title",), "title is required")
    summary = c.data.get("summary", "")
    if not isinstance(summary, str):
        c.add(("summary",), "summary must be text")
        summary = ""
    return slug, title, summary  # type: ignore[return-value]  # only used when valid


def _load_policy(c: _CourseYaml) -> tuple[Any, str, str, list[SectionSource]]:
    """The policy file's name, title, preamble and sections (empty when unreadable)."""
    policy_rel = c.data.get("policy", "policy.md")
    if not isinstance(policy_rel, str):
        c.add(("policy",), "policy must be a file name")
        return policy_rel, "", "", []
    text = c.r.read_text(policy_rel, c.where("policy"))
    if text is None:
        return policy_rel, "", "", []
    policy_title, preamble, sections, policy_problems = parse_policy(text)
    for line, message in policy_problems:
        c.r.add(policy_rel, line, message)
    return policy_rel, policy_title, preamble, sections


def _load_questions(
    c: _CourseYaml, rel: Any, at: tuple, section_keys: set[str], fact_ids: set[str]
) -> list[dict]:
    """One question file named at ``at`` in course.yaml; ids are unique course-wide."""
    if not isinstance(rel, str):
        c.add(at, "questions must be a file name")
        return []
    items = c.r.read_yaml(rel, c.where(*at))
    if items is None:
        return []
    problems = validate_question_list(items, section_keys, seen_ids=c.seen_questions)
    for index, item in enumerate(items if isinstance(items, list) else []):
        if isinstance(item, dict):
            problems += [p.under(index) for p in validate_question_facts(item, fact_ids)]
    c.r.add_problems(rel, items, problems)
    return items if isinstance(items, list) else []


def _load_modules(
    c: _CourseYaml, sections: list[SectionSource], fact_ids: set[str]
) -> list[ModuleSource]:
    """Every module: its lesson file, the sections it teaches and its knowledge check."""
    raw_modules = c.data.get("modules")
    if not isinstance(raw_modules, list) or not raw_modules:
        c.add(("modules",), "modules must be a non-empty list")
        return []
    section_keys = {s.key for s in sections}
    modules: list[ModuleSource] = []
    first_line: dict[str, int] = {}
    for i, m in enumerate(raw_modules):
        at = ("modules", i)
        if not isinstance(m, dict):
            c.add(at, "a module must be a mapping with id, title, file, sections, questions")
            continue
        c.checks.unknown_keys(m, MODULE_KEYS, at, where=" in a module")
        key = m.get("id")
        if not isinstance(key, str) or not SLUG.match(key):
            c.add((*at, "id"), f"module id must be a slug, got {key!r}")
            key = f"__module{i}"
        elif key in first_line:
            c.add((*at, "id"), f"duplicate module id {key!r} (first on line {first_line[key]})")
        first_line.setdefault(key, c.where(*at, "id")[1])
        title = m.get("title")
        if not isinstance(title, str) or not title.strip():
            c.add(at, f"module {key!r} has no title")
            title = key
        body = ""
        if not isinstance(m.get("file"), str):
            c.add(at, f"module {key!r} has no file")
        else:
            body = c.r.read_text(m["file"], c.where(*at, "file")) or ""
        keys = m.get("sections")
        if not isinstance(keys, list) or not keys:
            c.add(at, f"module {key!r} must list the policy sections it teaches")
            keys = []
        for j, k in enumerate(keys):
            if sections and k not in section_keys:
                c.add((*at, "sections", j), f"unknown policy section {k!r}")
        pass_mark = c.checks.integer(m, "pass_mark", at, low=0, high=100, default=80)
        c.flush()
        if "questions" in m:
            questions = _load_questions(c, m["questions"], at, section_keys, fact_ids)
        else:
            c.add(at, f"module {key!r} has no knowledge check (questions:)")
            questions = []
        modules.append(
            ModuleSource(
                key,
                title,
                body,
                [str(k) for k in keys],
                pass_mark or 0,
                questions,
                file=str(m.get("file", "")),
                questions_file=str(m.get("questions", "")),
            )
        )
    return modules


def _load_assessment(
    c: _CourseYaml, section_keys: set[str], fact_ids: set[str]
) -> tuple[list[dict], dict[str, Any]]:
    """The final assessment's question pool and its settings."""
    assessment = c.data.get("assessment")
    pool: list[dict] = []
    at = ("assessment",)
    if not isinstance(assessment, dict):
        c.add(at, "assessment must be a mapping with at least questions:")
        assessment = yamlfile.LineDict()
    else:
        c.checks.unknown_keys(assessment, ASSESSMENT_KEYS, at, where=" in assessment")
        c.flush()
        pool = _load_questions(
            c, assessment.get("questions"), (*at, "questions"), section_keys, fact_ids
        )
    checks, a, d = c.checks, assessment, DEFAULTS.assessment
    draw = checks.integer(a, "draw", at, low=1, default=d.draw)
    if pool and draw and draw > len(pool):
        checks.add((*at, "draw"), f"draw is {draw} but the pool has only {len(pool)} questions")
    settings = {
        "draw": draw,
        "pass_mark": checks.integer(a, "pass_mark", at, low=0, high=100, default=d.pass_mark),
        "max_attempts": checks.integer(a, "max_attempts", at, low=1, default=d.max_attempts),
        "cooldown_minutes": checks.integer(
            a, "cooldown_minutes", at, low=0, default=d.cooldown_minutes
        ),
        "reveal_answers": checks.boolean(a, "reveal_answers", at, default=d.reveal_answers),
    }
    c.flush()
    return pool, settings


def _load_scenarios(c: _CourseYaml, section_keys: set[str]) -> list[ScenarioSource]:
    """Every scenario file listed in course.yaml, checked, with the course's settings."""
    raw_scenarios = c.data.get("scenarios") or []
    if not isinstance(raw_scenarios, list):
        c.add(("scenarios",), "scenarios must be a list")
        return []
    scenarios: list[ScenarioSource] = []
    for i, ref in enumerate(raw_scenarios):
        at = ("scenarios", i)
        if not isinstance(ref, dict) or not isinstance(ref.get("file"), str):
            c.add(at, "a scenario entry needs file:")
            continue
        c.checks.unknown_keys(ref, SCENARIO_REF_KEYS, at, where=" in a scenario entry")
        c.flush()
        raw = c.r.read_yaml(ref["file"], c.where(*at, "file"))
        if raw is None:
            continue
        found = validate_scenario(raw, section_keys)
        c.r.add_problems(ref["file"], raw, found)
        if found or not isinstance(raw, dict):
            continue
        key = raw["id"]
        if any(s.key == key for s in scenarios):
            c.r.add(ref["file"], yamlfile.line_of(raw, ("id",)), f"duplicate scenario id {key!r}")
            continue
        required = c.checks.boolean(ref, "required", at, default=True)
        pass_mark = c.checks.integer(ref, "pass_mark", at, low=0, high=100)
        c.flush()
        if pass_mark is not None and pass_mark != raw.get("pass_mark"):
            _check_scenario_mark(c.r, ref["file"], raw, pass_mark, c.where(*at, "pass_mark"))
        scenarios.append(
            ScenarioSource(
                key,
                raw["title"],
                raw.get("summary", ""),
                bool(required),
                pass_mark if pass_mark is not None else raw.get("pass_mark", 70),
                raw,
                file=ref["file"],
            )
        )
    return scenarios


def _load_certification(c: _CourseYaml, scenarios: list[ScenarioSource], draw: int | None) -> dict:
    """The certification block, checked, and its references to the rest of the course."""
    cert = c.data.get("certification", yamlfile.LineDict())
    if not isinstance(cert, dict):
        c.add(("certification",), "certification must be a mapping")
        return yamlfile.LineDict()
    c.checks.extend(validate_rules(cert), "certification")
    c.flush()
    refresher = cert.get("refresher") or {}
    if isinstance(refresher, dict):
        at = ("certification", "refresher")
        scenario_ref = refresher.get("scenario")
        if (
            scenario_ref is not None
            and scenarios
            and scenario_ref not in {s.key for s in scenarios}
        ):
            c.add((*at, "scenario"), f"unknown scenario {scenario_ref!r}")
        r_draw = refresher.get("draw")
        if isinstance(r_draw, int) and draw and r_draw >= draw:
            c.add(
                (*at, "draw"),
                f"the refresher draws {r_draw} questions; it must draw fewer "
                f"than the assessment ({draw})",
            )
    return cert


def _check_time_budget(c: _CourseYaml) -> None:
    """``time_budget``: the minutes a first pass and a refresher should take."""
    budget = c.data.get("time_budget")
    if budget is None:
        return
    if not isinstance(budget, dict):
        c.add(
            ("time_budget",), "time_budget must be a mapping with first_pass and refresher minutes"
        )
        return
    at = ("time_budget",)
    c.checks.unknown_keys(budget, TIME_BUDGET_KEYS, at, where=" in time_budget")
    for key in TIME_BUDGET_KEYS:
        c.checks.integer(budget, key, at, low=1)
    c.flush()


def _load_facts(
    r: Reader, cy: str, data: dict, section_keys: set[str] | None
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


def _check_scenario_mark(r: Reader, rel: str, raw: Any, mark: int, at: tuple[str, int]) -> None:
    """The checks that depend on the pass mark, again with the mark course.yaml sets."""
    scenario = parse_scenario(raw)
    best = best_path_score(scenario)
    if best < mark:
        r.add(
            *at,
            f"pass_mark {mark} cannot be reached in {scenario.id!r}: the best run scores {best}",
        )
        return
    r.add_problems(
        rel,
        raw,
        [
            Problem(p.path, f"{p.message} (with the pass mark {mark} set in course.yaml)")
            for p in outcome_problems(scenario, mark)
        ],
    )


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
            problems.append(
                CourseProblem(
                    os.path.relpath(folder / "course.yaml"),
                    1,
                    f"course id {course.slug!r} is also used by {seen[course.slug]}",
                )
            )
            continue
        seen[course.slug] = folder
        courses.append(course)
    return courses, problems
