"""Course pages."""

from __future__ import annotations

from flask import Blueprint, abort, render_template
from sqlalchemy import select

from lms.accounts.access import current_person, login_required
from lms.courses import services
from lms.courses.models import Module, PolicySection
from lms.db import session

bp = Blueprint("courses", __name__, url_prefix="/courses")


@bp.route("/<slug>/")
@login_required
def course(slug: str):
    version = services.latest_version_by_slug(slug)
    if version is None:
        abort(404)
    modules = session.scalars(select(Module).where(Module.version_id == version.id)
                              .order_by(Module.position)).all()
    return render_template("lms/courses/course.html", version=version, modules=modules,
                           person=current_person())


@bp.route("/<slug>/policy")
@login_required
def policy(slug: str):
    version = services.latest_version_by_slug(slug)
    if version is None:
        abort(404)
    sections = session.scalars(select(PolicySection).where(PolicySection.version_id == version.id)
                               .order_by(PolicySection.position)).all()
    return render_template("lms/courses/policy.html", version=version, sections=sections)
