"""The code keeps its shape: no module in ``lms/`` over 400 lines, no function over 60.

A module that is a data table (a list of words, a schema written out) may be longer; it
is named below with the reason, so growing one is a decision, not an accident.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

LMS = Path(__file__).resolve().parent.parent / "lms"
MAX_MODULE_LINES = 400
MAX_FUNCTION_LINES = 60

#: Modules allowed past ``MAX_MODULE_LINES``, by path under ``lms/``, with the reason.
LONG_MODULES: dict[str, str] = {}
#: Functions allowed past ``MAX_FUNCTION_LINES`` (``path:name``), with the reason.
LONG_FUNCTIONS: dict[str, str] = {}

MODULES = sorted(LMS.rglob("*.py"))


def _name(path: Path) -> str:
    return path.relative_to(LMS).as_posix()


def test_the_package_is_found():
    assert len(MODULES) > 50  # the check below would pass vacuously on the wrong folder


@pytest.mark.parametrize("path", MODULES, ids=_name)
def test_no_module_is_too_long(path: Path):
    lines = len(path.read_text(encoding="utf-8").splitlines())
    if _name(path) in LONG_MODULES:
        return
    assert lines <= MAX_MODULE_LINES, (
        f"lms/{_name(path)} has {lines} lines (at most {MAX_MODULE_LINES}): split it by "
        "concern, or name it in LONG_MODULES with the reason if it is a data table"
    )


@pytest.mark.parametrize("path", MODULES, ids=_name)
def test_no_function_is_too_long(path: Path):
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    too_long = [
        f"{node.name} ({node.end_lineno - node.lineno + 1} lines, line {node.lineno})"
        for node in ast.walk(tree)
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef)
        and node.end_lineno - node.lineno + 1 > MAX_FUNCTION_LINES
        and f"{_name(path)}:{node.name}" not in LONG_FUNCTIONS
    ]
    assert not too_long, (
        f"lms/{_name(path)}: functions over {MAX_FUNCTION_LINES} lines: {', '.join(too_long)}"
    )


def test_the_allow_lists_name_what_exists():
    """An entry for a module or function that is gone (or short again) is dropped."""
    for name in LONG_MODULES:
        assert (LMS / name).is_file(), f"LONG_MODULES names lms/{name}, which does not exist"
    for entry in LONG_FUNCTIONS:
        name, function = entry.split(":")
        source = (LMS / name).read_text(encoding="utf-8")
        assert f"def {function}(" in source, f"LONG_FUNCTIONS names {entry}, which does not exist"


#: Modules whose functions are routes: every area's ``views.py`` and the learner pages
#: (``lms/learning/access.py`` is the course-access query the pages share, not a page).
VIEW_MODULES = sorted(
    {
        *LMS.glob("*/views.py"),
        *(p for p in (LMS / "learning").glob("*.py") if p.name not in {"__init__.py", "access.py"}),
    }
)


def _sql_in(tree: ast.AST) -> list[str]:
    """Where a module reads or writes the database itself: the session, a select, or the
    session imported from ``lms.db``."""
    found = []
    for node in ast.walk(tree):
        if (
            isinstance(node, ast.Attribute)
            and isinstance(node.value, ast.Name)
            and node.value.id == "session"
        ):
            found.append(f"line {node.lineno}: session.{node.attr}")
        elif isinstance(node, ast.Call) and (
            (isinstance(node.func, ast.Name) and node.func.id == "select")
            or (isinstance(node.func, ast.Attribute) and node.func.attr == "select")
        ):
            found.append(f"line {node.lineno}: select(...)")
        elif isinstance(node, ast.ImportFrom) and node.module == "lms.db":
            found += [
                f"line {node.lineno}: imports session" for a in node.names if a.name == "session"
            ]
    return found


def test_the_view_modules_are_found():
    assert len(VIEW_MODULES) >= 8  # the check below would pass vacuously on the wrong glob


@pytest.mark.parametrize("path", VIEW_MODULES, ids=_name)
def test_views_run_no_sql(path: Path):
    """Views turn a request into values, call a service or query, render (issue 12)."""
    found = _sql_in(ast.parse(path.read_text(encoding="utf-8"), filename=str(path)))
    assert not found, (
        f"lms/{_name(path)} runs SQL itself ({'; '.join(found)}): move the query into a "
        "named function of the area that owns the data"
    )


def test_the_sql_check_sees_sql():
    """The check above recognises each form it forbids (else it would pass on anything)."""
    source = (
        "from lms.db import session\n"
        "def page():\n"
        "    session.get(Attempt, 1)\n"
        "    return session.scalars(sa.select(Attempt))\n"
    )
    assert len(_sql_in(ast.parse(source))) == 4
    assert _sql_in(ast.parse("from lms.db import MAX_ID\nsessions.sign_in(p)\n")) == []
