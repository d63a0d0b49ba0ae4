"""xAPI statements built from LMS values: stable ids, actors, verbs, results, context."""

from __future__ import annotations

from datetime import datetime

import pytest

from lms.xapi.statements import CourseRef, Learner, Site, activity, scored, statement

SITE = Site(base_url="https://portal.example.com/training")
LEA = Learner(id=42, email="lea@example.com", name="Lea", external_id="host:7")
COURSE = CourseRef("smp", "Social media policy", 3)
AT = datetime(2026, 5, 1, 9, 30)


def make(key="attempt:1:passed", verb="passed", site=SITE, at=AT, **kw):
    obj = activity(site, "assessment", ("courses", "smp", "final"), "Final")
    return statement(site, key, LEA, verb, obj, COURSE, at, **kw)


def test_the_same_event_is_the_same_statement_and_another_is_not():
    assert make() == make()
    assert make()["id"] != make(key="attempt:2:passed")["id"]
    assert make()["id"] != make(at=datetime(2026, 5, 1, 9, 31))["id"]
    assert make()["id"] != make(site=Site(base_url="https://other.example/training"))["id"]


def test_actor_is_an_account_on_the_site_or_an_mbox():
    assert make()["actor"]["account"] == {
        "homePage": "https://portal.example.com/training",
        "name": "host:7",
    }
    mbox = make(site=Site(base_url=SITE.base_url, actor="mbox"))["actor"]
    assert mbox["mbox"] == "mailto:lea@example.com" and "account" not in mbox


def test_verbs_come_from_adl_and_the_products_own_base():
    assert make()["verb"]["id"] == "http://adlnet.gov/expapi/verbs/passed"
    assert make(verb="earned")["verb"]["id"] == "http://id.tincanapi.com/verb/earned"
    assert (
        make(verb="revoked")["verb"]["id"]
        == "https://portal.example.com/training/xapi/verbs/revoked"
    )
    with pytest.raises(ValueError):
        make(verb="liked")


def test_results_and_context():
    s = make(result=scored(83.3, passed=True))
    assert s["result"] == {
        "score": {"scaled": 0.833, "raw": 83.3, "min": 0, "max": 100},
        "completion": True,
        "success": True,
    }
    assert (
        s["context"]["contextActivities"]["parent"][0]["id"]
        == "https://portal.example.com/training/courses/smp"
    )
    assert (
        s["context"]["extensions"]["https://portal.example.com/training/xapi/extensions/version"]
        == 3
    )
    assert s["timestamp"] == "2026-05-01T09:30:00.000Z"
