"""The OpenAPI document: valid OpenAPI 3.1, served without a token, under the LMS prefix,
and true to the implementation (schemathesis generates requests from it against the app
in-process)."""

from __future__ import annotations

import os
import re

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from openapi_spec_validator import validate
from schemathesis import GenerationMode
from schemathesis.checks import positive_data_acceptance

API = "/api/v1"


def _served_operations() -> list[str]:
    """Every operation the API's routes serve, as "METHOD /path" (its routing fallbacks
    and the document itself aside), read from a freshly built app's url_map."""
    from app import create_app
    from lms.api.views import api
    from tests.conftest import app_config

    app = create_app(app_config("sqlite://"))
    skipped = {f"lms.api.{e}" for e in api.fallback_endpoints} | {"lms.api.openapi"}
    served = []
    for rule in app.url_map.iter_rules():
        if rule.rule.startswith(API + "/") and rule.endpoint not in skipped:
            path = re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", rule.rule.removeprefix(API))
            served += [f"{m} {path}" for m in sorted(rule.methods - {"HEAD", "OPTIONS"})]
    return sorted(served)


OPERATIONS = _served_operations()


def test_the_document_is_valid_openapi_3_1(client):
    doc = client.get("/api/v1/openapi.json").get_json()
    assert doc["openapi"].startswith("3.1.")
    validate(doc)  # the OpenAPI 3.1 specification, its schemas included (JSON Schema 2020-12)


def test_the_document_lists_exactly_the_operations_the_api_serves(client):
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200  # no token needed
    assert "public" in response.headers["Cache-Control"]  # proxies may keep it
    documented = {
        f"{method.upper()} {path}"
        for path, item in response.get_json()["paths"].items()
        for method in item
    }
    assert len(OPERATIONS) >= 8 and documented == set(OPERATIONS)
    assert "admin-level integration" in response.get_json()["info"]["description"]


def test_every_documented_operation_answers_as_documented(client, org, token, today):
    """At the document's server URL, with a real id for each path parameter: no token
    is the documented 401, the documented bearer token gets a documented status (a page
    of data, or for an empty body the documented validation answer), as JSON."""
    doc = client.get("/api/v1/openapi.json").get_json()
    (server,) = doc["servers"]
    ((scheme_name, _),) = doc["security"][0].items()
    assert doc["components"]["securitySchemes"][scheme_name]["scheme"] == "bearer"
    answered = set()
    for path, item in doc["paths"].items():
        url = server["url"] + path.replace("{person_id}", str(org.tia.id))
        assert "{" not in url, f"{path}: a path parameter this test has no value for"
        for method, operation in item.items():
            body = {} if "requestBody" in operation else None
            refused = client.open(url, method=method.upper(), json=body)
            assert refused.status_code == 401 and "401" in operation["responses"], (method, path)
            response = client.open(
                url, method=method.upper(), json=body, headers={"Authorization": f"Bearer {token}"}
            )
            assert str(response.status_code) in operation["responses"], (method, path, response)
            assert response.is_json, (method, path)
            answered.add(response.status_code)
    assert {200, 422} <= answered  # reads answered with data, empty bodies refused


def test_the_document_and_the_validation_agree_on_every_enum(api, org):
    """Each value a query parameter's enum lists is accepted, and one it does not is refused."""
    doc = api.get("/openapi.json").get_json()
    checked = 0
    for path, item in doc["paths"].items():
        for parameter in item.get("get", {}).get("parameters", []):
            values = parameter["schema"].get("enum")
            if not values:
                continue
            name = parameter["name"]
            for value in values:
                response = api.get(f"{path}?{name}={str(value).lower()}")
                assert response.status_code == 200, (path, name, value, response.get_json())
            unlisted = max(values) + 1 if parameter["schema"]["type"] == "integer" else "not-listed"
            refused = api.get(f"{path}?{name}={unlisted}").get_json()["error"]["fields"]
            assert name in refused and refused[name].startswith("must be one of:")
            checked += 1
    assert checked >= 4  # people: role, status; completions: status, within_days


def test_a_documented_limit_is_the_enforced_one(api, org):
    doc = api.get("/openapi.json").get_json()
    schemas = doc["components"]["schemas"]
    limit = schemas["PersonCreate"]["properties"]["name"]["maxLength"]
    too_long = api.post("/people", json={"email": "long@example.com", "name": "x" * (limit + 1)})
    assert too_long.get_json()["error"]["fields"] == {"name": f"must be at most {limit} characters"}
    assert (
        api.post("/people", json={"email": "long@example.com", "name": "x" * limit}).status_code
        == 201
    )
    per_page = next(
        p for p in doc["paths"]["/people"]["get"]["parameters"] if p["name"] == "per_page"
    )
    assert api.get(f"/people?per_page={per_page['schema']['maximum']}").status_code == 200
    assert api.get(f"/people?per_page={per_page['schema']['maximum'] + 1}").status_code == 422


# --- schemathesis ---------------------------------------------------------------------------

# Every default check (no 5xx, documented status codes, content types, headers and
# bodies, 4xx for data the schema forbids, 401 without the token, 405 with Allow for
# undocumented methods, ...) but positive_data_acceptance: schema-valid values can name
# people or courses that do not exist (422), which no schema can express.
EXCLUDED = [positive_data_acceptance]

# 25 examples per operation and mode, derandomized, so the suite is fast and stable.
# LMS_API_FUZZ_EXAMPLES=500 runs a longer, random exploration (before a release).
MAX_EXAMPLES = int(os.environ.get("LMS_API_FUZZ_EXAMPLES", "25"))
DERANDOMIZE = "LMS_API_FUZZ_EXAMPLES" not in os.environ


@pytest.mark.parametrize("mode", [GenerationMode.POSITIVE, GenerationMode.NEGATIVE], ids=str)
@pytest.mark.parametrize("label", OPERATIONS)
def test_the_api_matches_its_document(app, org, token, label, mode):
    """Generated requests (valid ones, then ones the document forbids) for each operation.

    (The schema is loaded inside the test rather than with ``schemathesis.pytest.from_fixture``,
    whose lazy loader does not work with pytest 9.)
    """
    # The token goes in through the document's own security scheme, so cases that drop
    # it on purpose (negative mode, ``ignored_auth``) are sent without it and expect a 401.
    config = schemathesis.Config.from_dict({"auth": {"openapi": {"bearerAuth": {"bearer": token}}}})
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app, config=config)
    assert {
        f"{op.method.upper()} {op.path}" for op in (r.ok() for r in schema.get_all_operations())
    } == set(OPERATIONS)
    operation = schema.find_operation_by_label(label)

    @given(case=operation.as_strategy(generation_mode=mode))
    @settings(
        max_examples=MAX_EXAMPLES,
        deadline=None,
        database=None,
        derandomize=DERANDOMIZE,
        suppress_health_check=list(HealthCheck),
    )
    def check(case):
        statuses.append(case.call_and_validate(excluded_checks=EXCLUDED).status_code)

    statuses: list[int] = []
    check()
    assert set(statuses) - {401}, "every request was refused: the token was not sent"
    if mode is GenerationMode.POSITIVE and label.startswith("GET"):
        assert 200 in statuses
