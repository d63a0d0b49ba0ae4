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
                "include_object": lambda o, name, type_, r, c: type_ != "table" or name.startswith("lms_"),
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
