"""The host's own Flask-Migrate (standard env.py) never sees the lms_* tables."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from sqlalchemy import create_engine, inspect, text

from lms.migrate import exclude_lms_tables
from tests.conftest import app_config
from tests.host.hostapp import HERE, create_host_app


def _legacy_filter(obj, name, type_, reflected, compare_to):
    """A host's own filter: it keeps a legacy table out of its autogenerate."""
    return not (type_ == "table" and name == "host_legacy")


class Portal:
    """A portal on a fresh SQLite file with a copy of its migrations it may write into.

    Each command runs on a new app, as each ``flask ...`` command is its own process
    (Flask-Migrate's env.py keeps state in the app between commands)."""

    def __init__(self, tmp_path, lms_first: bool):
        self.migrations = tmp_path / "migrations"
        shutil.copytree(HERE / "migrations", self.migrations)
        self.url = f"sqlite:///{tmp_path / 'portal.sqlite3'}"
        self.lms_first = lms_first

    def cli(self, *args) -> str:
        app = create_host_app(
            app_config(
                self.url,
                PORTAL_MIGRATIONS_DIR=str(self.migrations),
                PORTAL_MIGRATE_ARGS={"include_object": _legacy_filter},
            ),
            lms_first=self.lms_first,
        )
        result = app.test_cli_runner().invoke(args=list(args))
        with app.app_context():
            app.extensions["sqlalchemy"].engine.dispose()
        assert result.exit_code == 0, result.output
        return result.output

    def versions(self) -> set[str]:
        return {p.name for p in (self.migrations / "versions").glob("*.py")}


@pytest.fixture(params=["extensions-first", "lms-first"])
def portal(request, tmp_path):
    return Portal(tmp_path, request.param == "lms-first")


def test_host_autogenerate_and_check_find_no_lms_operations(portal):
    portal.cli("db", "upgrade")  # the portal's own history
    portal.cli("lms", "db", "upgrade")  # the LMS's, beside it
    engine = create_engine(portal.url)
    with engine.begin() as conn:
        conn.execute(text("CREATE TABLE host_legacy (id INTEGER PRIMARY KEY)"))
    names = set(inspect(engine).get_table_names())
    assert {"host_user", "alembic_version", "lms_person", "lms_alembic_version"} <= names

    output = portal.cli("db", "migrate", "-m", "routine")
    assert portal.versions() == {"0001_portal_users.py"}, output
    assert "No changes in schema detected" in output
    portal.cli("db", "check")  # a host CI gate stays green
    portal.cli("db", "upgrade")
    assert {"lms_person", "lms_alembic_version", "host_legacy"} <= set(
        inspect(engine).get_table_names()
    )
    engine.dispose()


def test_a_host_model_change_is_still_found(portal):
    """The filter hides the LMS, not the host: a new host table still shows up."""
    portal.cli("db", "upgrade")
    portal.cli("lms", "db", "upgrade")
    from sqlalchemy import Column, Integer, Table

    from tests.host.hostapp import db

    Table("host_extra", db.metadata, Column("id", Integer, primary_key=True))
    try:
        portal.cli("db", "migrate", "-m", "extra")
        (new,) = portal.versions() - {"0001_portal_users.py"}
        script = (portal.migrations / "versions" / new).read_text()
        assert "create_table('host_extra'" in script
        assert "lms_" not in script and "drop_table" not in script.split("def downgrade")[0]
    finally:
        db.metadata.remove(db.metadata.tables["host_extra"])


def test_the_filters_chain_the_hosts_own():
    seen = []

    def host_object(obj, name, type_, reflected, compare_to):
        seen.append(name)
        return name != "secret"

    def host_name(name, type_, parents):
        return name != "hidden"

    filters = exclude_lms_tables(host_object, host_name)
    include_object, include_name = filters["include_object"], filters["include_name"]
    assert include_name("lms_person", "table", {}) is False
    assert include_name("lms_alembic_version", "table", {}) is False
    assert (
        include_name("hidden", "table", {}) is False and include_name("orders", "table", {}) is True
    )
    assert include_object(None, "lms_attempt", "table", True, None) is False
    assert include_object(None, "secret", "table", True, None) is False
    assert include_object(None, "orders", "table", True, None) is True
    assert seen == ["secret", "orders"]  # asked about the host's tables only
    # Chaining twice (init order, repeated adoption) does not wrap the filter again.
    assert exclude_lms_tables(include_object, include_name)["include_object"] is include_object


def test_a_missing_migrations_folder_is_one_clear_line(tmp_path):
    app = create_host_app(
        app_config(
            f"sqlite:///{tmp_path / 'x.sqlite3'}", LMS_MIGRATIONS_DIR=str(tmp_path / "nowhere")
        )
    )
    result = app.test_cli_runner().invoke(args=["lms", "db", "upgrade"])
    assert result.exit_code == 1
    assert "no LMS migrations in" in result.output and "LMS_MIGRATIONS_DIR" in result.output
    assert "Traceback" not in result.output


def test_the_shipped_migrations_are_found_without_settings(tmp_path):
    app = create_host_app(app_config(f"sqlite:///{tmp_path / 'y.sqlite3'}"))
    with app.app_context():
        from lms.migrate import migrations_directory

        assert (Path(migrations_directory()) / "env.py").is_file()
