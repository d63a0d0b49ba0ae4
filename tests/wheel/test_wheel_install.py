"""The LMS as a host installs it: a wheel built from this checkout, installed into a fresh
virtualenv outside it, run by the sample portal (tests/host/hostapp.py) through its
deployment steps on SQLite and, when LMS_TEST_DATABASE_URL is set, on PostgreSQL.

Slow (a virtualenv and an install, once per run), so it is marked ``wheel``; ``make test``
and CI run it, ``pytest -m "not wheel"`` leaves it out.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import venv
from pathlib import Path

import pytest

from tests.workers import built_once, empty_database_beside, shared_folder

ROOT = Path(__file__).resolve().parents[2]
HOST = ROOT / "tests" / "host"

pytestmark = pytest.mark.wheel


def _run(*cmd, **kwargs) -> str:
    result = subprocess.run([str(c) for c in cmd], capture_output=True, text=True, **kwargs)
    assert result.returncode == 0, f"{' '.join(map(str, cmd))}\n{result.stdout}\n{result.stderr}"
    return result.stdout


@pytest.fixture(scope="session")
def wheel_env(tmp_path_factory) -> Path:
    """A virtualenv outside the checkout with the built wheel installed; its python
    (built by the first worker that needs it, shared by the others: tests/workers.py)."""
    base = built_once(shared_folder(tmp_path_factory) / "wheel", _build_wheel_env)
    assert ROOT not in base.parents
    return base / "venv" / "bin" / "python"


def _build_wheel_env(base: Path) -> None:
    dist = base / "dist"
    _run(
        sys.executable,
        "-m",
        "pip",
        "wheel",
        "--no-deps",
        "--no-build-isolation",
        "-q",
        "-w",
        dist,
        ROOT,
        cwd=base,
    )
    (wheel,) = dist.glob("flask_lms-*.whl")
    env_dir = base / "venv"
    venv.EnvBuilder(with_pip=True).create(env_dir)
    _run(env_dir / "bin" / "python", "-m", "pip", "install", "-q", f"{wheel}[postgres]", cwd=base)


def _site(tmp_path: Path) -> Path:
    """The portal as its own project: portal/ (the app, templates, migrations), courses go
    into portal/courses (the LMS default: the app's root folder)."""
    site = tmp_path / "site"
    package = site / "portal"
    package.mkdir(parents=True)
    shutil.copy(HOST / "hostapp.py", package / "__init__.py")
    shutil.copytree(HOST / "templates", package / "templates")
    shutil.copytree(
        HOST / "migrations", package / "migrations", ignore=shutil.ignore_patterns("__pycache__")
    )
    shutil.copy(Path(__file__).with_name("drive_portal.py"), site / "drive_portal.py")
    return site


def _postgres_url() -> str | None:
    url = os.environ.get("LMS_TEST_DATABASE_URL")
    return empty_database_beside(url, "wheel") if url else None


@pytest.mark.parametrize("backend", ["sqlite", "postgresql"])
def test_a_portal_deploys_the_lms_from_the_wheel(wheel_env, tmp_path, backend):
    if backend == "postgresql":
        url = _postgres_url()
        if url is None:
            pytest.skip("set LMS_TEST_DATABASE_URL to run the wheel on PostgreSQL too")
    else:
        url = f"sqlite:///{tmp_path / 'portal.sqlite3'}"
    site = _site(tmp_path)
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in ("PYTHONPATH", "FLASK_APP", "VIRTUAL_ENV") and not k.startswith("LMS_")
    }
    env.update(
        DATABASE_URL=url,
        SECRET_KEY="wheel-test",
        LMS_BASE_URL="https://portal.example",
        RATELIMIT_STORAGE_URI="memory://",
        PYTHONWARNINGS="ignore",
    )
    output = _run(wheel_env, site / "drive_portal.py", cwd=site, env=env)
    assert "ok: a portal user opened the course page" in output, output
