"""Reading and checking a course folder (see docs/course-format.md).

``load_course(folder)`` returns the course as plain values plus every problem found, each
as ``path:line: message``. Nothing here touches the database: ``sync.py`` stores a
course only when it loaded without problems. The checks of each kind of file are the
domain's (:mod:`lms.domain.checks` and the validators built on it); this module reads
the files, runs the checks and maps each problem to its line.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from lms.courses import yamlfile
from lms.courses.course_parts import (
    check_time_budget,
    load_assessment,
    load_certification,
    load_facts,
    load_modules,
    load_scenarios,
)
from lms.courses.course_yaml import COURSE_KEYS, COURSE_YAML, CourseYaml, report_placeholders
from lms.courses.loaded import CourseSource, ModuleSource, ScenarioSource
from lms.courses.policy import SLUG, SectionSource, parse_policy
from lms.courses.reader import (
    CourseProblem,
    Reader,
    content_hash,
    display_path,
    find_course_folders,
)
from lms.domain.course_settings import DEFAULTS

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


def load_course(folder: Path) -> tuple[CourseSource | None, list[CourseProblem]]:
    """Read and check one course folder; the course is None when anything is wrong."""
    r = Reader(Path(folder))
    data = r.read_yaml(COURSE_YAML, (COURSE_YAML, 1))
    if data is None:
        return None, r.problems
    if not isinstance(data, dict):
        r.add(COURSE_YAML, 1, "course.yaml must be a mapping (key: value)")
        return None, r.problems
    c = CourseYaml(r, data)
    c.checks.unknown_keys(data, COURSE_KEYS, where=" in course.yaml")
    c.flush()
    report_placeholders(r, COURSE_YAML, data)
    slug, title, summary = _load_header(c)
    policy_rel, policy_title, preamble, sections = _load_policy(c)
    section_keys = {s.key for s in sections}
    facts, fact_ids = load_facts(r, COURSE_YAML, data, section_keys if sections else None)
    modules = load_modules(c, sections, fact_ids)
    pool, assessment = load_assessment(c, section_keys, fact_ids)
    scenarios = load_scenarios(c, section_keys)
    cert = load_certification(c, scenarios, assessment["draw"])
    check_time_budget(c)
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


def _load_header(c: CourseYaml) -> tuple[str, str, str]:
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


def _load_policy(c: CourseYaml) -> tuple[Any, str, str, list[SectionSource]]:
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
