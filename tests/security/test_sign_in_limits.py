"""Sign-in limits: shared across workers, per address and per account, with Retry-After."""

from __future__ import annotations

import os
import subprocess
import sys
import uuid
from pathlib import Path

import pytest

from tests.conftest import app_config, csrf_from

ROOT = Path(__file__).resolve().parents[2]
REDIS = "redis://127.0.0.1:6379/0"


def _redis_up() -> bool:
    try:
        import redis

        return redis.Redis.from_url(REDIS, socket_connect_timeout=0.5).ping()
    except Exception:
        return False


def _attempt(client, email: str, address: str):
    env = {"REMOTE_ADDR": address}
    page = client.get("/login", environ_base=env).get_data(as_text=True)
    return client.post(
        "/login",
        environ_base=env,
        data={"email": email, "password": "wrong-password!", "csrf_token": csrf_from(page)},
    )


@pytest.fixture
def two_workers(database_url):
    """Two app instances, as two gunicorn workers are, sharing one Redis for the limiter."""
    if not _redis_up():
        pytest.skip("Redis is not running on 127.0.0.1:6379")
    from app import create_app

    config = app_config(
        database_url,
        LMS_RATELIMIT_STORAGE_URI=REDIS,
        LMS_RATELIMIT_KEY_PREFIX=f"lms-test-{uuid.uuid4().hex}",
        LMS_LOGIN_RATE_LIMIT="4 per minute",
        LMS_LOGIN_ACCOUNT_RATE_LIMIT="3 per minute",
    )
    apps = [create_app(config), create_app(config)]
    yield apps
    for app in apps:
        with app.app_context():
            app.extensions["sqlalchemy"].engine.dispose()


def test_the_address_limit_counts_across_two_workers(two_workers):
    clients = [app.test_client() for app in two_workers]
    codes = [
        _attempt(clients[i % 2], f"user{i}@example.com", "203.0.113.7").status_code
        for i in range(6)
    ]
    assert codes == [401, 401, 401, 401, 429, 429]


def test_the_account_limit_counts_across_addresses(two_workers):
    clients = [app.test_client() for app in two_workers]
    codes = [
        _attempt(clients[i % 2], "mia@example.com", f"198.51.100.{i}").status_code for i in range(5)
    ]
    assert codes == [401, 401, 401, 429, 429]


def test_a_429_says_when_to_try_again(two_workers):
    client = two_workers[0].test_client()
    for _ in range(3):
        _attempt(client, "mia@example.com", "192.0.2.1")
    response = _attempt(client, "mia@example.com", "192.0.2.1")
    assert response.status_code == 429
    assert 0 < int(response.headers["Retry-After"]) <= 60


def _import_wsgi(**env):
    environment = {k: v for k, v in os.environ.items() if not k.startswith("LMS_")}
    environment.update(SECRET_KEY="s", DATABASE_URL="sqlite://", **env)
    return subprocess.run(
        [sys.executable, "-c", "import wsgi"],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
    )


def test_production_refuses_per_worker_limit_counters():
    result = _import_wsgi()
    assert result.returncode != 0
    assert "LMS_RATELIMIT_STORAGE_URI is memory://" in result.stderr and "redis://" in result.stderr
    assert _import_wsgi(LMS_SINGLE_PROCESS="1").returncode == 0
    assert _import_wsgi(LMS_RATELIMIT_STORAGE_URI=REDIS).returncode == 0
