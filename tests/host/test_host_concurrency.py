"""Simultaneous first visits of new host users: every answer succeeds, one person each.

A first visit uses a second pooled connection for a moment (the person is written in its
own transaction, never in the host's session), so the pool holds two per thread here,
as the README asks of a threaded host.
"""

from __future__ import annotations

import threading

import pytest
from sqlalchemy import func, select

from lms.accounts.models import Person
from lms.db import session
from tests.host.conftest import drop_portal, make_portal, sign_in
from tests.host.hostapp import HostUser, db

VISITS = 20


def _visit_all_at_once(app, clients) -> list[int]:
    barrier = threading.Barrier(len(clients))
    codes: list[int] = []

    def visit(client):
        barrier.wait()
        codes.append(client.get("/training/").status_code)

    threads = [threading.Thread(target=visit, args=(c,)) for c in clients]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    return codes


@pytest.fixture
def portal(database_url):
    app = make_portal(database_url, SQLALCHEMY_ENGINE_OPTIONS={"pool_size": 2 * VISITS})
    yield app
    drop_portal(app)


def test_twenty_simultaneous_first_visits_make_one_person(portal):
    clients = [portal.test_client() for _ in range(VISITS)]
    for client in clients:
        sign_in(client, "hanna")
    codes = _visit_all_at_once(portal, clients)
    assert codes == [200] * VISITS
    with portal.app_context():
        assert session.scalar(select(func.count()).select_from(Person)) == 1


def test_first_visits_of_many_new_users_at_once(portal):
    with portal.app_context():
        db.session.add_all(
            HostUser(username=f"u{i}", mail=f"u{i}@portal.example") for i in range(5)
        )
        db.session.commit()
    clients = []
    for i in range(5):
        for _ in range(4):
            client = portal.test_client()
            sign_in(client, f"u{i}")
            clients.append(client)
    assert _visit_all_at_once(portal, clients) == [200] * 20
    with portal.app_context():
        emails = session.scalars(select(Person.email).order_by(Person.email)).all()
    assert emails == [f"u{i}@portal.example" for i in range(5)]
