"""The policy of one course version as a printable PDF (A4 portrait, fpdf2).

Auditors and learners ask for a copy of exactly the text that was acknowledged: the PDF
prints the version number, the date it was published and the same content fingerprint
that acknowledgements store. Text is set in DejaVu Sans (as the certificate), so every
language of the course prints; italics print upright (the family ships no italic face).
"""

from __future__ import annotations

from datetime import UTC, datetime

from fpdf import FPDF
from sqlalchemy import select

from lms.certification.pdf import FONT_FAMILY, font_paths
from lms.courses.models import CourseVersion, PolicySection
from lms.db import session
from lms.i18n import format_date
from lms.i18n import gettext as _

INK = "#212529"
BULLET = "#1f4e79"


def _pdf(version: CourseVersion) -> FPDF:
    pdf = FPDF(orientation="portrait", unit="mm", format="A4")
    pdf.set_margins(20, 18, 20)
    pdf.set_auto_page_break(auto=True, margin=18)
    paths = font_paths()
    for style, path in (("", paths[""]), ("B", paths["B"]), ("I", paths[""]), ("BI", paths["B"])):
        pdf.add_font(FONT_FAMILY, style, str(path))
    pdf.set_title(version.policy_title)
    pdf.set_subject(f"{version.title} v{version.number}")
    pdf.set_creation_date(
        version.created_at.replace(tzinfo=UTC) if version.created_at else datetime.now(UTC)
    )
    return pdf


def render(version: CourseVersion) -> bytes:
    """PDF bytes of ``version``'s policy: title, version line, preamble, every section."""
    sections = session.scalars(
        select(PolicySection)
        .where(PolicySection.version_id == version.id)
        .order_by(PolicySection.position)
    ).all()
    pdf = _pdf(version)
    pdf.add_page()
    pdf.set_font(FONT_FAMILY, "B", 18)
    pdf.multi_cell(0, 9, version.policy_title, new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(FONT_FAMILY, "", 9)
    published = format_date(version.created_at.date(), "long") if version.created_at else ""
    pdf.multi_cell(
        0,
        5,
        _(
            "Version %(v)s, published %(d)s. Fingerprint %(h)s.",
            v=version.number,
            d=published,
            h=(version.policy_hash or "")[:12],
        ),
        new_x="LMARGIN",
        new_y="NEXT",
    )
    pdf.ln(4)
    body = version.policy_preamble_html + "".join(
        f"<h2>{_escape(s.title)}</h2>{s.body_html}" for s in sections
    )
    pdf.write_html(
        body, font_family=FONT_FAMILY, li_prefix_color=BULLET, warn_on_tags_not_matching=False
    )
    return bytes(pdf.output())


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
