"""Storing course sources as versions.

A course is stored only when it checks clean, its translations included. Its content
hash (the source files only) decides whether a new version is needed, so syncing twice
changes nothing. Translations are stored with the latest version
(``lms.courses.translation_store``): a change to them alone updates that version's
translated text and makes no new version. Markdown is rendered (and sanitised) here,
once, never per request.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from flask import current_app
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from lms import signals
from lms.courses import translation_store
from lms.courses.estimates import stored_estimates
from lms.courses.models import Course, CourseVersion, Module, PolicySection, Question, Scenario
from lms.courses.render import inline_markdown_to_html, markdown_to_html
from lms.courses.services import latest_version
from lms.courses.source import CourseProblem, CourseSource, check_courses
from lms.courses.tree_hash import folder_hashes, unchanged_outcomes
from lms.courses.yamlfile import plain
from lms.db import session
from lms.domain.questions import parse_question, question_to_dict


@dataclass(frozen=True)
class SyncOutcome:
    slug: str
    version: int
    created: bool
    reviews: int = 0  # policy-change review tasks created for certified people
    translations: tuple[str, ...] = ()  # languages whose stored text this sync changed


def _sha(*parts: str) -> str:
    digest = hashlib.sha256()
    for part in parts:
        digest.update(part.encode("utf-8") + b"\0")
    return digest.hexdigest()


def _question_row(raw: dict, position: int, module_key: str | None) -> Question:
    data = question_to_dict(parse_question(plain(raw)))
    data["prompt_html"] = inline_markdown_to_html(data["prompt"])
    data["feedback_html"] = markdown_to_html(data["feedback"])
    return Question(
        key=data["id"],
        module_key=module_key,
        section_key=data["section"],
        position=position,
        data=data,
    )


def _rendered_scenario(raw: dict) -> dict[str, Any]:
    data = plain(raw)
    for node in data["nodes"]:
        node["text_html"] = markdown_to_html(node.get("text", ""))
        if node.get("debrief"):
            node["debrief_html"] = markdown_to_html(node["debrief"])
        for choice in node.get("choices", []):
            choice["feedback_html"] = markdown_to_html(choice.get("feedback", ""))
    return data


def policy_hash(title: str, preamble_html: str, section_hashes: list[str]) -> str:
    """The hash of the policy text a learner acknowledges: its title, preamble and each
    section's hash in order (migration 0012 backfills stored versions the same way)."""
    return _sha(title, preamble_html, *section_hashes)


def build_version(course: Course, number: int, src: CourseSource) -> CourseVersion:
    """A new, unsaved version holding rendered copies of everything in ``src``."""
    section_hash = {s.key: _sha(s.title, s.body_md) for s in src.sections}
    version = CourseVersion(
        course=course,
        number=number,
        content_hash=src.content_hash,
        title=src.title,
        summary=src.summary,
        policy_title=src.policy_title,
        policy_preamble_html=markdown_to_html(src.preamble_md),
        settings=src.settings,
        policy_hash=policy_hash(
            src.policy_title,
            markdown_to_html(src.preamble_md),
            [section_hash[s.key] for s in src.sections],
        ),
        estimates=stored_estimates(src),
    )
    version.sections = [
        PolicySection(
            key=s.key,
            position=i,
            title=s.title,
            body_md=s.body_md,
            body_html=markdown_to_html(s.body_md),
            content_hash=section_hash[s.key],
        )
        for i, s in enumerate(src.sections)
    ]
    version.modules = _module_rows(src, section_hash)
    questions = [_question_row(q, i, m.key) for m in src.modules for i, q in enumerate(m.questions)]
    questions += [_question_row(q, i, None) for i, q in enumerate(src.pool)]
    scenarios = [
        Scenario(
            key=s.key,
            position=i,
            title=s.title,
            summary=s.summary,
            required=s.required,
            pass_mark=s.pass_mark,
            data=_rendered_scenario(s.data),
        )
        for i, s in enumerate(src.scenarios)
    ]
    session.add(version)
    session.flush()
    for row in (*questions, *scenarios):
        row.version_id = version.id
    session.add_all(questions + scenarios)
    return version


def _module_rows(src: CourseSource, section_hash: dict[str, str]) -> list[Module]:
    """The version's modules, each with the hash of the sections it covers."""
    return [
        Module(
            key=m.key,
            position=i,
            title=m.title,
            body_html=markdown_to_html(m.body_md),
            section_keys=m.section_keys,
            pass_mark=m.pass_mark,
            sections_hash=_sha(*(section_hash[k] for k in m.section_keys)),
            content_hash=_sha(m.title, m.body_md, json.dumps(plain(m.questions), sort_keys=True)),
        )
        for i, m in enumerate(src.modules)
    ]


def sync_course(
    src: CourseSource,
    translated: translation_store.Rows | None = None,
    tree_hash: str | None = None,
) -> SyncOutcome:
    """Store ``src`` as a new version unless its content hash matches the latest one, and
    its translations (``translated``: from ``translation_store.prepare``) with the latest.
    ``tree_hash`` (the folder's, from before it was read) is stored on that version."""
    if translated is None:
        translated, _problems = translation_store.prepare(src)
    course = session.scalar(select(Course).where(Course.slug == src.slug))
    if course is None:
        course = Course(slug=src.slug)
        session.add(course)
        session.flush()
    latest = latest_version(course.id)
    if latest is not None and latest.content_hash == src.content_hash:
        # Same source: at most the translations changed, which is no new version.
        if latest.estimates is None:  # stored before estimates existed (migration 0013)
            latest.estimates = stored_estimates(src)
        if tree_hash is not None:
            latest.tree_hash = tree_hash
        languages = translation_store.store(latest.id, translated)
        try:
            session.commit()
        except IntegrityError:
            session.rollback()  # a concurrent sync stored the same rows first
            languages = []
        return SyncOutcome(src.slug, latest.number, created=False, translations=tuple(languages))
    version = build_version(course, (latest.number if latest else 0) + 1, src)
    version.tree_hash = tree_hash
    languages = translation_store.store(version.id, translated)
    try:
        session.commit()
    except IntegrityError:
        # Another sync stored the same version number first: theirs stands.
        session.rollback()
        latest = latest_version(course.id)
        return SyncOutcome(src.slug, latest.number if latest else 0, created=False)
    # Certification (above courses) answers with the review tasks it created.
    answers = signals.course_version_created.send(
        current_app._get_current_object(), version=version
    )
    reviews = sum(n for _receiver, n in answers if type(n) is int)
    return SyncOutcome(
        src.slug, version.number, created=True, reviews=reviews, translations=tuple(languages)
    )


def sync_courses(root: Path) -> tuple[list[SyncOutcome], list[CourseProblem]]:
    """Check every course under ``root`` and its translations; store them only if all of
    them check clean (stale translations are no problem: they are stored, marked stale).

    First every folder is hashed (``lms.courses.tree_hash``): when each is exactly what
    its course's latest version was synced from, nothing is read or checked again."""
    hashes = folder_hashes(root)
    unchanged = unchanged_outcomes(hashes)
    if unchanged is not None:
        session.commit()  # end the read: a sync leaves no transaction open
        return [SyncOutcome(slug, number, created=False) for slug, number in unchanged], []
    courses, problems = check_courses(root)
    prepared = []
    for src in courses:  # each translation file is read once, for its check and its rows
        rows, found = translation_store.prepare(src)
        prepared.append((src, rows))
        problems += found
    if problems:
        return [], problems
    by_folder = {folder.resolve(): tree for folder, tree in hashes.items()}
    return [
        sync_course(src, rows, by_folder.get(Path(src.folder).resolve())) for src, rows in prepared
    ], []
