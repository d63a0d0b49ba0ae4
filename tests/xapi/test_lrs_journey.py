"""A learner's whole journey reaches a real LRS (Ralph) as xAPI statements, through the
outbox: what the LRS's own API gives back is checked, and a stretch with the LRS down
loses nothing and delivers nothing twice."""

from __future__ import annotations

import uuid
from collections import Counter
from datetime import date, datetime, timedelta

import pytest
from sqlalchemy import select

from lms import outbox
from lms.db import session
from lms.outbox.models import OutboxJob
from tests.certification.test_certification_flow import complete_course
from tests.xapi.lrs import LRSUnavailable, Ralph


@pytest.fixture(scope="module")
def lrs(tmp_path_factory):
    try:
        server = Ralph(tmp_path_factory.mktemp("ralph"))
        server.start()
    except LRSUnavailable as exc:
        pytest.skip(f"no LRS to test against: {exc}")
    yield server
    server.stop()


@pytest.fixture
def xapi_app(app, lrs, synced):
    # Each test's people are accounts on a home page of their own: ids restart per test.
    app.config.update(
        LMS_XAPI_ENDPOINT=lrs.endpoint,
        LMS_XAPI_USERNAME="lms",
        LMS_XAPI_PASSWORD="lrs-test-password",
        LMS_XAPI_ACCOUNT_HOMEPAGE=f"https://portal.test/{uuid.uuid4().hex}",
    )
    return app


def _jobs(app) -> list[OutboxJob]:
    with app.app_context():
        rows = list(session.scalars(select(OutboxJob).where(OutboxJob.kind == "xapi")))
        session.expunge_all()
        return rows


def _deliver(app, now=None):
    with app.app_context():
        return outbox.run(kinds=["xapi"], now=now)


def _mine(lrs, app, person_id: int) -> list[dict]:
    """The LRS's statements about this test's person (their account on this test's site)."""
    home = app.config["LMS_XAPI_ACCOUNT_HOMEPAGE"]
    return [
        s
        for s in lrs.statements()
        if s["actor"].get("account") == {"homePage": home, "name": str(person_id)}
    ]


def test_a_whole_journey_arrives_with_the_expected_verbs_scores_and_ids(xapi_app, lrs, make_person):
    learner = make_person("journey@example.com", name="Jo Urney")
    complete_course(xapi_app, learner.id, date(2026, 1, 31))
    jobs = _jobs(xapi_app)
    _deliver(xapi_app)
    assert {j.status for j in _jobs(xapi_app)} == {"done"}, [j.last_error for j in _jobs(xapi_app)]

    got = _mine(lrs, xapi_app, learner.id)
    assert len(got) == len(jobs)  # every statement accepted by the LRS's own validation
    verbs = Counter(s["verb"]["id"].rsplit("/", 1)[-1] for s in got)
    assert verbs["completed"] >= 3  # two modules and the scenario
    assert verbs["attempted"] == 1 and verbs["passed"] == 1 and verbs["earned"] == 1
    assert verbs["answered"] == 2  # the two decisions of the scenario played
    final = next(s for s in got if s["verb"]["id"].endswith("/passed"))
    assert final["result"]["success"] is True and 0.75 <= final["result"]["score"]["scaled"] <= 1
    assert final["object"]["definition"]["type"] == "http://adlnet.gov/expapi/activities/assessment"
    assert final["context"]["contextActivities"]["parent"][0]["id"].endswith("/courses/mini")
    earned = next(s for s in got if s["verb"]["id"].endswith("/earned"))
    assert "/verify/" in earned["object"]["id"]
    assert len({s["id"] for s in got}) == len(got)


def test_revocation_and_expiry_are_recorded_once(xapi_app, lrs, make_person):
    from lms.accounts.services import find_by_email
    from lms.certification.expiry import certificates_expired
    from lms.certification.models import CertificationPeriod
    from lms.certification.revocation import revoke

    first = make_person("rev@example.com")
    second = make_person("exp@example.com")
    admin = make_person("boss@example.com", role="admin")
    complete_course(xapi_app, first.id, date(2026, 1, 31))
    complete_course(xapi_app, second.id, date(2026, 1, 31))
    with xapi_app.app_context():
        period = session.scalar(
            select(CertificationPeriod).where(CertificationPeriod.person_id == first.id)
        )
        revoke(period, reason="Shared a customer's data", by=find_by_email(admin.email))
        for _ in range(2):  # the daily run, twice: one statement
            certificates_expired(date(2027, 3, 1))
            session.commit()
    _deliver(xapi_app)
    verbs = [s["verb"]["id"].rsplit("/", 1)[-1] for s in _mine(lrs, xapi_app, first.id)]
    assert verbs.count("revoked") == 1 and "expired" not in verbs  # revoked, not expired
    assert [s["verb"]["id"].rsplit("/", 1)[-1] for s in _mine(lrs, xapi_app, second.id)].count(
        "expired"
    ) == 1


def test_with_the_lrs_down_statements_wait_and_arrive_once_when_it_is_back(
    xapi_app, lrs, make_person
):
    learner = make_person("down@example.com")
    lrs.stop()
    try:
        complete_course(xapi_app, learner.id, date(2026, 1, 31))  # the learner is never blocked
        outcome = _deliver(xapi_app)
        assert not outcome.delivered.get("xapi") and outcome.retrying and not outcome.dead
        waiting = _jobs(xapi_app)
        assert waiting and {j.status for j in waiting} == {"pending"}
        assert all(j.attempts == 1 and j.last_error for j in waiting)
    finally:
        lrs.start()
    _deliver(xapi_app, now=datetime.utcnow() + timedelta(hours=1))  # after the backoff
    _deliver(xapi_app, now=datetime.utcnow() + timedelta(hours=2))  # nothing left to send
    assert {j.status for j in _jobs(xapi_app)} == {"done"}
    got = _mine(lrs, xapi_app, learner.id)
    assert len(got) == len(waiting) and len({s["id"] for s in got}) == len(got)


def test_a_statement_sent_twice_is_stored_once(xapi_app, lrs):
    """The crash case: the LRS stored it, the worker died before marking it done."""
    from lms.outbox.registry import Job
    from lms.xapi.delivery import send_statement
    from lms.xapi.statements import CourseRef, Learner, Site, activity, statement

    site = Site(
        base_url="https://portal.test/training",
        account_home=xapi_app.config["LMS_XAPI_ACCOUNT_HOMEPAGE"],
    )
    course = CourseRef("mini", "Mini", 1)
    data = statement(
        site,
        "check:1:completed",
        Learner(7, "a@b.test", "A"),
        "completed",
        activity(site, "module", ("courses", "mini", "modules", "basics"), "Basics"),
        course,
        datetime(2026, 5, 1, 9, 30),
    )
    job = Job(
        id=1,
        kind="xapi",
        key="k",
        payload={"statement": data},
        attempts=1,
        created_at=datetime.utcnow(),
    )
    with xapi_app.app_context():
        send_statement(job)
        send_statement(job)  # 409 from the LRS, same statement: delivered
        clash = {**data, "verb": site.verb("failed")}
        with pytest.raises(outbox.Permanent, match="different statement"):
            send_statement(
                Job(
                    id=2,
                    kind="xapi",
                    key="k2",
                    payload={"statement": clash},
                    attempts=1,
                    created_at=datetime.utcnow(),
                )
            )
    assert [s["id"] for s in _mine(lrs, xapi_app, 7)] == [data["id"]]


def test_without_an_endpoint_nothing_is_queued(app, synced, make_person):
    learner = make_person("quiet@example.com")
    complete_course(app, learner.id, date(2026, 1, 31))
    assert _jobs(app) == []
