"""The plain values a course folder is read into, ready to be synced (see ``source.py``)."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from lms.courses.policy import SectionSource
from lms.domain.facts import Fact


@dataclass
class ModuleSource:
    key: str
    title: str
    body_md: str
    section_keys: list[str]
    pass_mark: int
    questions: list[dict]
    file: str = ""  # the lesson and the check, relative to the course folder
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
