"""lms.certification.pdf: the certificate reads back with pypdf (pure, no app needed)."""

from __future__ import annotations

import io
from dataclasses import replace
from datetime import date

import pytest
import segno
from pypdf import PdfReader

from lms.certification import pdf as certificate_pdf
from lms.certification.pdf import CertificateDetails, render_certificate_pdf

DETAILS = CertificateDetails(
    person_name="Dana Dąbrowska",
    course_title="Social media policy",
    version_label="v3",
    certified_on=date(2026, 11, 22),
    valid_until=date(2027, 11, 22),
    code="K7QX-4M2P",
    verify_url="http://lms.test/certificates/verify/K7QX-4M2P",
)


def read(details: CertificateDetails = DETAILS) -> PdfReader:
    data = render_certificate_pdf(details)
    assert isinstance(data, bytes) and data.startswith(b"%PDF-")
    return PdfReader(io.BytesIO(data))


def words(text: str) -> list[str]:
    return text.split()


@pytest.mark.parametrize("name", ["Dana Dąbrowska", "Sami Virtanen", "Zoë", "Łukasz Żółć"])
def test_the_text_holds_every_detail(name):
    reader = read(replace(DETAILS, person_name=name))
    text = reader.pages[0].extract_text()

    assert "Certificate of completion" in text
    assert name in text
    assert "has completed" in text
    assert "Social media policy" in text
    assert "Version v3" in text
    assert "Certified on 2026-11-22" in text
    assert "Valid until 2027-11-22" in text
    assert "Certificate code K7QX-4M2P" in text
    assert "Verify at http://lms.test/certificates/verify/K7QX-4M2P" in text
    assert "Policy training".upper() in text


def test_one_a4_landscape_page():
    reader = read()
    assert len(reader.pages) == 1
    box = reader.pages[0].mediabox
    assert float(box.width) > float(box.height)
    assert (round(float(box.width) / 72 * 25.4), round(float(box.height) / 72 * 25.4)) == (297, 210)


def test_the_qr_code_image_encodes_the_verify_url():
    page = read().pages[0]
    assert len(page.images) == 1
    image = page.images[0].image.convert("L")

    # Compare the placed image, module by module, with segno's matrix for the URL.
    matrix = segno.make_qr(DETAILS.verify_url, error="m").matrix
    modules = len(matrix)
    assert image.width == image.height and image.width % modules == 0
    scale = image.width // modules
    for row, bits in enumerate(matrix):
        for col, dark in enumerate(bits):
            pixel = image.getpixel((col * scale + scale // 2, row * scale + scale // 2))
            assert (pixel < 128) == bool(dark), (row, col)


def test_the_url_is_a_link():
    page = read().pages[0]
    uris = [a.get_object()["/A"]["/URI"] for a in page["/Annots"]]
    assert uris and set(uris) == {DETAILS.verify_url}


def test_metadata():
    meta = read(replace(DETAILS, organisation="Acme Ltd")).metadata
    assert meta.title == "Certificate of completion: Social media policy (Dana Dąbrowska)"
    assert meta.author == "Acme Ltd"
    assert meta.subject == "Social media policy"
    assert meta.creation_date.date() == date(2026, 11, 22)


def test_fonts_are_embedded_unicode_truetype():
    fonts = read().pages[0]["/Resources"]["/Font"]
    base_fonts = {f.get_object()["/BaseFont"].split("+")[-1] for f in fonts.values()}
    assert base_fonts <= {"DejaVuSansBook", "DejaVuSans", "DejaVuSansBold", "DejaVuSans-Bold"}
    assert all("/ToUnicode" in f.get_object() for f in fonts.values())


def test_same_details_same_bytes():
    assert render_certificate_pdf(DETAILS) == render_certificate_pdf(DETAILS)
    assert render_certificate_pdf(DETAILS) != render_certificate_pdf(replace(DETAILS, code="X"))


def test_long_name_and_title_still_fit_on_one_page():
    details = replace(
        DETAILS,
        person_name="Maximiliane Aurelia von Hohenzollern-Sigmaringen Łukasiewicz-Øvergaard",
        course_title=(
            "Social media policy and the acceptable use of every kind of online "
            "channel, forum, messaging service and collaboration tool at work"
        ),
        verify_url="https://training.example.com/training/certificates/verify/K7QX-4M2P-ABCDEFGH",
    )
    reader = read(details)
    assert len(reader.pages) == 1
    text = words(reader.pages[0].extract_text())
    for part in (details.person_name, details.course_title, "Valid until 2027-11-22"):
        joined = " ".join(text)
        assert " ".join(words(part)) in joined


def test_a_missing_font_is_a_clear_error(monkeypatch, tmp_path):
    monkeypatch.setattr(certificate_pdf, "FONT_DIRS", (tmp_path,))
    certificate_pdf.font_paths.cache_clear()
    try:
        with pytest.raises(certificate_pdf.FontNotFoundError, match="DejaVuSans.ttf"):
            render_certificate_pdf(DETAILS)
    finally:
        certificate_pdf.font_paths.cache_clear()


def test_the_bold_face_falls_back_to_regular(monkeypatch, tmp_path):
    regular = certificate_pdf.font_paths()[""]
    (tmp_path / "DejaVuSans.ttf").write_bytes(regular.read_bytes())
    monkeypatch.setattr(certificate_pdf, "FONT_DIRS", (tmp_path,))
    certificate_pdf.font_paths.cache_clear()
    try:
        assert certificate_pdf.font_paths() == {
            "": tmp_path / "DejaVuSans.ttf",
            "B": tmp_path / "DejaVuSans.ttf",
        }
        assert "Dana Dąbrowska" in read().pages[0].extract_text()
    finally:
        certificate_pdf.font_paths.cache_clear()
