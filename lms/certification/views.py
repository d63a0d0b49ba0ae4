"""Certificates (list, PDF download, revocation), public verification, policy-change reviews."""

from __future__ import annotations

import re
from dataclasses import replace

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    flash,
    redirect,
    request,
    url_for,
)

from lms.accounts.access import current_person, login_required, may_view_person
from lms.accounts.models import Person
from lms.certification import acknowledgements, certificates, reviews, revocation, services
from lms.certification.forms import AcknowledgeForm, RevokeForm, name_mismatch
from lms.certification.models import CertificationPeriod
from lms.certification.pdf import CertificateDetails, render_certificate_pdf
from lms.courses import localized
from lms.courses import services as courses
from lms.courses.models import CourseVersion
from lms.domain.certificates import normal_code
from lms.i18n import force_locale, format_date, html_lang
from lms.i18n import gettext as _
from lms.web.csrf import csrf_valid
from lms.web.forms import form_status
from lms.web.templating import render
from lms.web.urls import absolute_url

bp = Blueprint("certification", __name__)

CODE = re.compile(r"^[A-Z2-7]{4}(-[A-Z2-7]{4}){3}$")


@bp.route("/certificates/")
@login_required
def mine():
    items = certificates.certificates_of(current_person().id)
    texts = localized.load([(c.period.version_id, "course", None) for c in items])
    items = [replace(c, period=_with_title(c.period, texts)) for c in items]
    return render("lms/certification/mine.html", items=items)


def _with_title(period: CertificationPeriod, texts: localized.Texts):
    """The period with its frozen course title in the page's language, when there is one."""
    details = period.details or {}
    title = texts.title(period.version_id, details.get("course_title", ""))
    if title == details.get("course_title"):
        return period
    return localized.Localized(period, details={**details, "course_title": title})


def certificate_labels() -> dict[str, str]:
    """The certificate's words in the current language (``lms.certification.pdf.LABELS``)."""
    return {
        "title": _("Certificate of completion"),
        "certifies": _("This certifies that"),
        "completed": _("has completed"),
        "version": _("Version %(label)s", label="%(label)s"),
        "certified_on": _("Certified on"),
        "valid_until": _("Valid until"),
        "code": _("Certificate code"),
        "verify_at": _("Verify at %(url)s", url="%(url)s"),
        "scan": _("Scan to verify"),
        "qr_alt": _("QR code: verify at %(url)s", url="%(url)s"),
    }


@bp.route("/certificates/<code>.pdf")
@login_required
def pdf(code: str):
    """The certificate as a PDF, for its owner and the people who may see their records.

    A revoked certificate is not served at all (410 Gone, with a page saying when and
    why): any file that looks like a certificate can be printed or cropped without a
    stamp, so after revocation no download exists that could pass for a valid one. The
    verification page and My certificates keep the history.
    """
    period = certificates.by_code(code)
    viewer = current_person()
    # The holder, or someone who may see the holder's records.
    if period is None or not (
        viewer.id == period.person_id or may_view_person(viewer, period.person_id)
    ):
        abort(404)
    if period.revoked_on is not None:
        return render("lms/certification/revoked_pdf.html", period=period), 410
    details = period.details
    owner = certificates.holder(period)
    with force_locale(owner.locale if owner else None):  # in the holder's language
        title = localized.load([(period.version_id, "course", None)]).title(
            period.version_id, details["course_title"]
        )
        data = render_certificate_pdf(
            CertificateDetails(
                person_name=details["person_name"],
                course_title=title,
                version_label=details["version_label"],
                certified_on=period.certified_on,
                valid_until=period.valid_until,
                code=period.code,
                verify_url=absolute_url("lms.certification.verify", code=period.code),
                organisation=current_app.config["LMS_SITE_NAME"],
                labels=certificate_labels(),
                certified_on_text=format_date(period.certified_on, "long"),
                valid_until_text=format_date(period.valid_until, "long"),
                language=html_lang(),
            )
        )
    filename = f"certificate-{period.code}.pdf"
    return Response(
        data,
        mimetype="application/pdf",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )


@bp.route("/verify", methods=["GET"])
def verify_form():
    """Anyone may check a certificate code (no sign-in)."""
    code = normal_code(request.args.get("code") or "")
    if code:
        return redirect(url_for(".verify", code=code))
    return render("lms/certification/verify_form.html")


@bp.route("/verify/<code>")
def verify(code: str):
    """Valid / Renewal due / Expired / Revoked, the dates and the name: nothing more.

    An unknown or malformed code is the same plain 404 either way, so the page does not
    reveal anything about codes that exist.
    """
    code = normal_code(code)
    period = certificates.by_code(code) if CODE.match(code) else None
    if period is None:
        return render("lms/certification/verify_unknown.html", code=code), 404
    texts = localized.load([(period.version_id, "course", None)])
    return render(
        "lms/certification/verify.html",
        period=_with_title(period, texts),
        status=certificates.status_of(period),
    )


@bp.route("/reviews/<lms_id:task_id>", methods=["GET", "POST"])
@login_required
def review(task_id: int):
    person = current_person()
    found = reviews.review_for(person.id, task_id)
    if found is None:
        abort(404)
    task, old, new = found.task, found.old, found.new
    # A course that asks for acknowledgements asks for one of the new text here too,
    # unless this person already signed it.
    asks = (
        acknowledgements.asks_for_it(new) and acknowledgements.current_for(person.id, new) is None
    )
    ack_form = AcknowledgeForm() if asks and task.acknowledged_at is None else None
    status = 200
    if request.method == "POST":
        if not csrf_valid():
            flash(_("The page had expired. Please confirm again."), "warning")
            return redirect(url_for(".review", task_id=task.id))
        if ack_form is None or _signed(ack_form, person, new):
            services.acknowledge(task)
            flash(_("Thank you: your review of the policy changes is recorded."), "success")
            return redirect(url_for("lms.home.index"))
        status = 422
    texts = localized.load([(new.id, "course", None), *courses.change_wants(old, new)])
    changes = courses.policy_changes(old, new, keys=set(task.section_keys), texts=texts)
    new = texts.version(new)
    return render(
        "lms/certification/review.html",
        task=task,
        new=new,
        old=old,
        changes=changes,
        version=new,
        ack_form=ack_form,
    ), status


def _signed(form: AcknowledgeForm, person: Person, version: CourseVersion) -> bool:
    """Validate the acknowledgement fields and sign; False (with field errors) otherwise."""
    if not form.validate():
        return False
    if not acknowledgements.sign_as(person, version, form.name.data):
        form.name.errors.append(name_mismatch(person))
        return False
    return True


@bp.route("/certificates/<lms_id:period_id>/revoke", methods=["GET", "POST"])
@login_required
def revoke(period_id: int):
    """Admins only: a confirmation page naming the certificate, with a required reason."""
    person = current_person()
    if person.role != "admin":
        abort(403)
    period = certificates.by_id(period_id)
    if period is None:
        abort(404)
    owner = certificates.holder(period)
    back = url_for("lms.reports.person", person_id=period.person_id)
    if period.revoked_on is not None:
        flash(
            _("This certificate was already revoked on %(d)s.", d=format_date(period.revoked_on)),
            "info",
        )
        return redirect(back)
    form = RevokeForm()
    if form.validate_on_submit():
        if revocation.revoke(period, reason=form.reason.data, by=person):
            flash(
                _(
                    "The certificate %(code)s was revoked. %(name)s gets an e-mail and sees the reason "
                    "on their certificates page.",
                    code=period.code,
                    name=owner.name,
                ),
                "success",
            )
        else:  # another admin revoked it a moment earlier
            flash(_("This certificate was already revoked."), "info")
        return redirect(back)
    return render(
        "lms/certification/revoke.html",
        form=form,
        period=period,
        owner=owner,
        status=certificates.status_of(period),
        back=back,
    ), form_status(form)
