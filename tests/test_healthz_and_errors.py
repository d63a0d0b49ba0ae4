"""Health check and the friendly error pages."""

from app import create_app
from tests.conftest import app_config, login


def test_healthz_ok(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.get_json() == {"status": "ok"}


def test_healthz_503_when_database_does_not_answer(tmp_path):
    # A SQLite path inside a missing directory cannot be opened.
    app = create_app(app_config(f"sqlite:///{tmp_path}/missing/dir/lms.sqlite3"))
    response = app.test_client().get("/healthz")
    assert response.status_code == 503
    assert response.get_json()["status"] == "unavailable"


def test_404_page_is_friendly_html(client):
    response = client.get("/no/such/page")
    assert response.status_code == 404
    assert "Page not found" in response.get_data(as_text=True)


def test_404_json_for_api_clients(client):
    response = client.get("/no/such/page", headers={"Accept": "application/json"})
    assert response.status_code == 404
    assert response.get_json()["error"]["code"] == 404


def test_unknown_course_is_404_inside_the_lms(client, make_person):
    make_person("e@example.com")
    login(client, "e@example.com")
    response = client.get("/courses/nope/")
    assert response.status_code == 404
    assert "Page not found" in response.get_data(as_text=True)


def test_ids_beyond_the_integer_column_are_404_not_a_database_error(client, make_person):
    make_person("e@example.com", role="admin")
    login(client, "e@example.com")
    huge = 2**31
    for url in (
        f"/attempts/{huge}",
        f"/attempts/{huge}/result",
        f"/scenario-runs/{huge}",
        f"/reviews/{huge}",
        f"/reports/people/{huge}",
        f"/candidates/{huge}/hire",
        f"/courses/x/versions/{huge}/changes",
        "/attempts/99999999999999999999999",
    ):
        assert client.get(url).status_code == 404, url
    assert client.get(f"/courses/mini/modules/basics?result={huge}").status_code == 404  # no course
