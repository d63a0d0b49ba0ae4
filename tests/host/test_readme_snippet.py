"""The README's embedding snippet runs as written."""

from __future__ import annotations

import importlib.util
import re
import sys
from pathlib import Path

from flask_login import FlaskLoginClient

README = Path(__file__).resolve().parents[2] / "README.md"


def snippet() -> str:
    text = README.read_text()
    section = text[text.index("### 2. Add it to the portal") :]
    return re.search(r"```python\n(.*?)```", section, re.S).group(1)


def test_the_readme_portal_runs_as_written(tmp_path, monkeypatch):
    source = snippet()
    assert source.startswith("# portal.py")
    (tmp_path / "portal.py").write_text(source)
    (tmp_path / "templates").mkdir()
    (tmp_path / "templates" / "base.html").write_text(
        "<title>{% block title %}{% endblock %}</title>{% block head %}{% endblock %}"
        "<nav>Portal nav</nav>{% block content %}{% endblock %}"
    )
    monkeypatch.chdir(tmp_path)  # the snippet's relative SQLite path lands here
    spec = importlib.util.spec_from_file_location("readme_portal", tmp_path / "portal.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules["readme_portal"] = module
    try:
        spec.loader.exec_module(module)
        app, db, User = module.app, module.db, module.User
        app.config["SQLALCHEMY_ENGINE_OPTIONS"] = {}
        result = app.test_cli_runner().invoke(args=["lms", "db", "upgrade"])
        assert result.exit_code == 0, result.output
        with app.app_context():
            db.create_all()
            db.session.add(User(email="ana@portal.example.com", name="Ana"))
            db.session.commit()
            ana = db.session.get(User, 1)
            app.test_client_class = FlaskLoginClient
            client = app.test_client(user=ana)
        page = client.get("/training/")
        assert page.status_code == 200
        html = page.get_data(as_text=True)
        assert "Portal nav" in html and "My training" in html
        with app.app_context():
            db.engine.dispose()
    finally:
        sys.modules.pop("readme_portal", None)
