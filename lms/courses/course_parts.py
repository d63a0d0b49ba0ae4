"""The parts ``course.yaml`` names, each read and checked: question files, modules, the
final assessment, scenarios, the certification rules, the time budget and the facts.

Each reports its problems at their lines (``CourseYaml``) and returns plain values for
``lms.courses.source.load_course`` to assemble.
"""

from __future__ import annotations

from typing import Any

from lms.courses import yamlfile
from lms.courses.course_yaml import (
    ASSESSMENT_KEYS,
    MODULE_KEYS,
    SCENARIO_REF_KEYS,
    TIME_BUDGET_KEYS,
    CourseYaml,
)
from lms.courses.loaded import ModuleSource, ScenarioSource
from lms.courses.policy import SLUG, SectionSource
from lms.courses.reader import (
    Reader,
)
from lms.domain.certification import validate_rules
from lms.domain.course_settings import DEFAULTS
from lms.domain.facts import Fact, parse_facts, validate_facts, validate_question_facts
from lms.domain.problems import Problem
from lms.domain.questions import validate_question_list
from lms.domain.scenarios import best_path_score, parse_scenario, validate_scenario
from lms.domain.scenarios.outcomes import outcome_problems


def load_questions(
    c: CourseYaml, rel: Any, at: tuple, section_keys: set[str], fact_ids: set[str]
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


def load_modules(
    c: CourseYaml, sections: list[SectionSource], fact_ids: set[str]
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
            questions = load_questions(c, m["questions"], at, section_keys, fact_ids)
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


def load_assessment(
    c: CourseYaml, section_keys: set[str], fact_ids: set[str]
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
        pool = load_questions(
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


def load_scenarios(c: CourseYaml, section_keys: set[str]) -> list[ScenarioSource]:
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
            check_scenario_mark(c.r, ref["file"], raw, pass_mark, c.where(*at, "pass_mark"))
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


def load_certification(c: CourseYaml, scenarios: list[ScenarioSource], draw: int | None) -> dict:
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


def check_time_budget(c: CourseYaml) -> None:
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


def load_facts(
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


def check_scenario_mark(r: Reader, rel: str, raw: Any, mark: int, at: tuple[str, int]) -> None:
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
