"""Every string a person reads goes through the catalogue: every page of every role, rendered
under the pseudo-locale (every message of the template as ⟦…⟧), shows no text outside the
markers except data (people, course content, codes, numbers and dates).

A text the check finds is a string a template or a view shows without ``_()``; mark it and
translate it (``make messages``, then every catalogue).
"""

from __future__ import annotations

import re
from datetime import date, timedelta
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from babel import Locale
from sqlalchemy import select, update

from lms.accounts.models import Person
from lms.certification import services as certification
from lms.courses.yamlfile import load, plain
from lms.db import session
from tests.conftest import FIXTURE_COURSES, csrf_from, login
from tests.i18n.conftest import PSEUDO
from tests.i18n.test_every_language import ADMIN_PAGES, LEARNER_PAGES

#: Attributes people read (or hear): tooltips, accessible names, hints, stacked-table labels.
READ_ATTRIBUTES = ("title", "aria-label", "placeholder", "alt", "data-label")
BUTTON_INPUTS = ("submit", "button", "reset")
#: Not read as words: scripts and styles, and machine text (codes kept beside their words).
SKIPPED_ELEMENTS = ("script", "style", "template", "code", "kbd", "samp")
VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source"}
MARKED = re.compile(r"⟦[^⟦⟧]*⟧")
#: What is data whatever the language: numbers, dates, codes, percentages, punctuation.
#: (A version label, "v3", is data too.)
NEUTRAL = re.compile(
    r"^[\W\d_]*$|^[A-Z2-7]{4}(-[A-Z2-7]{4}){3}$|^v\d+$|^\d{4}-\d\d-\d\dT\d\d:\d\d(:\d\d)?Z$"
)
SEPARATORS = re.compile(r"\s*(?:[·|—→←✔:()<>,;\n]|\s-\s)\s*|\s+(?=v\d+\b)")
LIST_NUMBER = re.compile(r"^\s*(?:\d+\.|[-*•])\s")
PEOPLE = {
    "lea@example.com": ("Léa Lindqvist", "employee"),
    "mo@example.com": ("Mo Mäkinen", "manager"),
    "ada@example.com": ("Ada Åberg", "admin"),
    "cara@example.com": ("Cara Çelik", "candidate"),
    "pia@example.com": ("Pia Pöyhönen", "employee"),
}


class _Texts(HTMLParser):
    """The text nodes and read attributes of a page, outside script and style, and outside
    elements that say they are in another language (the switcher's language names)."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.found: list[tuple[str, str]] = []
        self.stack: list[tuple[str, bool]] = []  # (tag, text inside is skipped)

    def _skipping(self) -> bool:
        return bool(self.stack) and self.stack[-1][1]

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        skip = self._skipping() or tag in SKIPPED_ELEMENTS
        skip = skip or (tag != "html" and attrs.get("lang") is not None)
        if not skip:
            for name in READ_ATTRIBUTES:
                if attrs.get(name):
                    self.found.append((f"<{tag} {name}>", attrs[name]))
            if tag == "input" and attrs.get("type") in BUTTON_INPUTS and attrs.get("value"):
                self.found.append((f"<{tag} value>", attrs["value"]))
        if tag not in VOID:
            self.stack.append((tag, skip))

    def handle_endtag(self, tag):
        while self.stack:
            if self.stack.pop()[0] == tag:
                break

    def handle_data(self, data):
        if not self._skipping() and data.strip():
            where = self.stack[-1][0] if self.stack else "?"
            self.found.append((f"<{where}>", data))


def _normal(text: str) -> str:
    text = text.replace("’", "'").replace("‘", "'").replace("“", '"').replace("”", '"')
    return " ".join(text.split())


def _strings(value) -> list[str]:
    """The text values of a course file (not its keys, numbers or booleans)."""
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [s for v in value.values() for s in _strings(v)]
    if isinstance(value, list):
        return [s for v in value for s in _strings(v)]
    return []


def data_corpus(extra: list[str]) -> str:
    """Everything a page may show untranslated: the course files' text (course content is
    translated by the course's own translations, not the catalogue), the people, the
    locale's own month and day names (dates), and the site's name."""
    parts = []
    for path in sorted(Path(FIXTURE_COURSES).rglob("*")):
        if path.suffix == ".md":
            parts.append(path.read_text(encoding="utf-8"))
        elif path.suffix == ".yaml":
            parts += _strings(plain(load(path.read_text(encoding="utf-8"))))
    locale = Locale.parse(PSEUDO)
    for context in ("format", "stand-alone"):
        for width in ("wide", "abbreviated"):
            parts += locale.months[context][width].values()
            parts += locale.days[context][width].values()
    parts += extra
    return "\n".join(_normal(re.sub(r"[*_`#>|]", " ", p)) for p in parts)


def locale_names() -> set[str]:
    """The pseudo-locale's month and day names, every width, as words."""
    locale = Locale.parse(PSEUDO)
    names = set()
    for context in ("format", "stand-alone"):
        for width in ("wide", "abbreviated"):
            for name in (
                *locale.months[context][width].values(),
                *locale.days[context][width].values(),
            ):
                names.update(re.findall(r"[^\W\d_]+", name))
    return names


def is_locale_date(fragment: str) -> bool:
    """A date as the locale writes it ("31 Jan 2026"): numbers and month or day names."""
    words = re.findall(r"[^\W\d_]+", fragment)
    return bool(re.search(r"\d", fragment)) and all(w in locale_names() for w in words)


def is_data(fragment: str, corpus: str) -> bool:
    """A fragment is data when it is neutral, a date in the locale's format or, whole
    words, part of the corpus (a text shortened with "…" by its start)."""
    fragment = LIST_NUMBER.sub("", fragment).strip()
    if NEUTRAL.match(fragment) or is_locale_date(fragment):
        return True
    fragment = re.sub(r"(\.\.\.|…)$", "", fragment)
    words = re.escape(_normal(fragment))
    return re.search(rf"(?<!\w){words}(?!\w)", corpus) is not None


def untranslated(html: str, corpus: str) -> list[tuple[str, str]]:
    """(where, text) of each piece of a page's text that is neither marked nor data."""
    parser = _Texts()
    parser.feed(html)
    problems = []
    for where, text in parser.found:
        while MARKED.search(text):  # markers may nest: a translated text as a value
            text = MARKED.sub("\x00", text)
        for piece in text.split("\x00"):
            # Data joined by separators ("Léa · Policy training", "a | b ✔"): each part.
            if is_data(piece.strip(), corpus):
                continue
            if not all(is_data(f, corpus) for f in SEPARATORS.split(piece)):
                problems.append((where, piece.strip()))
    return problems


def half_way(app, person_id: int) -> tuple[int, int]:
    """Modules passed, then a final assessment and a scenario run left open: their ids."""
    from lms.courses.services import latest_version_by_slug
    from lms.quizzes import services as quizzes
    from lms.scenarios import services as scenarios
    from tests.certification.test_certification_flow import _form

    with app.app_context():
        version = latest_version_by_slug("mini")
        cycle, needs, progress = certification.progress_for(person_id, version)
        for module in needs.modules:
            quizzes.mark_read(person_id, module, version.course_id)
            attempt = quizzes.check_for(person_id, version, module)
            quizzes.submit(attempt, _form(attempt))
        cycle, needs, progress = certification.progress_for(person_id, version)
        attempt = quizzes.start_assessment(
            person_id, version, progress.assessment, kind=needs.kind, draw=needs.draw, needs=needs
        )
        run = scenarios.start_run(person_id, version, scenarios.scenario_for(version, "complaint"))
        return attempt.id, run.id


@pytest.fixture
def world(app, client, synced, make_person, pseudo_catalogue, tmp_path):
    """A team with history, all reading the pseudo-locale: a learner certified before the
    policy changed (attempts, a scenario run, a certificate, a review to do), one half-way
    (an open assessment and scenario), a manager, an admin and a candidate."""
    from lms.candidates import services as candidates
    from lms.certification.models import CertificationPeriod, ReviewTask
    from lms.courses.services import latest_version_by_slug
    from lms.courses.sync import sync_courses
    from lms.quizzes.models import Attempt
    from lms.scenarios.models import ScenarioRun
    from tests.certification.test_certification_flow import complete_course
    from tests.helpers import edited_courses

    ids = {}
    for email, (name, role) in PEOPLE.items():
        ids[email] = make_person(email, role=role, name=name).id
    with app.app_context():
        session.execute(
            update(Person)
            .where(Person.role.in_(["employee", "candidate"]))
            .values(manager_id=ids["mo@example.com"])
        )
        session.execute(update(Person).values(locale=PSEUDO))
        session.commit()
    complete_course(app, ids["lea@example.com"], date(2026, 1, 31))
    app.config["LMS_TODAY"] = None
    open_attempt, open_run = half_way(app, ids["pia@example.com"])
    with app.app_context():  # pia is late: the digest and the reports have someone overdue
        certification.assign(
            latest_version_by_slug("mini").course_id,
            [ids["pia@example.com"]],
            reason="annual",
            due_on=date(2026, 1, 1),
            by=session.get(Person, ids["ada@example.com"]),
            today=date(2025, 12, 1),
        )
    changed = edited_courses(
        tmp_path / "v2", {"mini/policy.md": [("Do not argue in public", "Never argue in public")]}
    )
    with app.app_context():
        _, problems = sync_courses(changed)
        assert not problems
        period = session.scalars(select(CertificationPeriod)).one()
        code, period_id = period.code, period.id
        attempt_ids = list(
            session.scalars(select(Attempt.id).where(Attempt.kind == "final").order_by(Attempt.id))
        )
        run_id = session.scalars(select(ScenarioRun.id).order_by(ScenarioRun.id)).first()
        task_id = session.scalars(select(ReviewTask.id)).one()
        _, invite_link = candidates.invite(
            "new@example.com",
            "Ivo Ilves",
            [latest_version_by_slug("mini").course_id],
            None,
            by=session.get(Person, ids["ada@example.com"]),
        )
    return {
        "ids": ids,
        "code": code,
        "period_id": period_id,
        "attempts": [a for a in attempt_ids if a != open_attempt],
        "run": run_id,
        "open_attempt": open_attempt,
        "open_run": open_run,
        "review": task_id,
        "changed_sentence": "Never argue in public",
        "invite": urlsplit(invite_link).path,
    }


def pages_by_role(world) -> dict[str | None, list[str | tuple[str, int]]]:
    """Each role's pages; a ``(url, status)`` pair is an error page people see too."""
    lea, cara = world["ids"]["lea@example.com"], world["ids"]["cara@example.com"]
    learner = [
        *LEARNER_PAGES,
        "/courses/mini/modules/voice",
        "/courses/mini/scenarios/complaint",
        "/courses/mini/versions/2/changes",
        f"/reviews/{world['review']}",
        f"/verify/{world['code']}",
        *(f"/attempts/{a}/result" for a in world["attempts"]),
        f"/scenario-runs/{world['run']}/debrief",
        ("/reports/team", 403),
        ("/attempts/999999/result", 404),
    ]
    staff = [*ADMIN_PAGES, f"/reports/people/{lea}", f"/certificates/{world['period_id']}/revoke"]
    staff += [f"/candidates/{cara}/hire", "/reports/assign?target=people"]
    # The assignment's breakdown (a POST: the outcomes' words), for two learners.
    due = (date.today() + timedelta(days=30)).isoformat()
    pick = {"course": "mini", "target": "person", "reason": "annual", "due_on": due}
    staff += [
        (
            "POST",
            "/reports/assign",
            {**pick, "person": [str(lea), str(world["ids"]["pia@example.com"])]},
        )
    ]
    return {
        None: [
            "/login",
            "/password-reset",
            "/verify",
            f"/verify/{world['code']}",
            ("/verify/AAAA-BBBB-CCCC-DDDD", 404),
            ("/no-such-page", 404),
            world["invite"],
        ],
        "lea@example.com": learner,
        "mo@example.com": [
            "/",
            "/reports/team",
            "/reports/team?status=overdue",
            "/reports/assign",
            "/reports/digest",
            f"/reports/people/{world['ids']['pia@example.com']}",
        ],
        "ada@example.com": staff,
        "cara@example.com": ["/"],
        "pia@example.com": [
            "/",
            "/courses/mini/",
            f"/attempts/{world['open_attempt']}",
            f"/scenario-runs/{world['open_run']}",
            "/courses/mini/modules/basics",
        ],
    }


def test_every_page_of_every_role_reads_only_catalogue_text_and_data(app, world):
    corpus = data_corpus(
        [
            *(n for n, _ in PEOPLE.values()),
            *PEOPLE,
            "Ivo Ilves",
            "new@example.com",
            "Policy training",
            world["changed_sentence"],
        ]
    )
    found: dict[str, list[tuple[str, str]]] = {}
    for email, urls in pages_by_role(world).items():
        client = app.test_client()
        if email:
            login(client, email)
        for entry in urls:
            if isinstance(entry, tuple) and entry[0] == "POST":
                _, url, data = entry
                form = client.get(url, headers={"Accept-Language": PSEUDO}).get_data(as_text=True)
                response = client.post(
                    url,
                    data={**data, "csrf_token": csrf_from(form)},
                    headers={"Accept-Language": PSEUDO},
                )
                assert "assign-breakdown" in response.get_data(as_text=True), url
                status = 200
            else:
                url, status = entry if isinstance(entry, tuple) else (entry, 200)
                response = client.get(url, headers={"Accept-Language": PSEUDO})
            assert response.status_code == status, (email, url, response.status_code)
            html = response.get_data(as_text=True)
            assert f'<html lang="{PSEUDO}"' in html, (email, url)
            for problem in untranslated(html, corpus):
                found.setdefault(problem[1], []).append((email or "anonymous", url, problem[0]))
    report = "\n".join(
        f"{text!r} in {places[0]} (+{len(places) - 1})" for text, places in sorted(found.items())
    )
    assert not found, f"{len(found)} texts outside the catalogue:\n{report}"
