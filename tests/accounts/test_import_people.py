"""flask lms import-people: validate every row first, all or nothing, re-import updates."""

from __future__ import annotations

from sqlalchemy import select

from lms.accounts.models import Person
from lms.db import session

GOOD = """email,name,role,manager_email,department
boss@example.com,Bea Boss,manager,,Sales
ann@example.com,Ann Able,employee,boss@example.com,Sales
ben@example.com,Ben Baker,employee,boss@example.com,Sales
"""


def _import(runner, tmp_path, text, name="people.csv"):
    path = tmp_path / name
    path.write_text(text)
    return runner.invoke(args=["lms", "import-people", str(path)])


def people(app):
    with app.app_context():
        return {
            p.email: (p.name, p.role, p.department, p.manager.email if p.manager else None)
            for p in session.scalars(select(Person))
        }


def test_import_creates_people_with_managers(app, runner, tmp_path):
    result = _import(runner, tmp_path, GOOD)
    assert result.exit_code == 0, result.output
    assert "3 created, 0 updated, 0 unchanged" in result.output
    assert people(app)["ann@example.com"] == ("Ann Able", "employee", "Sales", "boss@example.com")


def test_reimport_changes_nothing_and_never_duplicates(app, runner, tmp_path):
    _import(runner, tmp_path, GOOD)
    result = _import(runner, tmp_path, GOOD)
    assert "0 created, 0 updated, 3 unchanged" in result.output
    assert len(people(app)) == 3


def test_reimport_updates_changed_rows(app, runner, tmp_path):
    _import(runner, tmp_path, GOOD)
    changed = GOOD.replace(
        "ben@example.com,Ben Baker,employee,boss@example.com,Sales",
        "BEN@example.com,Ben Baker,employee,,Finance",
    )
    result = _import(runner, tmp_path, changed)
    assert "0 created, 1 updated, 2 unchanged" in result.output
    assert people(app)["ben@example.com"] == ("Ben Baker", "employee", "Finance", None)


def test_bad_rows_are_all_reported_and_nothing_is_imported(app, runner, tmp_path):
    bad = """email,name,role,manager_email,department
ok@example.com,Ok Person,employee,,Sales
not-an-email,No Mail,employee,,Sales
cat@example.com,,employee,,Sales
dog@example.com,Dog,wizard,,Sales
eve@example.com,Eve,employee,ghost@example.com,Sales
ok@example.com,Ok Again,employee,,Sales
"""
    result = _import(runner, tmp_path, bad)
    assert result.exit_code == 1
    out = result.output
    assert "line 3: invalid email 'not-an-email'" in out
    assert "line 4: name is empty" in out
    assert "line 5: unknown role 'wizard'" in out
    assert "line 6: manager ghost@example.com is neither in the file nor in the LMS" in out
    assert "line 7: ok@example.com already appears on line 2" in out
    assert "Nothing was imported." in out
    assert people(app) == {}


def test_manager_loops_are_refused(app, runner, tmp_path):
    loop = """email,name,role,manager_email,department
a@example.com,A,manager,b@example.com,X
b@example.com,B,manager,a@example.com,X
"""
    result = _import(runner, tmp_path, loop)
    assert result.exit_code == 1 and "manager chain loops" in result.output


def test_missing_columns(app, runner, tmp_path):
    result = _import(runner, tmp_path, "email,name\na@example.com,A\n")
    assert result.exit_code == 1
    assert "line 1: missing column(s): role, manager_email, department" in result.output


def test_manager_may_already_exist(app, runner, tmp_path, make_person):
    make_person("chief@example.com", role="manager")
    result = _import(
        runner,
        tmp_path,
        "email,name,role,manager_email,department\n"
        "new@example.com,New,employee,chief@example.com,Ops\n",
    )
    assert result.exit_code == 0, result.output
    assert people(app)["new@example.com"][3] == "chief@example.com"


def test_create_user_command(app, runner):
    result = runner.invoke(
        args=[
            "lms",
            "create-user",
            "--email",
            "Root@Example.com",
            "--name",
            "Root",
            "--role",
            "admin",
            "--password",
            "a-long-password",
        ]
    )
    assert result.exit_code == 0, result.output
    assert people(app)["root@example.com"][1] == "admin"
    again = runner.invoke(
        args=[
            "lms",
            "create-user",
            "--email",
            "root@example.com",
            "--name",
            "Root",
            "--password",
            "a-long-password",
        ]
    )
    assert again.exit_code == 1 and "already exists" in again.output


def test_a_file_that_is_not_utf8_is_refused_with_its_line(app, runner, tmp_path):
    path = tmp_path / "latin1.csv"
    path.write_bytes(
        "email,name,role,manager_email,department\na@example.com,Zoë,employee,,X\n".encode(
            "latin-1"
        )
    )
    result = runner.invoke(args=["lms", "import-people", str(path)])
    assert result.exit_code == 1
    assert "line 2: not valid UTF-8" in result.output and "Nothing was imported." in result.output
