"""The assign page's people picker: searchable without JavaScript, ticks kept across
searches, several people at once, one target shown at a time, plurals right."""

from __future__ import annotations

import re

from tests.conftest import csrf_from
from tests.reports.conftest import client_for
from tests.reports.test_assign import DUE, breakdown, fingerprint


def _checked(html: str) -> set[str]:
    return set(re.findall(r'name="person" value="(\d+)" id="person-\d+" checked', html))


def _listed(html: str) -> set[str]:
    return set(re.findall(r'name="person" value="(\d+)"', html))


def _form(client, **extra) -> dict:
    page = client.get("/reports/assign").get_data(as_text=True)
    return {
        "csrf_token": csrf_from(page),
        "course": "mini",
        "target": "person",
        "reason": "annual",
        "due_on": DUE,
        **extra,
    }


def test_search_ignores_accents_and_keeps_ticked_people(app, org):
    admin = client_for(app, "admin@example.com")
    alice, dana = str(org["alice@example.com"]), str(org["dana@example.com"])
    html = admin.post("/reports/assign", data=_form(admin, q="dabrowska", search="1")).get_data(
        as_text=True
    )
    assert _listed(html) == {dana}
    html = admin.post(
        "/reports/assign", data=_form(admin, q="dabrowska", search="1", person=[alice])
    ).get_data(as_text=True)
    assert _checked(html) == {alice} and _listed(html) == {alice, dana}
    assert "data-outcome=" not in html  # a search checks nothing and assigns nothing


def test_the_page_lists_only_the_managers_tree(app, org):
    lead = client_for(app, "lead@example.com")
    html = lead.get("/reports/assign").get_data(as_text=True)
    assert _listed(html) == {str(org["sami@example.com"]), str(org["tara@example.com"])}


def test_several_people_at_once_and_plurals(app, org):
    admin = client_for(app, "admin@example.com")
    people = [str(org["bruno@example.com"]), str(org["manager@example.com"])]
    form = _form(admin, person=people)
    check = admin.post("/reports/assign", data=form).get_data(as_text=True)
    assert sum(breakdown(check).values()) == 2
    done = admin.post(
        "/reports/assign", data={**form, "confirmed": fingerprint(check)}, follow_redirects=True
    )
    assert "Assigned to 2 people." in done.get_data(as_text=True)


def test_one_person_is_singular(app, org):
    admin = client_for(app, "admin@example.com")
    form = _form(admin, person=[str(org["manager@example.com"])])
    check = admin.post("/reports/assign", data=form).get_data(as_text=True)
    done = admin.post(
        "/reports/assign", data={**form, "confirmed": fingerprint(check)}, follow_redirects=True
    )
    text = done.get_data(as_text=True)
    assert "Assigned to 1 person." in text and "1 people" not in text


def test_nobody_picked_is_a_field_error(app, org):
    admin = client_for(app, "admin@example.com")
    html = admin.post("/reports/assign", data=_form(admin)).get_data(as_text=True)
    assert "Choose at least one person." in html


def test_person_page_link_preselects_and_targets_are_fieldsets(app, org):
    admin = client_for(app, "admin@example.com")
    bruno = str(org["bruno@example.com"])
    html = admin.get(f"/reports/assign?person={bruno}&course=mini").get_data(as_text=True)
    assert _checked(html) == {bruno}
    assert re.search(r'<option selected value="mini">|<option value="mini" selected>', html)
    for kind in ("person", "department", "tree"):
        assert f'data-target="{kind}"' in html
    assert "<script" not in html.split("<main")[-1]
