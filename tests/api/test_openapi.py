"""The OpenAPI document: valid OpenAPI 3.1, served without a token, under the LMS prefix,
and true to the implementation (schemathesis generates requests from it against the app
in-process)."""

from __future__ import annotations

import os

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from openapi_spec_validator import validate
from schemathesis import GenerationMode
from schemathesis.checks import positive_data_acceptance

OPERATIONS = [
    "GET /courses",
    "GET /people",
    "POST /people",
    "GET /people/{person_id}",
    "PATCH /people/{person_id}",
    "GET /completions",
    "GET /certifications",
    "POST /assignments",
]


def test_the_document_is_valid_openapi_3_1(client):
    doc = client.get("/api/v1/openapi.json").get_json()
    assert doc["openapi"].startswith("3.1.")
    validate(doc)  # the OpenAPI 3.1 specification, its schemas included (JSON Schema 2020-12)


def test_document_describes_every_operation(client):
    response = client.get("/api/v1/openapi.json")
    assert response.headers["Cache-Control"] == "public, max-age=300"
    doc = response.get_json()
    assert doc["servers"] == [{"url": "/api/v1", "description": "This LMS"}]
    operations = {
        f"{method.upper()} {path}" for path, item in doc["paths"].items() for method in item
    }
    assert operations == set(OPERATIONS)
    assert doc["components"]["securitySchemes"]["bearerAuth"]["scheme"] == "bearer"
    assert doc["security"] == [{"bearerAuth": []}]
    assert "admin-level integration" in doc["info"]["description"]


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
