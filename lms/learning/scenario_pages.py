"""Branching scenario player: intro, one node per page, choices, debrief.

Plain HTML forms; the server holds the run. Each node page posts the node id and the
run's step count it was drawn at, so an out-of-date page (back button, second tab,
double click) is recognised and the learner is shown where the run really is.
"""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, request, url_for

from lms.accounts.access import current_person, login_required
from lms.courses import localized
from lms.courses.models import CourseVersion, Scenario
from lms.courses.services import version_by_id
from lms.courses.structure import structure
from lms.domain.scenarios import current_node
from lms.i18n import gettext as _
from lms.learning.access import course_or_404, may_open
from lms.scenarios import services
from lms.scenarios.models import ScenarioRun
from lms.web.csrf import csrf_valid
from lms.web.templating import render

bp = Blueprint("scenarios", __name__)


def _own(run_id: int) -> tuple[ScenarioRun, Scenario, CourseVersion]:
    """The signed-in person's run with its scenario row and version, else 404."""
    person = current_person()
    run = services.own_run(person.id, run_id)
    if run is None:
        abort(404)  # someone else's run does not exist, as far as this person knows
    version = version_by_id(run.version_id)
    row = services.row_of(run)
    if version is None or row is None or not may_open(person, version):
        abort(404)
    return run, row, version


def _texts(version: CourseVersion, row: Scenario) -> localized.Texts:
    """The page's translated text: the course title, the scenario, its nodes and the
    policy section titles (one query)."""
    return localized.load(
        [
            (version.id, "course", None),
            (row.version_id, "scenario", [row.key]),
            (row.version_id, "node", [f"{row.key}/{n['id']}" for n in row.data["nodes"]]),
            (version.id, "section", None),
        ]
    )


def _run_page(template: str, run: ScenarioRun, version: CourseVersion, scenario, texts, **page):
    """Render a page of a run: the course, the scenario row in the page's language (``row``),
    the graph the run plays on (``scenario``), and the section titles feedback links to."""
    return render(
        template,
        version=texts.version(version),
        scenario=scenario,
        run=run,
        titles=texts.section_titles(version.id, structure(version).section_titles),
        **page,
    )


def _scenario_or_404(slug: str, key: str) -> tuple[CourseVersion, Scenario]:
    """The course version and scenario row behind a scenario URL, or a 404."""
    version = course_or_404(slug)
    row = services.scenario_for(version, key)
    if row is None:
        abort(404)
    return version, row


@bp.route("/courses/<slug>/scenarios/<key>")
@login_required
def play(slug: str, key: str):
    version, row = _scenario_or_404(slug, key)
    person = current_person()
    scenario = services.parse(row)
    open_run = services.current_run(person.id, version.course_id, key)
    if open_run is not None and open_run.version_id != version.id:
        open_run = None  # a run on an older version: Start begins on the current one
    history = [
        r for r in services.runs_of(person.id, version.course_id, key) if r.finished_at is not None
    ]
    texts = localized.load([(version.id, "course", None), (version.id, "scenario", [key])])
    return render(
        "lms/scenarios/intro.html",
        version=texts.version(version),
        row=texts.scenario(row),
        scenario=scenario,
        open_run=open_run,
        history=history,
    )


@bp.route("/courses/<slug>/scenarios/<key>/start", methods=["POST"])
@login_required
def start(slug: str, key: str):
    version, row = _scenario_or_404(slug, key)
    if not csrf_valid():
        flash(_("The page had expired. Please press Start again."), "warning")
        return redirect(url_for(".play", slug=slug, key=key))
    run = services.start_run(current_person().id, version, row)
    return redirect(url_for(".run", run_id=run.id))


@bp.route("/scenario-runs/<lms_id:run_id>")
@login_required
def run(run_id: int):
    run, row, version = _own(run_id)
    if run.finished_at is not None:
        return redirect(url_for(".debrief", run_id=run.id))
    scenario = services.parse(row)
    path = services.path_of(run, scenario)
    node = current_node(scenario, path)
    if node.is_end:  # cannot happen with a consistent row; the debrief shows it anyway
        return redirect(url_for(".debrief", run_id=run.id))
    texts = _texts(version, row)
    shown = texts.scenario(row)  # the row in the page's language; ``row`` itself plays
    so_far = services.decisions(shown, path)
    last = so_far[-1] if so_far and scenario.feedback_mode == "immediate" else None
    return _run_page(
        "lms/scenarios/node.html",
        run,
        version,
        scenario,
        texts,
        row=shown,
        node=node,
        node_html=services.node_data(shown)[node.id],
        so_far=so_far,
        choices=services.choices_for_page(run, shown, node),
        last=last,
    )


@bp.route("/scenario-runs/<lms_id:run_id>/choose", methods=["POST"])
@login_required
def choose(run_id: int):
    run, row, _ver = _own(run_id)
    here = url_for(".run", run_id=run.id)
    if not csrf_valid():
        flash(
            _("The page had expired, so your choice was not recorded. Please choose again."),
            "warning",
        )
        return redirect(here)
    try:
        services.choose_token(
            run,
            row,
            request.form.get("node"),
            request.form.get("step", type=int),
            request.form.get("choice"),
        )
    except services.StaleChoice:
        flash(
            _("That choice was for an earlier step of this scenario; you are here now."), "warning"
        )
    except services.InvalidChoice:
        if request.form.get("choice", "") == "":
            flash(_("Pick one of the choices, then press Choose."), "warning")
        else:
            flash(
                _(
                    "That choice is not one of the options here. Please pick one of the "
                    "choices below."
                ),
                "warning",
            )
    if run.finished_at is not None:
        return redirect(url_for(".debrief", run_id=run.id))
    return redirect(here)


@bp.route("/scenario-runs/<lms_id:run_id>/debrief")
@login_required
def debrief(run_id: int):
    run, row, version = _own(run_id)
    if run.finished_at is None:
        return redirect(url_for(".run", run_id=run.id))
    scenario = services.parse(row)
    result = services.debrief(run, row)
    texts = _texts(version, row)
    shown = texts.scenario(row)
    end = services.node_data(shown)[result.end_node_id]
    return _run_page(
        "lms/scenarios/debrief.html",
        run,
        version,
        scenario,
        texts,
        row=shown,
        result=result,
        end=end,
        decisions=services.decisions(shown, services.path_of(run, scenario)),
    )
