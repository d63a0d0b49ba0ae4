"""The branching scenario player: playing, scoring, stale pages, replays and the debrief.

Uses the mini fixture course's ``complaint`` scenario:
``post`` -0-> bad-end (poor, 0) | -1-> ``reported`` -0-> ok-end (acceptable, 70)
| -1-> good-end (good, 100); pass mark 70, feedback immediate, scoring end.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from sqlalchemy import select, update

from lms import signals
from lms.courses import yamlfile
from lms.db import session
from lms.domain.scenarios import all_paths, parse_scenario, reachable_ends
from lms.scenarios import services
from lms.scenarios.models import ScenarioRun
from tests.conftest import FIXTURE_COURSES, csrf_from, login, post_form

INTRO = "/courses/mini/scenarios/complaint"
START = INTRO + "/start"
REAL_SCENARIOS = (
    Path(__file__).resolve().parents[2] / "courses" / "social-media-policy" / "scenarios"
)


# --------------------------------------------------------------------------- helpers


@pytest.fixture
def learner(client, make_person, synced):
    person = make_person("lea@example.com")
    assert login(client, person.email).status_code == 302
    return person


def start(client) -> int:
    response = post_form(client, START, {}, page=INTRO)
    assert response.status_code == 302
    match = re.search(r"/scenario-runs/(\d+)$", response.headers["Location"])
    assert match, response.headers["Location"]
    return int(match.group(1))


def node_form(client, run_id: int) -> dict:
    """The hidden fields of the node page's form (as a browser would post them)."""
    html = client.get(f"/scenario-runs/{run_id}").get_data(as_text=True)
    node = re.search(r'name="node" value="([^"]*)"', html).group(1)
    step = re.search(r'name="step" value="([^"]*)"', html).group(1)
    return {"csrf_token": csrf_from(html), "node": node, "step": step}


def choose(client, run_id: int, choice: int, form: dict | None = None, **overrides):
    """Post choice number ``choice`` (its index in the course file) as the page would: as
    the run's token for it."""
    from lms.quizzes.tokens import answer_token

    form = form or node_form(client, run_id)
    with client.application.app_context():
        token = answer_token(f"run:{run_id}", form["node"], str(choice))
    data = {**form, "choice": token, **overrides}
    return client.post(f"/scenario-runs/{run_id}/choose", data=data)


def play(client, run_id: int, choices: list[int]):
    response = None
    for c in choices:
        response = choose(client, run_id, c)
        assert response.status_code == 302
    return response


def run_row(app, run_id: int) -> ScenarioRun:
    with app.app_context():
        run = session.get(ScenarioRun, run_id)
        session.expunge(run)
        return run


def text(response) -> str:
    return response.get_data(as_text=True)


def scenario_item(html: str) -> str:
    """The course page's list item for the complaint scenario (in its own section, not
    the links of "What is left to do")."""
    html = html.split(">Scenario exercises</h2>", 1)[-1]
    match = re.search(r'<li><a href="/courses/mini/scenarios/complaint">.*?</li>', html, re.S)
    assert match, "the course page does not list the scenario"
    return match.group(0)


# --------------------------------------------------------------------------- playing


def test_intro_page_explains_and_starts(client, learner):
    html = text(client.get(INTRO))
    assert "A complaint" in html and "Pass mark: 70%" in html
    assert "score of the ending" in html
    assert ">Start<" in html
    run_id = start(client)
    html = text(client.get(f"/scenario-runs/{run_id}"))
    assert "Worst service ever" in html
    assert "Decision 1" in html
    assert "<fieldset>" in html and "<legend>" in html
    assert re.search(r'<label for="choice-a[a-z2-7]{16}">Argue</label>', html)
    assert re.search(r'<label for="choice-a[a-z2-7]{16}">Report to the social team</label>', html)
    assert not re.search(r'name="choice" value="\d', html)  # no positions in the page
    assert 'name="csrf_token"' in html
    # Back on the intro, the open run is continued, not restarted.
    assert ">Continue<" in text(client.get(INTRO))
    assert start(client) == run_id


def test_play_to_the_good_end(app, client, learner):
    received = []

    def on_finished(sender, run, **extra):
        received.append((sender, run.id, run.passed))

    signals.scenario_finished.connect(on_finished)
    try:
        run_id = start(client)
        first = choose(client, run_id, 1)
        assert first.headers["Location"].endswith(f"/scenario-runs/{run_id}")
        html = text(client.get(f"/scenario-runs/{run_id}"))
        # Immediate feedback on the last choice, styled as a good one, above the new node.
        assert "feedback-right" in html and "Right." in html
        assert html.index("Right.") < html.index("The team thanks you.")
        assert "Your path so far" in html and "Report to the social team" in html
        assert "Decision 2" in html
        last = choose(client, run_id, 1)
    finally:
        signals.scenario_finished.disconnect(on_finished)
    assert last.headers["Location"].endswith(f"/scenario-runs/{run_id}/debrief")
    run = run_row(app, run_id)
    assert run.path == [1, 1] and run.steps == 2
    assert run.finished_at is not None
    assert (run.outcome, run.score, run.passed) == ("good", 100, True)
    assert received == [(app, run_id, True)]

    html = text(client.get(f"/scenario-runs/{run_id}/debrief"))
    assert "Good outcome" in html and "Passed" in html
    assert "Your score: 100% (pass mark 70%)" in html
    assert "The team answers and the customer is helped." in html
    assert "Report, don&#39;t argue." in html or "Report, don't argue." in html
    assert html.count('<th scope="row">') == 2
    assert 'href="/courses/mini/policy#section-complaints"' in html
    assert 'href="/courses/mini/policy#section-voice"' in html
    assert "Leave it to them" in html
    assert "Play again" in html and "Back to the course" in html
    # A finished run's node page goes to the debrief.
    assert client.get(f"/scenario-runs/{run_id}").headers["Location"].endswith("/debrief")


def test_play_to_the_poor_end(app, client, learner):
    run_id = start(client)
    response = choose(client, run_id, 0)
    assert response.headers["Location"].endswith(f"/scenario-runs/{run_id}/debrief")
    run = run_row(app, run_id)
    assert (run.outcome, run.score, run.passed, run.path) == ("poor", 0, False, [0])
    html = text(client.get(f"/scenario-runs/{run_id}/debrief"))
    assert "Poor outcome" in html and "Not passed" in html
    assert "Your score: 0% (pass mark 70%)" in html
    assert "The thread explodes." in html and "Never argue in public." in html
    assert "Arguing escalates." in html
    assert html.count('<th scope="row">') == 1
    assert 'href="/courses/mini/policy#section-complaints"' in html
    assert "Not passed" in text(client.get(INTRO))


def test_acceptable_end_at_the_pass_mark_passes(app, client, learner):
    run_id = start(client)
    play(client, run_id, [1, 0])
    run = run_row(app, run_id)
    assert (run.outcome, run.score, run.passed) == ("acceptable", 70, True)
    html = text(client.get(f"/scenario-runs/{run_id}/debrief"))
    assert "Acceptable outcome" in html and "Partly right" in html


def test_unfinished_debrief_goes_to_the_node(client, learner):
    run_id = start(client)
    response = client.get(f"/scenario-runs/{run_id}/debrief")
    assert response.headers["Location"].endswith(f"/scenario-runs/{run_id}")


# --------------------------------------------------------------------------- state safety


def test_reloading_the_node_page_changes_nothing(app, client, learner):
    run_id = start(client)
    choose(client, run_id, 1)
    first = text(client.get(f"/scenario-runs/{run_id}"))
    second = text(client.get(f"/scenario-runs/{run_id}"))
    assert re.sub(r'value="[^"]{40,}"', "", first) == re.sub(r'value="[^"]{40,}"', "", second)
    run = run_row(app, run_id)
    assert run.path == [1] and run.steps == 1 and run.finished_at is None
    with app.app_context():
        assert session.scalar(select(ScenarioRun.id).where(ScenarioRun.id != run_id)) is None


def test_stale_choice_is_rejected(app, client, learner):
    run_id = start(client)
    old_page = node_form(client, run_id)
    assert old_page["step"] == "0" and old_page["node"] == "post"
    choose(client, run_id, 1, form=old_page)
    # The back button: the first page posted again, with a different choice.
    response = choose(client, run_id, 0, form=old_page)
    assert response.headers["Location"].endswith(f"/scenario-runs/{run_id}")
    html = text(client.get(f"/scenario-runs/{run_id}"))
    assert "That choice was for an earlier step of this scenario; you are here now." in html
    assert "The team thanks you." in html
    run = run_row(app, run_id)
    assert run.path == [1] and run.steps == 1 and run.finished_at is None


def test_old_step_with_current_node_or_wrong_node_is_stale(app, client, learner):
    run_id = start(client)
    form = node_form(client, run_id)
    choose(client, run_id, 1, form=form)
    # Current node id, but the page was drawn at an older step.
    choose(client, run_id, 0, form=form, node="reported")
    # Current step, but a node the run has left.
    choose(client, run_id, 0, form=form, step="1")
    run = run_row(app, run_id)
    assert run.path == [1] and run.steps == 1


def test_forged_choice_index_is_rejected(app, client, learner):
    run_id = start(client)
    response = choose(client, run_id, 99)
    assert response.headers["Location"].endswith(f"/scenario-runs/{run_id}")
    html = text(client.get(f"/scenario-runs/{run_id}"))
    assert "That choice is not one of the options here" in html
    for bad in ("-1", "x", "1.5", "99"):
        client.post(
            f"/scenario-runs/{run_id}/choose", data={**node_form(client, run_id), "choice": bad}
        )
    run = run_row(app, run_id)
    assert run.path == [] and run.steps == 0


def test_missing_choice_asks_to_pick_one(app, client, learner):
    run_id = start(client)
    form = node_form(client, run_id)
    client.post(f"/scenario-runs/{run_id}/choose", data=form)
    assert "Pick one of the choices" in text(client.get(f"/scenario-runs/{run_id}"))
    assert run_row(app, run_id).steps == 0


def test_double_submit_records_one_step(app, client, learner):
    run_id = start(client)
    form = node_form(client, run_id)
    first = choose(client, run_id, 1, form=form)
    second = choose(client, run_id, 1, form=form)
    assert first.status_code == second.status_code == 302
    run = run_row(app, run_id)
    assert run.path == [1] and run.steps == 1


def test_posting_to_a_finished_run_changes_nothing(app, client, learner):
    run_id = start(client)
    form = node_form(client, run_id)
    choose(client, run_id, 0, form=form)
    response = choose(client, run_id, 1, form=form)
    assert response.headers["Location"].endswith("/debrief")
    run = run_row(app, run_id)
    assert run.path == [0] and run.outcome == "poor"


def test_csrf_failure_records_nothing(app, client, learner):
    run_id = start(client)
    form = node_form(client, run_id)
    response = choose(client, run_id, 1, form=form, csrf_token="forged")
    assert response.headers["Location"].endswith(f"/scenario-runs/{run_id}")
    assert "The page had expired" in text(client.get(f"/scenario-runs/{run_id}"))
    assert run_row(app, run_id).steps == 0
    assert client.post(START, data={}).status_code == 302  # no token: back to the intro
    with app.app_context():
        assert session.scalar(select(ScenarioRun.id).where(ScenarioRun.id != run_id)) is None


def test_concurrent_choice_loses_the_optimistic_lock(app, client, learner):
    run_id = start(client)
    with app.app_context():
        run = session.get(ScenarioRun, run_id)  # loaded at step 0
        row = services.row_of(run)
        # Another tab records a choice after this request loaded the run.
        with app.extensions["sqlalchemy"].engine.begin() as conn:
            conn.execute(
                update(ScenarioRun).where(ScenarioRun.id == run_id).values(path=[1], steps=1)
            )
        assert run.steps == 0
        with pytest.raises(services.StaleChoice):
            services.choose(run, row, "post", 0, 0)
    run = run_row(app, run_id)
    assert run.path == [1] and run.steps == 1 and run.finished_at is None


# --------------------------------------------------------------------------- replays, access


def test_replay_creates_a_new_run_and_keeps_both(app, client, learner):
    first = start(client)
    play(client, first, [0])
    response = post_form(client, START, {}, page=f"/scenario-runs/{first}/debrief")
    second = int(response.headers["Location"].rsplit("/", 1)[1])
    assert second != first
    play(client, second, [1, 1])
    with app.app_context():
        course_id = session.get(ScenarioRun, first).course_id
        runs = services.runs_of(learner.id, course_id, "complaint")
        assert [r.id for r in runs] == [second, first]
        assert [r.outcome for r in runs] == ["good", "poor"]
    html = text(client.get(INTRO))
    assert f"/scenario-runs/{first}/debrief" in html and f"/scenario-runs/{second}/debrief" in html
    assert "Good outcome" in html and "Poor outcome" in html
    assert ">Play again<" in html


def test_another_learner_gets_404(app, client, learner, make_person):
    run_id = start(client)
    other = make_person("otto@example.com")
    other_client = app.test_client()
    login(other_client, other.email)
    assert other_client.get(f"/scenario-runs/{run_id}").status_code == 404
    assert other_client.get(f"/scenario-runs/{run_id}/debrief").status_code == 404
    html = text(other_client.get(INTRO))
    response = other_client.post(
        f"/scenario-runs/{run_id}/choose",
        data={"csrf_token": csrf_from(html), "node": "post", "step": "0", "choice": "1"},
    )
    assert response.status_code == 404
    assert run_row(app, run_id).steps == 0


def test_unknown_scenario_or_run_is_404(client, learner):
    assert client.get("/courses/mini/scenarios/nope").status_code == 404
    assert client.get("/courses/nope/scenarios/complaint").status_code == 404
    assert client.get("/scenario-runs/999999").status_code == 404


def test_signed_out_visitor_is_sent_to_sign_in(client, synced):
    assert client.get(INTRO).status_code == 302
    assert "/login" in client.get(INTRO).headers["Location"]


# --------------------------------------------------------------------------- course progress


def test_passing_the_required_scenario_shows_on_the_course_page(client, learner):
    assert "To pass" in scenario_item(text(client.get("/courses/mini/")))
    play(client, start(client), [0])
    assert "To pass" in scenario_item(text(client.get("/courses/mini/")))
    play(client, start(client), [1, 1])
    assert "Passed" in scenario_item(text(client.get("/courses/mini/")))


def test_certification_is_checked_only_when_passed(client, learner, monkeypatch):
    import lms.certification.services as certification

    calls = []
    monkeypatch.setattr(
        certification,
        "certify_if_complete",
        lambda person_id, course_id: calls.append((person_id, course_id)),
    )
    play(client, start(client), [0])
    assert calls == []
    play(client, start(client), [1, 0])
    assert len(calls) == 1 and calls[0][0] == learner.id


# --------------------------------------------------------------------------- other settings


def _tmp_course(tmp_path, app, scenario_edits=(), course_edits=()):
    from lms.courses.sync import sync_courses

    root = tmp_path / "courses"
    shutil.copytree(FIXTURE_COURSES, root)
    for path, edits in (
        (root / "mini" / "scenarios" / "complaint.yaml", scenario_edits),
        (root / "mini" / "course.yaml", course_edits),
    ):
        content = path.read_text()
        for old, new in edits:
            assert old in content
            content = content.replace(old, new)
        path.write_text(content)
    with app.app_context():
        _outcomes, problems = sync_courses(root)
    assert not problems, [str(p) for p in problems]


@pytest.fixture
def sum_course(app, tmp_path):
    # Sum mode does not use the ends' scores, so they must go (check-courses refuses them).
    _tmp_course(
        tmp_path,
        app,
        scenario_edits=[
            ("scoring: end", "scoring: sum"),
            ("feedback: immediate", "feedback: end"),
            ("end: good\n    score: 100\n", "end: good\n"),
            ("end: acceptable\n    score: 70\n", "end: acceptable\n"),
            ("end: poor\n    score: 0\n", "end: poor\n"),
        ],
    )


@pytest.mark.parametrize(
    ("choices", "score", "passed"), [([0], 0, False), ([1, 0], 75, True), ([1, 1], 100, True)]
)
def test_sum_scoring(app, client, make_person, sum_course, choices, score, passed):
    login(client, make_person("sam@example.com").email)
    html = text(client.get(INTRO))
    assert "percentage of the best possible path" in html
    assert "feedback on all your decisions at the end" in html
    run_id = start(client)
    if len(choices) > 1:
        choose(client, run_id, choices[0])
        page = text(client.get(f"/scenario-runs/{run_id}"))
        assert "Feedback on your last choice" not in page  # feedback: end
        assert "Your path so far" in page
        play(client, run_id, choices[1:])
    else:
        play(client, run_id, choices)
    run = run_row(app, run_id)
    assert (run.score, run.passed) == (score, passed)
    html = text(client.get(f"/scenario-runs/{run_id}/debrief"))
    assert f"Your score: {score}% (pass mark 70%)" in html


def test_course_pass_mark_overrides_the_scenarios(app, client, make_person, tmp_path):
    _tmp_course(
        tmp_path,
        app,
        course_edits=[("required: true\n    pass_mark: 70", "required: true\n    pass_mark: 80")],
    )
    login(client, make_person("pat@example.com").email)
    assert "Pass mark: 80%" in text(client.get(INTRO))
    run_id = start(client)
    play(client, run_id, [1, 0])
    run = run_row(app, run_id)
    assert (run.outcome, run.score, run.passed) == ("acceptable", 70, False)
    assert "Your score: 70% (pass mark 80%)" in text(client.get(f"/scenario-runs/{run_id}/debrief"))


def test_run_on_an_old_version_is_kept_and_a_new_start_uses_the_new_one(
    app, client, learner, tmp_path
):
    old = start(client)
    choose(client, old, 1)
    _tmp_course(tmp_path, app, scenario_edits=[("title: A complaint", "title: A loud complaint")])
    # The old run still plays on its own version.
    assert "The team thanks you." in text(client.get(f"/scenario-runs/{old}"))
    new = start(client)
    assert new != old
    assert "A loud complaint" in text(client.get(f"/scenario-runs/{new}"))
    assert run_row(app, old).version_id != run_row(app, new).version_id


def test_parse_is_cached_per_row(app, synced):
    from lms.courses.models import Scenario

    with app.app_context():
        row = session.scalar(select(Scenario).where(Scenario.key == "complaint"))
        assert services.parse(row) is services.parse(row)
        assert services.parse(row).start == "post"


def test_summary_line():
    assert services.summary_line("\n  > Quoted *first* line\nsecond\n\nthird") == (
        "Quoted first line second"
    )
    assert services.summary_line("It's late. You see a post.\nMore.") == "It's late."
    assert services.summary_line("The U.S. office asks. Next") == "The U.S. office asks."
    long = services.summary_line("word " * 60)
    assert long.endswith("…") and len(long) <= 120 and "wor…" not in long
    assert services.summary_line("") == ""


# --------------------------------------------------------------------------- the real course


@pytest.mark.parametrize("path", sorted(REAL_SCENARIOS.glob("*.yaml")), ids=lambda p: p.stem)
def test_real_scenarios_reach_every_end(path):
    scenario = parse_scenario(yamlfile.plain(yamlfile.load(path.read_text())))
    ends = {n.id for n in scenario.nodes.values() if n.is_end}
    assert len(scenario.nodes) >= 8
    assert len(ends) >= 3
    assert reachable_ends(scenario) == ends
    reached = set()
    for steps in all_paths(scenario):
        node = scenario.start
        for step in steps:
            node = scenario.node(step.node_id).choices[step.choice_index].next
        reached.add(node)
    assert reached == ends
    assert {scenario.node(e).outcome for e in ends} >= {"good", "poor"}


def test_there_are_real_scenarios():
    assert len(list(REAL_SCENARIOS.glob("*.yaml"))) >= 1


def test_only_one_open_run_per_scenario_and_version(app, client, learner):
    """The database itself refuses a second unfinished run (two Start clicks at once)."""
    import pytest
    from sqlalchemy.exc import IntegrityError

    run_id = start(client)
    with app.app_context():
        first = session.get(ScenarioRun, run_id)
        session.add(
            ScenarioRun(
                person_id=first.person_id,
                course_id=first.course_id,
                version_id=first.version_id,
                scenario_key=first.scenario_key,
                path=[],
                steps=0,
            )
        )
        with pytest.raises(IntegrityError):
            session.commit()
        session.rollback()
