"""The assign page's work: the form's choices (courses, departments and managers the
viewer may assign to) and the plan for what the form asks, checked afresh each time so
Confirm acts on the target as it is then."""

from __future__ import annotations

from wtforms import SelectChoice

from lms.accounts.models import Person
from lms.certification import assignments
from lms.courses.services import latest_version_by_slug
from lms.i18n import gettext as _
from lms.reports import picker, queries, reach
from lms.reports.forms import AssignForm


def set_choices(form: AssignForm, viewer: Person) -> None:
    """Fill the form's select fields with what ``viewer`` may choose."""
    courses = queries.latest_courses()
    form.course.choices = [SelectChoice(slug, title) for _id, slug, title in courses]
    people = reach.assignable_people(viewer)
    departments = sorted({p.department for p in people if p.department})
    form.department.choices = [SelectChoice("", _("Choose a department"))] + [
        SelectChoice(d, d) for d in departments
    ]
    managers = [p for p in people if p.role in ("manager", "admin")]
    if viewer.role != "admin" or viewer not in managers:
        managers = [viewer] + [m for m in managers if m.id != viewer.id]
    form.manager.choices = [SelectChoice("", _("Choose a manager"))] + [
        SelectChoice(str(m.id), m.name) for m in managers
    ]


def target_of(form: AssignForm) -> reach.Target:
    """The form's target as values (its select fields only hold ids from their choices)."""

    def as_id(value: str | None) -> int | None:
        return int(value) if value and value.isdigit() else None

    return reach.Target(
        form.target.data,
        person_ids=tuple(picker.as_ids(form.person.data)),
        department=form.department.data or None,
        manager_id=as_id(form.manager.data),
    )


def plan_for(form: AssignForm, viewer: Person) -> assignments.Plan | None:
    """What Confirm would do now, or None with a field error when the target is
    incomplete. Raises ``reach.OutsideTree`` for a manager outside the viewer's tree."""
    try:
        ids = reach.people_reached(viewer, target_of(form))
    except reach.TargetProblem as problem:
        getattr(form, problem.field).errors.append(_(problem.message))
        return None
    version = latest_version_by_slug(form.course.data)  # a valid choice: the course exists
    return assignments.plan(
        version.course_id,
        ids,
        reason=form.reason.data,
        due_on=form.due_on.data,
        reassign=bool(form.reassign.data),
    )
