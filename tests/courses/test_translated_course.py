"""A course's translations reach the database and its learners.

The mini course with the partial Finnish translation in ``tests/fixtures/translations``
(some items left out on purpose), stamped as up to date in a temporary copy: sync stores
it with the version, a translation-only change keeps the version, and a Finnish learner
sees Finnish text wherever there is some and the English source elsewhere.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from sqlalchemy import func, select

from lms.courses import translations
from lms.courses.models import CourseVersion, ItemTranslation
from lms.courses.source import load_course
from lms.courses.sync import sync_courses
from lms.db import session
from tests.conftest import FIXTURE_COURSES, FIXTURES

FINNISH = FIXTURES / "translations" / "mini" / "fi"


def translated_copy(root: Path) -> Path:
    """``root``/mini: the mini course with its Finnish translation, stamped up to date."""
    folder = root / "mini"
    shutil.copytree(FIXTURE_COURSES / "mini", folder)
    shutil.copytree(FINNISH, folder / "translations" / "fi")
    course, problems = load_course(folder)
    assert not problems, problems
    translations.stamp(course, "fi")
    return root


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, (path, old)
    path.write_text(text.replace(old, new), encoding="utf-8")


def sync(app, root: Path):
    with app.app_context():
        outcomes, problems = sync_courses(root)
    assert not problems, [str(p) for p in problems]
    (outcome,) = outcomes
    return outcome


def stored(app, version: int | None = None) -> dict[tuple[str, str], ItemTranslation]:
    with app.app_context():
        number = version or session.scalar(select(func.max(CourseVersion.number)))
        rows = session.scalars(select(ItemTranslation).join(
            CourseVersion, CourseVersion.id == ItemTranslation.version_id).where(CourseVersion.number == number))
        out = {(r.kind, r.key): r for r in rows}
        session.expunge_all()
        return out


@pytest.fixture
def course_root(tmp_path) -> Path:
    return translated_copy(tmp_path / "courses")


# --------------------------------------------------------------------------- sync


def test_sync_stores_every_translated_item_with_the_version(app, course_root):
    outcome = sync(app, course_root)
    assert outcome.created and outcome.version == 1 and outcome.translations == ("fi",)
    rows = stored(app)
    assert {r.language for r in rows.values()} == {"fi"}
    assert ("section", "complaints") not in rows and ("module", "voice") not in rows  # untranslated
    assert rows[("module", "basics")].text == {"title": "Perusasiat"}
    assert rows[("lesson", "basics")].text["body_html"].startswith("<h2>Miksi</h2>")
    question = rows[("question", "basics-1")].text
    assert question["choices"]["c2"]["text"] == "Jokaisen julkisen verkkoalustan"
    assert rows[("question", "voice-2")].text["options"] == {"Report it": "Ilmoita siitä",
                                                             "Point to support": "Ohjaa asiakaspalveluun"}
    assert rows[("node", "complaint/good-end")].text["debrief_html"] == "<p>Ilmoita, älä väittele.</p>"
    assert not any(r.stale for r in rows.values())


def test_a_translation_only_change_keeps_the_version_and_updates_its_text(app, course_root):
    sync(app, course_root)
    edit(course_root / "mini" / "translations" / "fi" / "course.yaml", "Perusasiat", "Perusteet")
    outcome = sync(app, course_root)
    assert (outcome.created, outcome.version, outcome.translations) == (False, 1, ("fi",))
    assert stored(app)[("module", "basics")].text == {"title": "Perusteet"}
    assert sync(app, course_root).translations == ()  # again: nothing changed
    with app.app_context():
        assert session.scalar(select(func.count()).select_from(CourseVersion)) == 1


def test_a_changed_source_section_makes_a_version_whose_translation_is_stale(app, course_root):
    sync(app, course_root)
    edit(course_root / "mini" / "policy.md", "every public online platform", "every public platform online")
    outcome = sync(app, course_root)
    assert outcome.created and outcome.version == 2
    rows = stored(app, 2)
    assert {k for k, r in rows.items() if r.stale} == {("section", "scope")}
    assert rows[("section", "scope")].text["title"] == "Soveltamisala"  # stored all the same
    assert not any(r.stale for r in stored(app, 1).values())  # version 1 keeps its own


def test_structure_in_a_translation_stops_the_sync(app, course_root):
    edit(course_root / "mini" / "translations" / "fi" / "questions" / "basics.yaml",
         "  feedback: Se kattaa", "  answer: true\n  feedback: Se kattaa")
    with app.app_context():
        outcomes, problems = sync_courses(course_root)
        assert outcomes == [] and session.scalar(select(func.count()).select_from(CourseVersion)) == 0
    assert any("'answer' is structure" in str(p) and "translations/fi/questions/basics.yaml" in str(p)
               for p in problems)
