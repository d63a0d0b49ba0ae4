"""The certificate PDF: one A4 landscape page with a QR code of the verification URL.

Pure: no Flask, no database. ``render_certificate_pdf(CertificateDetails(...))`` returns
the PDF bytes; the same details always give the same bytes (the PDF's creation date is
the certification date, not the time of rendering).

Text is set in DejaVu Sans, a Unicode TrueType font (fpdf2's built-in fonts are Latin-1
only and could not print "Dąbrowska"). The font is looked up first in
``lms/static/fonts/`` (ship ``DejaVuSans.ttf`` and ``DejaVuSans-Bold.ttf`` there to stop
depending on the machine), then in the system folders where Debian's
``fonts-dejavu-core`` and other distributions put it.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from functools import cache
from pathlib import Path

import segno
from fpdf import FPDF
from fpdf.enums import Align, XPos, YPos

FONT_FAMILY = "DejaVu"
FONT_FILES = {"": "DejaVuSans.ttf", "B": "DejaVuSans-Bold.ttf"}
FONT_DIRS = (
    Path(__file__).resolve().parent.parent / "static" / "fonts",
    Path("/usr/share/fonts/truetype/dejavu"),
    Path("/usr/share/fonts/dejavu"),  # Fedora, Arch
    Path("/usr/share/fonts/TTF"),
    Path("/usr/local/share/fonts"),
)

# Page geometry, in millimetres (A4 landscape is 297 x 210).
PAGE_W, PAGE_H = 297.0, 210.0
MARGIN = 12.0  # outer frame
TEXT_W = 237.0  # width of the centred text block
QR_SIZE = 38.0

INK = (33, 37, 41)
MUTED = (108, 117, 125)
ACCENT = (31, 78, 121)


@dataclass(frozen=True)
class CertificateDetails:
    """What a certificate shows. ``version_label`` is printed after "Version" as given
    (``"v3"`` shows "Version v3"); ``verify_url`` is printed and encoded in the QR code."""

    person_name: str
    course_title: str
    version_label: str
    certified_on: date
    valid_until: date
    code: str
    verify_url: str
    organisation: str = "Policy training"
    #: The page's words, in the certificate holder's language (``certificate_labels``);
    #: ``certified_on_text`` / ``valid_until_text`` are the dates as that language writes them.
    labels: dict | None = None
    certified_on_text: str | None = None
    valid_until_text: str | None = None
    #: The language the words are in (the PDF's /Lang, for screen readers), as in HTML.
    language: str = "en"


#: The page's words in English; ``CertificateDetails.labels`` gives them in another language.
LABELS = {
    "title": "Certificate of completion",
    "certifies": "This certifies that",
    "completed": "has completed",
    "version": "Version %(label)s",
    "certified_on": "Certified on",
    "valid_until": "Valid until",
    "code": "Certificate code",
    "verify_at": "Verify at %(url)s",
    "scan": "Scan to verify",
    "qr_alt": "QR code: verify at %(url)s",
}


class FontNotFoundError(RuntimeError):
    """No Unicode TrueType font for the certificate could be found."""


@cache
def font_paths() -> dict[str, Path]:
    """Style ("" regular, "B" bold) -> TTF file. Bold falls back to the regular face;
    raises FontNotFoundError when even the regular face is missing."""
    found: dict[str, Path] = {}
    for style, name in FONT_FILES.items():
        for folder in FONT_DIRS:
            if (folder / name).is_file():
                found[style] = folder / name
                break
    if "" not in found:
        places = ", ".join(str(d) for d in FONT_DIRS)
        raise FontNotFoundError(
            f"{FONT_FILES['']} not found in {places}; install fonts-dejavu-core or copy "
            "DejaVuSans.ttf (and DejaVuSans-Bold.ttf) into lms/static/fonts/"
        )
    found.setdefault("B", found[""])
    return found


def qr_png(url: str, scale: int = 10) -> io.BytesIO:
    """A PNG of a (full-size, not micro) QR code of ``url``, without quiet zone: the
    certificate keeps white space around it instead."""
    buf = io.BytesIO()
    segno.make_qr(url, error="m").save(buf, kind="png", scale=scale, border=0)
    buf.seek(0)
    return buf


def render_certificate_pdf(details: CertificateDetails) -> bytes:
    """The certificate as PDF bytes: one A4 landscape page."""
    pdf = FPDF(orientation="landscape", unit="mm", format="A4")
    pdf.set_auto_page_break(auto=False)
    pdf.set_margins(MARGIN, MARGIN, MARGIN)
    for style, path in font_paths().items():
        pdf.add_font(FONT_FAMILY, style, str(path))
    words = {**LABELS, **(details.labels or {})}
    pdf.set_title(f"{words['title']}: {details.course_title} ({details.person_name})")
    pdf.set_author(details.organisation)
    pdf.set_subject(details.course_title)
    pdf.set_keywords(f"certificate {details.code}")
    pdf.set_creator(details.organisation)
    pdf.set_lang(details.language)
    pdf.set_creation_date(datetime.combine(details.certified_on, time(), tzinfo=UTC))
    pdf.add_page()
    _frame(pdf)
    _headline(pdf, details, words)
    # Bottom band: dates and code on the left, the QR code (and where it leads) on the right.
    qr_x, qr_y = PAGE_W - MARGIN - 14 - QR_SIZE, PAGE_H - MARGIN - 12 - QR_SIZE
    _facts(pdf, details, words, qr_x, qr_y)
    alt = words["qr_alt"] % {"url": details.verify_url}
    _qr(pdf, details.verify_url, words["scan"], alt, qr_x, qr_y)
    return bytes(pdf.output())


def _line(
    pdf: FPDF,
    text: str,
    y: float,
    size: float,
    *,
    bold: bool = False,
    colour: tuple[int, int, int] = INK,
    min_size: float | None = None,
) -> float:
    """Centre ``text`` at ``y``; shrink it down to ``min_size`` to fit one line, then
    wrap. Returns the y below it."""
    style = "B" if bold else ""
    size = _fit(pdf, text, style, size, min_size or size)
    pdf.set_font(FONT_FAMILY, style, size)
    pdf.set_text_color(*colour)
    pdf.set_xy((PAGE_W - TEXT_W) / 2, y)
    pdf.multi_cell(TEXT_W, size * 0.45, text, align=Align.C, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    return pdf.get_y()


def _headline(pdf: FPDF, details: CertificateDetails, words: dict[str, str]) -> None:
    """The organisation, the title, who completed which course, and its version."""
    _line(pdf, details.organisation.upper(), 26, 12, colour=MUTED, min_size=8)
    _line(pdf, words["title"], 36, 30, bold=True, colour=ACCENT, min_size=20)
    _line(pdf, words["certifies"], 60, 13, colour=MUTED)
    y = _line(pdf, details.person_name, 70, 34, bold=True, min_size=18)
    pdf.set_draw_color(*MUTED)
    pdf.set_line_width(0.3)
    pdf.line(PAGE_W / 2 - 70, y + 2, PAGE_W / 2 + 70, y + 2)
    y = _line(pdf, words["completed"], max(y + 7, 93), 13, colour=MUTED)
    y = _line(pdf, details.course_title, y + 3, 22, bold=True, colour=ACCENT, min_size=15)
    _line(pdf, words["version"] % {"label": details.version_label}, y + 2, 13, colour=MUTED)


def _facts(
    pdf: FPDF, details: CertificateDetails, words: dict[str, str], qr_x: float, qr_y: float
) -> None:
    """The dates, the code and where to verify it, left of the QR code."""
    facts_x, facts_w = MARGIN + 16, qr_x - MARGIN - 16 - 8
    pdf.set_xy(facts_x, qr_y + 2)
    for label, value in (
        (words["certified_on"], details.certified_on_text or details.certified_on.isoformat()),
        (words["valid_until"], details.valid_until_text or details.valid_until.isoformat()),
        (words["code"], details.code),
    ):
        pdf.set_x(facts_x)
        pdf.set_font(FONT_FAMILY, "", 11)
        pdf.set_text_color(*MUTED)
        pdf.cell(pdf.get_string_width(label + " "), 6.5, label + " ")
        pdf.set_font(FONT_FAMILY, "B", 11)
        pdf.set_text_color(*INK)
        pdf.cell(0, 6.5, value, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.set_xy(facts_x, pdf.get_y() + 3)
    pdf.set_font(FONT_FAMILY, "", 9)
    pdf.set_text_color(*MUTED)
    pdf.multi_cell(
        facts_w,
        4.5,
        words["verify_at"] % {"url": details.verify_url},
        align=Align.L,
        link=details.verify_url,
        new_x=XPos.LMARGIN,
        new_y=YPos.NEXT,
    )


def _qr(pdf: FPDF, url: str, scan: str, alt: str, qr_x: float, qr_y: float) -> None:
    """The QR code of the verification address, linked, with "scan to verify" below."""
    pdf.image(
        qr_png(url),
        x=qr_x,
        y=qr_y,
        w=QR_SIZE,
        h=QR_SIZE,
        link=url,
        alt_text=alt,
    )
    pdf.set_font(FONT_FAMILY, "", 7)
    pdf.set_xy(qr_x - 6, qr_y + QR_SIZE + 1.5)
    pdf.cell(QR_SIZE + 12, 3.5, scan, align=Align.C)


def _frame(pdf: FPDF) -> None:
    """A heavy outer rule and a thin inner one."""
    pdf.set_draw_color(*ACCENT)
    pdf.set_line_width(1.4)
    pdf.rect(MARGIN, MARGIN, PAGE_W - 2 * MARGIN, PAGE_H - 2 * MARGIN)
    pdf.set_line_width(0.3)
    inset = MARGIN + 3.5
    pdf.rect(inset, inset, PAGE_W - 2 * inset, PAGE_H - 2 * inset)


def _fit(pdf: FPDF, text: str, style: str, size: float, min_size: float) -> float:
    """The largest font size from ``size`` down to ``min_size`` at which ``text`` fits
    on one line of the text block (``min_size`` if none does: the text then wraps)."""
    while size > min_size:
        pdf.set_font(FONT_FAMILY, style, size)
        if pdf.get_string_width(text) <= TEXT_W - 4:
            break
        size -= 1
    return max(size, min_size)
