"""Migration 0016 builds the reports' status facts from the records already there, the
same rows the write paths keep (``lms.certification.status_facts``)."""

from __future__ import annotations

from sqlalchemy import func, select

from app import create_app
from lms.certification import status_facts
from lms.certification.models import StatusFacts
from lms.db import session
from lms.paths import CHECKOUT
from tests.conftest import app_config

COURSES = CHECKOUT / "courses"


def test_upgrade_derives_the_rows_of_an_organisation_with_history(tmp_path):
    app = create_app(
        app_config(f"sqlite:///{tmp_path / 'demo.sqlite3'}", LMS_COURSES_DIR=str(COURSES))
    )
    runner = app.test_cli_runner()
    for args in (["lms", "db", "upgrade"], ["lms", "sync-courses"], ["lms", "demo"]):
        result = runner.invoke(args=args)
        assert result.exit_code == 0, result.output
    with app.app_context():
        from lms.accounts.services import find_by_email
        from lms.courses.models import Module
        from lms.courses.services import latest_version_by_slug
        from lms.migrate import downgrade, upgrade
        from lms.quizzes import services as quizzes

        version = latest_version_by_slug("social-media-policy")
        module = session.scalars(select(Module).where(Module.version_id == version.id)).first()
        quizzes.mark_read(find_by_email("sami@example.com").id, module, version.course_id)
        kept = session.execute(select(StatusFacts).order_by("person_id", "course_id")).all()
        certified = session.scalar(
            select(func.count()).where(StatusFacts.certified_on.is_not(None))
        )
        started = session.scalar(select(func.count()).where(StatusFacts.started.is_(True)))
        assert kept and certified and started  # assignments, certificates, a read mark
        session.remove()
        downgrade("0015")
        upgrade("0016")
        assert status_facts.differences() == []
        rebuilt = session.scalar(select(func.count()).select_from(StatusFacts))
        assert rebuilt == len(kept)
