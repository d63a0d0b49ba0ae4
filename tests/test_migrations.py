"""The models and the Alembic migrations agree, and the schema builds from zero."""

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect

from lms.db import Base
from lms.migrate import VERSION_TABLE, current


def test_models_and_migrations_agree(app_ctx):
    app = app_ctx
    engine = app.extensions["sqlalchemy"].engine
    with engine.connect() as conn:
        context = MigrationContext.configure(
            conn,
            opts={
                "version_table": VERSION_TABLE,
                "compare_type": True,
                "include_object": lambda o, name, type_, r, c: (
                    type_ != "table" or name.startswith("lms_")
                ),
            },
        )
        diff = compare_metadata(context, Base.metadata)
    assert diff == [], f"models differ from migrations: {diff}"


def test_schema_has_own_version_table_at_head(app_ctx):
    app = app_ctx
    names = inspect(app.extensions["sqlalchemy"].engine).get_table_names()
    assert VERSION_TABLE in names
    assert "alembic_version" not in names  # never collides with a host's Alembic
    assert all(n.startswith("lms_") for n in names)
    assert current() is not None


def test_constraint_names_follow_convention(app_ctx):
    app = app_ctx
    insp = inspect(app.extensions["sqlalchemy"].engine)
    uniques = [u["name"] for u in insp.get_unique_constraints("lms_person")]
    assert "uq_lms_person_email" in uniques


def test_flask_migrate_and_lms_db_build_the_same_schema_from_zero(tmp_path):
    """`flask --app app db upgrade` (Flask-Migrate) and `flask lms db upgrade` both work."""
    from app import create_app
    from tests.conftest import app_config

    for command, name in ((["db", "upgrade"], "a"), (["lms", "db", "upgrade"], "b")):
        app = create_app(app_config(f"sqlite:///{tmp_path / name}.sqlite3"))
        result = app.test_cli_runner().invoke(args=command)
        assert result.exit_code == 0, result.output
        with app.app_context():
            from alembic.script import ScriptDirectory

            from lms.migrate import alembic_config

            assert current() == ScriptDirectory.from_config(alembic_config()).get_current_head()
            names = set(inspect(app.extensions["sqlalchemy"].engine).get_table_names())
            assert {"lms_person", "lms_attempt", "lms_certification_period"} <= names
