"""The stack's ceilings, served by gunicorn in the same run as the LMS.

``hello``: bare Flask returning a string. ``table``: Flask + Flask-SQLAlchemy, one SELECT
of 50 rows from the benchmark database rendered as a Jinja table: the least a real page
on this stack costs. ``gunicorn 'bench.baselines:table()'`` reads the database URL from
``LMS_BENCH_DATABASE_URL``.
"""

from __future__ import annotations

import os

from flask import Flask, render_template_string
from flask_sqlalchemy import SQLAlchemy
from sqlalchemy import String, select, text
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

ROWS = 50
TABLE = """<!doctype html><title>Rows</title><table>
<tr><th>id</th><th>name</th><th>department</th></tr>
{% for r in rows %}<tr><td>{{ r.id }}</td><td>{{ r.name }}</td><td>{{ r.department }}</td></tr>
{% endfor %}</table>"""


class _Base(DeclarativeBase):
    pass


class BenchRow(_Base):
    __tablename__ = "bench_row"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    department: Mapped[str] = mapped_column(String(120))


def hello() -> Flask:
    """Bare Flask: the framework's own ceiling."""
    app = Flask("hello")

    @app.route("/")
    def index():
        return "Hello, World!"

    return app


def table(url: str | None = None) -> Flask:
    """Flask + Flask-SQLAlchemy: one SELECT, a 50-row Jinja table."""
    app = Flask("table")
    app.config["SQLALCHEMY_DATABASE_URI"] = url or os.environ["LMS_BENCH_DATABASE_URL"]
    db = SQLAlchemy(model_class=_Base)
    db.init_app(app)

    @app.route("/")
    def index():
        rows = db.session.scalars(select(BenchRow).order_by(BenchRow.id).limit(ROWS)).all()
        return render_template_string(TABLE, rows=rows)

    return app


def seed(engine) -> None:
    """(Re)create the baseline's table with its 50 rows."""
    with engine.begin() as conn:
        conn.execute(text("DROP TABLE IF EXISTS bench_row"))
        _Base.metadata.create_all(conn)
        conn.execute(
            BenchRow.__table__.insert(),
            [
                {"id": i, "name": f"Person {i}", "department": f"Division {i % 7}"}
                for i in range(1, ROWS + 1)
            ],
        )
