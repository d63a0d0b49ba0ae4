"""A course in the learner's language: the overlay learner pages render through.

A page asks :func:`load` once for the translated items it shows (one query, whatever it
shows), then passes its values through the returned :class:`Texts`: a version, a module,
a policy section, a scenario row, an attempt's questions, a progress summary. Each comes
back as the same value with its text replaced where the language has a translation,
item by item, and the source's text everywhere else. Ids, tokens, scores and answers are
never touched, so grading and progress do not depend on the language.

The language is the page's (``lms.i18n``: the person's choice, ``Accept-Language``, a
forced locale for an e-mail or a certificate), matched to a translation folder exactly
(``pt-BR``) or by its base language (``pt``). ``LMS_STALE_TRANSLATIONS`` says what a
stale item (its source changed since it was translated) shows: ``show`` (the default:
the translation, with a small note that it may be out of date) or ``source``.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from flask import current_app
from markupsafe import escape
from sqlalchemy import and_, or_, select

from lms import i18n
from lms.courses.models import ItemTranslation
from lms.db import session
from lms.domain import localize

STALE_SETTING = "LMS_STALE_TRANSLATIONS"
STALE_CHOICES = ("show", "source")

#: What a page wants: (version id, kind, keys or None for every item of that kind).
Want = tuple[int, str, Collection[str] | None]


def languages() -> list[str]:
    """The translation folders that fit the current locale, best first (``pt-BR``, ``pt``)."""
    code = i18n.html_lang()
    base = code.split("-")[0]
    return [code] if base == code else [code, base]


class Localized:
    """A row as a page shows it in another language: the given attributes replaced, every
    other read passed through to the row. For templates only, never for the database."""

    def __init__(self, row: Any, **text: Any):
        self.__dict__.update(text)
        self.__dict__["_row"] = row

    def __getattr__(self, name: str) -> Any:
        return getattr(self.__dict__["_row"], name)

    def __repr__(self) -> str:
        return f"<Localized {self.__dict__['_row']!r}>"


class InEveryLanguage:
    """A text known in several languages, written out in the language being rendered:
    an e-mail's course title, rendered later in its recipient's language."""

    def __init__(self, source: str, by_language: Mapping[str, str]):
        self.source, self.by_language = source, dict(by_language)

    def __str__(self) -> str:
        return next(
            (self.by_language[c] for c in languages() if c in self.by_language), self.source
        )

    def __html__(self) -> str:
        return str(escape(str(self)))


@dataclass
class Texts:
    """The translated items one page shows, by (version id, kind, key)."""

    items: dict[tuple[int, str, str], dict[str, Any]] = field(default_factory=dict)
    words: dict[str, str] = field(default_factory=dict)  # the true/false choices
    stale: set[tuple[int, str, str]] = field(default_factory=set)

    def fresh(self, version_id: int, kind: str, key: str) -> dict[str, Any] | None:
        """The item's text only when it translates the version's current source."""
        where = (version_id, kind, key)
        return None if where in self.stale else self.items.get(where)

    def get(self, version_id: int, kind: str, key: str) -> dict[str, Any] | None:
        return self.items.get((version_id, kind, key))

    def _field(self, version_id: int, kind: str, key: str, name: str, default: Any) -> Any:
        text = self.get(version_id, kind, key)
        return text.get(name) or default if text else default

    def title(self, version_id: int, source: str) -> str:
        """The course's title in the page's language (``source`` without a translation)."""
        return self._field(version_id, "course", "course", "title", source)

    def version(self, version):
        """A course version with its title, summary, policy title and preamble translated."""
        if version is None:
            return None
        course = self.get(version.id, "course", "course") or {}
        preamble = self.get(version.id, "preamble", "policy") or {}
        if not course and not preamble:
            return version
        return Localized(
            version,
            title=course.get("title") or version.title,
            summary=course.get("summary") or version.summary,
            policy_title=preamble.get("title") or version.policy_title,
            policy_preamble_html=preamble.get("body_html") or version.policy_preamble_html,
        )

    def module(self, module):
        """A module with its title and lesson translated."""
        if module is None:
            return None
        title = self._field(module.version_id, "module", module.key, "title", module.title)
        body = self._field(module.version_id, "lesson", module.key, "body_html", module.body_html)
        if title is module.title and body is module.body_html:
            return module
        return Localized(module, title=title, body_html=body)

    def section(self, section):
        """A policy section with its title and text translated."""
        text = self.get(section.version_id, "section", section.key)
        if not text:
            return section
        return Localized(
            section,
            title=text.get("title") or section.title,
            body_html=text.get("body_html") or section.body_html,
            body_md=text.get("body") or section.body_md,
        )

    def sections(self, sections: Iterable) -> list:
        return [self.section(s) for s in sections]

    def section_titles(self, version_id: int, titles: Mapping[str, str]) -> dict[str, str]:
        """``{section key: title}`` with the titles translated."""
        return {k: self._field(version_id, "section", k, "title", t) for k, t in titles.items()}

    def progress(self, version_id: int, progress):
        """A ``CourseProgress`` whose module and scenario titles are translated."""
        if not self.items:
            return progress  # the page is in the source language, or nothing is translated
        modules = tuple(
            (
                dataclasses.replace(
                    m, title=self._field(version_id, "module", m.key, "title", m.title)
                ),
                state,
            )
            for m, state in progress.modules
        )
        scenarios = tuple(
            dataclasses.replace(
                s, title=self._field(version_id, "scenario", s.key, "title", s.title)
            )
            for s in progress.scenarios
        )
        return dataclasses.replace(progress, modules=modules, scenarios=scenarios)

    def questions(self, version_id: int, shown: Iterable[Mapping]) -> list[dict]:
        """An attempt's shown questions (with answers, for a result page) translated."""
        return [
            localize.shown_question(q, self.get(version_id, "question", q["id"]), self.words)
            for q in shown
        ]

    def page_questions(
        self, version_id: int, shown: list[Mapping], page: list[Mapping]
    ) -> list[dict]:
        """``lms.quizzes.tokens.page_questions`` of ``shown``, translated (same tokens)."""
        return [
            localize.page_question(q, p, self.get(version_id, "question", q["id"]), self.words)
            for q, p in zip(shown, page, strict=True)
        ]

    def attempt(self, attempt):
        """An attempt whose ``questions`` (for its feedback) are translated."""
        if attempt is None:
            return None
        return Localized(attempt, questions=self.questions(attempt.version_id, attempt.questions))

    def scenario(self, row):
        """A scenario row with its title, summary and nodes translated (``data`` too, so
        ``lms.scenarios.services`` page helpers read translated nodes from it)."""
        text = self.get(row.version_id, "scenario", row.key) or {}
        nodes = {
            n["id"]: self.get(row.version_id, "node", f"{row.key}/{n['id']}")
            for n in row.data.get("nodes", [])
        }
        if not text and not any(nodes.values()):
            return row
        return Localized(
            row,
            title=text.get("title") or row.title,
            summary=text.get("summary") or row.summary,
            data=localize.scenario_data(row.data, nodes),
        )


def stale_setting() -> str:
    value = current_app.config.get(STALE_SETTING, "show")
    if value not in STALE_CHOICES:
        raise RuntimeError(
            f"{STALE_SETTING} must be one of {', '.join(STALE_CHOICES)}, got {value!r}"
        )
    return value


def _words() -> dict[str, str]:
    return {"true": i18n.gettext("True"), "false": i18n.gettext("False")}


def load(wants: Iterable[Want]) -> Texts:
    """The translated items ``wants`` names, in the current language, in one query (none
    when nothing is wanted). Items are merged with the source at sync, so a row is the
    item's whole text; an item without a row is shown in the source."""
    wants = [
        (v, kind, None if keys is None else list(keys)) for v, kind, keys in wants if v is not None
    ]
    wants = [w for w in wants if w[2] is None or w[2]]
    texts = Texts(words=_words())
    candidates = languages()
    source = current_app.config.get("LMS_COURSE_SOURCE_LANGUAGE", "en")
    if not wants or candidates[-1] == source.split("-")[0]:
        return texts  # nothing wanted, or the page is in the sources' own language
    stmt = select(
        ItemTranslation.version_id,
        ItemTranslation.language,
        ItemTranslation.kind,
        ItemTranslation.key,
        ItemTranslation.text,
        ItemTranslation.stale,
    ).where(
        ItemTranslation.language.in_(candidates),
        or_(
            *(
                and_(
                    ItemTranslation.version_id == v,
                    ItemTranslation.kind == kind,
                    *(() if keys is None else (ItemTranslation.key.in_(keys),)),
                )
                for v, kind, keys in wants
            )
        ),
    )
    show_stale = stale_setting() == "show"
    if not show_stale:
        stmt = stmt.where(ItemTranslation.stale.is_(False))
    note = str(escape(i18n.gettext("Translation may be out of date.")))
    best: dict[tuple[int, str, str], int] = {}
    for version_id, language, kind, key, text, stale in session.execute(stmt):
        where, rank = (version_id, kind, key), candidates.index(language)
        if where in best and best[where] <= rank:
            continue  # an exact match (pt-BR) wins over the base language (pt)
        best[where] = rank
        texts.items[where] = localize.with_note(kind, text, note) if stale else dict(text)
        if stale:
            texts.stale.add(where)
        else:
            texts.stale.discard(where)
    return texts


def course_titles(version_ids: Collection[int]) -> dict[int, dict[str, str]]:
    """Every language's title of each version (one query): for e-mails, which are
    rendered later in each recipient's language (:class:`InEveryLanguage`)."""
    out: dict[int, dict[str, str]] = {v: {} for v in version_ids}
    if not version_ids:
        return out
    stmt = select(ItemTranslation.version_id, ItemTranslation.language, ItemTranslation.text).where(
        ItemTranslation.version_id.in_(list(version_ids)), ItemTranslation.kind == "course"
    )
    if stale_setting() == "source":
        stmt = stmt.where(ItemTranslation.stale.is_(False))
    for version_id, language, text in session.execute(stmt):
        if text.get("title"):
            out[version_id][language] = text["title"]
    return out


def title_in_every_language(
    version_id: int | None, source: str, titles: Mapping[int, Mapping[str, str]] | None = None
) -> InEveryLanguage:
    """A version's course title for an e-mail (``titles`` from :func:`course_titles`, or
    one query for this version)."""
    if version_id is None:
        return InEveryLanguage(source, {})
    titles = titles if titles is not None else course_titles([version_id])
    return InEveryLanguage(source, titles.get(version_id, {}))
