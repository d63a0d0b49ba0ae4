"""Course translations: read in the documented format, checked against the source, and
stale exactly where the source changed since they were stamped."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import yaml

from lms.courses import translations as t
from lms.courses.source import load_course
from tests.conftest import FIXTURE_COURSES


def _fi(text: str) -> str:
    return f"FI {text}"


def write_translation(course, language: str = "fi") -> Path:
    """A complete translation of ``course`` in the format of docs/translations.md, made
    from its source (every text prefixed), as a translator would write it."""
    base = course.folder / "translations" / language
    (base / "modules").mkdir(parents=True)
    (base / "questions").mkdir()
    (base / "scenarios").mkdir()
    (base / "course.yaml").write_text(
        yaml.safe_dump(
            {
                "language": language,
                "title": _fi(course.title),
                "summary": _fi(course.summary),
                "modules": {m.key: {"title": _fi(m.title)} for m in course.modules},
                "facts": {f.id: _fi(f.text) for f in course.facts},
            },
            allow_unicode=True,
        )
    )
    policy = [f"# {_fi(course.policy_title)}", "", _fi(course.preamble_md)]
    for s in course.sections:
        policy += ["", f"## {_fi(s.title)} {{#{s.key}}}", "", _fi(s.body_md)]
    (base / "policy.md").write_text("\n".join(policy) + "\n")

    def question(q):
        out = {"id": q["id"], "prompt": _fi(q["prompt"])}
        if q.get("feedback"):
            out["feedback"] = _fi(q["feedback"])
        if q.get("choices"):
            out["choices"] = [
                {k: _fi(c[k]) for k in ("text", "feedback") if c.get(k)} for c in q["choices"]
            ]
        if q.get("pairs"):
            out["pairs"] = [{"left": _fi(p["left"]), "right": _fi(p["right"])} for p in q["pairs"]]
        if q.get("distractors"):
            out["distractors"] = [_fi(d) for d in q["distractors"]]
        return out

    for m in course.modules:
        (base / m.file).write_text(_fi(m.body_md))
        (base / m.questions_file).write_text(
            yaml.safe_dump([question(q) for q in m.questions], allow_unicode=True)
        )
    (base / "questions" / "final.yaml").write_text(
        yaml.safe_dump([question(q) for q in course.pool])
    )
    for s in course.scenarios:
        nodes = {}
        for n in s.data["nodes"]:
            node = {"text": _fi(n["text"])}
            if n.get("debrief"):
                node["debrief"] = _fi(n["debrief"])
            if n.get("choices"):
                node["choices"] = [
                    {k: _fi(c[k]) for k in ("text", "feedback") if c.get(k)} for c in n["choices"]
                ]
            nodes[n["id"]] = node
        (base / s.file).write_text(
            yaml.safe_dump(
                {"id": s.key, "title": _fi(s.title), "summary": _fi(s.summary), "nodes": nodes},
                allow_unicode=True,
            )
        )
    return base


@pytest.fixture
def course(tmp_path):
    folder = tmp_path / "courses" / "mini"
    shutil.copytree(FIXTURE_COURSES / "mini", folder)
    loaded, problems = load_course(folder)
    assert not problems
    write_translation(loaded)
    return loaded


def reload(course):
    loaded, problems = load_course(course.folder)
    assert not problems, problems
    return loaded


def statuses(course, language="fi"):
    _translation, reports = t.check_translation(course, language)
    return {(r.kind, r.key): r.status for r in reports}


def test_a_complete_translation_reads_clean_and_is_up_to_date_once_stamped(course):
    translation, reports = t.check_translation(course, "fi")
    assert translation.problems == []
    assert {r.status for r in reports} == {"stale"}  # translated, never stamped
    assert t.stamp(course, "fi") == len(reports)
    assert set(statuses(course).values()) == {"up_to_date"}
    assert t.translation_findings(course) == []


def test_editing_one_source_section_makes_exactly_that_section_stale(course):
    t.stamp(course, "fi")
    policy = course.folder / "policy.md"
    policy.write_text(
        policy.read_text().replace("Do not argue in public;", "Never argue in public;")
    )
    changed = {
        key: status for key, status in statuses(reload(course)).items() if status != "up_to_date"
    }
    assert changed == {("section", "complaints"): "stale"}
    (finding,) = t.translation_findings(reload(course))
    assert finding.path.endswith("translations/fi/policy.md") and finding.line > 1
    assert "[fi] section 'complaints' is stale" in finding.message


def test_structure_in_a_translation_is_an_error_with_its_line(course):
    path = course.folder / "translations" / "fi" / "questions" / "basics.yaml"
    items = yaml.safe_load(path.read_text())
    items[1]["answer"] = False  # a translator "fixing" the key
    path.write_text(yaml.safe_dump(items))
    translation, _ = t.check_translation(course, "fi")
    (problem,) = translation.problems
    assert problem.path.endswith("translations/fi/questions/basics.yaml")
    assert "'answer' is structure, which only the source language sets" in problem.message
    assert problem.line == next(
        i
        for i, line in enumerate(path.read_text().splitlines(), 1)
        if line.startswith("- ") and i > 1
    )


def test_unknown_ids_and_wrong_shapes_are_reported(course):
    path = course.folder / "translations" / "fi" / "questions" / "voice.yaml"
    items = yaml.safe_load(path.read_text())
    items[0]["choices"] = items[0]["choices"][:2]  # the source has three
    items.append({"id": "no-such-question", "prompt": "?"})
    path.write_text(yaml.safe_dump(items))
    messages = [p.message for p in t.check_translation(course, "fi")[0].problems]
    assert any("choices has 2 entries; the source has 3" in m for m in messages)
    assert any("unknown question 'no-such-question'" in m for m in messages)


def test_a_missing_item_falls_back_and_is_reported_as_missing(course):
    (course.folder / "translations" / "fi" / "modules" / "voice.md").unlink()
    assert statuses(course)[("lesson", "voice")] == "missing"
    assert t.check_translation(course, "fi")[0].problems == []


def test_stamping_one_section_only(course):
    assert t.stamp(course, "fi", {"scope"}) > 0
    by_status = statuses(course)
    assert by_status[("section", "scope")] == "up_to_date"
    assert by_status[("section", "voice")] == "stale"


def test_translation_status_prints_the_language_by_section_table(app, course):
    t.stamp(course, "fi")
    result = app.test_cli_runner().invoke(
        args=["lms", "translation-status", str(course.folder.parent)]
    )
    assert result.exit_code == 0, result.output
    assert "mini: fi" in result.output
    assert any(
        line.split() == ["complaints", "up", "to", "date"] for line in result.output.splitlines()
    )
    stamped = app.test_cli_runner().invoke(
        args=["lms", "translation-status", str(course.folder.parent), "--stamp", "fi"]
    )
    assert "0 item(s) stamped" in stamped.output
