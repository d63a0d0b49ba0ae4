"""Storing a course's translations with its version, at sync (docs/translations.md).

Every language under ``translations/`` becomes one ``ItemTranslation`` row per item it
translates, holding the item's text with the source's fields where the translation has
none, and its Markdown rendered and sanitised here, once, as the source's is. An item
whose source changed since it was stamped is stored all the same, marked ``stale``.

Translations are no part of a version's content hash: a sync that changes only them
replaces the rows of the latest version (``store``) and creates no version, so nobody's
progress, attempts or certificates move.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy import delete, select

from lms.courses import translations as files
from lms.courses.models import ItemTranslation
from lms.courses.render import inline_markdown_to_html, markdown_to_html
from lms.courses.source import CourseProblem, CourseSource
from lms.courses.yamlfile import plain
from lms.db import session
from lms.domain import translations as tr
from lms.domain.questions import parse_question

RowKey = tuple[str, str, str]  # (language, kind, key)


def _strip(value: Any) -> Any:
    return value.strip() if isinstance(value, str) else value


def _question_text(raw: Mapping, text: Mapping[str, Any]) -> dict[str, Any]:
    """A question's stored text, keyed the way an attempt's snapshot names things: choices
    by id (``c1``...), pairs by id (``p1``...) and matching options by their source text
    (a snapshot's options are the source texts; they stay the answer tokens' values)."""
    question = parse_question(plain(raw))
    prompt, feedback = _strip(text.get("prompt", "")), _strip(text.get("feedback", ""))
    out: dict[str, Any] = {
        "prompt": prompt,
        "prompt_html": inline_markdown_to_html(prompt),
        "feedback": feedback,
        "feedback_html": markdown_to_html(feedback),
    }
    if question.choices:
        out["choices"] = {
            c.id: {
                "text": _strip(t.get("text")) or c.text,
                "feedback": _strip(t.get("feedback")) or c.feedback,
            }
            for c, t in zip(question.choices, text.get("choices", []), strict=False)
        }
    if question.pairs:
        given = text.get("pairs", [])
        out["pairs"] = {
            p.id: {
                "left": _strip(t.get("left")) or p.left,
                "right": _strip(t.get("right")) or p.right,
            }
            for p, t in zip(question.pairs, given, strict=False)
        }
        options = {
            p.right: out["pairs"][p.id]["right"] for p in question.pairs if p.id in out["pairs"]
        }
        for source, translated in zip(
            question.distractors, text.get("distractors", []), strict=False
        ):
            options[source] = _strip(translated) or source
        out["options"] = options
    return out


def _node_text(text: Mapping[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {
        "text": text.get("text", ""),
        "text_html": markdown_to_html(text.get("text", "")),
    }
    if text.get("debrief"):
        out["debrief_html"] = markdown_to_html(text["debrief"])
    out["choices"] = [
        {
            "text": _strip(c.get("text", "")),
            "feedback_html": markdown_to_html(c.get("feedback", "")),
        }
        for c in text.get("choices", [])
    ]
    return out


def _rendered(kind: str, text: Mapping[str, Any], raw: Mapping | None) -> dict[str, Any]:
    """The stored form of one item's merged text (HTML rendered as the source's is)."""
    if kind in ("section", "preamble"):
        return {
            "title": text.get("title", ""),
            "body": text.get("body", ""),
            "body_html": markdown_to_html(text.get("body", "")),
        }
    if kind == "lesson":
        return {"body_html": markdown_to_html(text.get("body", ""))}
    if kind == "question" and raw is not None:
        return _question_text(raw, text)
    if kind == "node":
        return _node_text(text)
    return {k: _strip(v) for k, v in text.items()}


def _raw_questions(src: CourseSource) -> dict[str, Mapping]:
    return {q["id"]: q for q in [*(q for m in src.modules for q in m.questions), *src.pool]}


Rows = dict[RowKey, tuple[dict[str, Any], str | None, bool]]


def prepare(src: CourseSource) -> tuple[Rows, list[CourseProblem]]:
    """Every language of ``src`` read and checked once: the rows to store, (language,
    kind, key) -> (stored text, the hash it was translated from, stale), and the errors
    (structure, unknown ids, shapes; staleness is none). A course is synced only when
    there are no errors, as check-courses requires."""
    sources = {(s.kind, s.key): s for s in files.source_items(src)}
    raw_questions = _raw_questions(src)
    rows: Rows = {}
    problems: list[CourseProblem] = []
    for language in files.languages(src):
        translation, _reports = files.check_translation(src, language)
        problems += translation.problems
        for (kind, key), item in translation.items.items():
            source = sources.get((kind, key))
            if source is None:
                continue  # an unknown id: reported above
            text = _rendered(
                kind,
                tr.merged(source, item),
                raw_questions.get(key) if kind == "question" else None,
            )
            rows[(language, kind, key)] = (
                text,
                item.source_hash,
                tr.status_of(source, item) == "stale",
            )
    return rows, problems


def store(version_id: int, wanted: Rows) -> list[str]:
    """Make the stored translations of version ``version_id`` the rows ``wanted`` (from
    :func:`prepare`, in the caller's transaction); returns the languages whose stored
    text changed."""
    existing = {
        (r.language, r.kind, r.key): r
        for r in session.scalars(
            select(ItemTranslation).where(ItemTranslation.version_id == version_id)
        )
    }
    changed: set[str] = set()
    gone = [r.id for k, r in existing.items() if k not in wanted]
    if gone:
        session.execute(
            delete(ItemTranslation)
            .where(ItemTranslation.id.in_(gone))
            .execution_options(synchronize_session=False)
        )
        changed |= {k[0] for k in existing if k not in wanted}
    for (language, kind, key), (text, source_hash, stale) in wanted.items():
        row = existing.get((language, kind, key))
        if row is None:
            session.add(
                ItemTranslation(
                    version_id=version_id,
                    language=language,
                    kind=kind,
                    key=key,
                    text=text,
                    source_hash=source_hash,
                    stale=stale,
                )
            )
            changed.add(language)
        elif (row.text, row.source_hash, row.stale) != (text, source_hash, stale):
            row.text, row.source_hash, row.stale = text, source_hash, stale
            changed.add(language)
    return sorted(changed)
