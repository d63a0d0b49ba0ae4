"""Revoking a certificate in a real browser: the admin confirms on its own page with a
required reason; the learner then sees "Revoked" and the reason on their home card and
My certificates, gets no download link, and the PDF address no longer serves a PDF.

Demo organisation (lms/demo.py): Chidi Okafor (chidi@) was certified 30 days ago.
"""

from __future__ import annotations

from playwright.sync_api import Page, expect

from tests.browser.conftest import new_page, sign_in

REASON = "Posted a customer's complaint, with their name, on a public forum"
COURSE_TITLE = "Social media policy"


def open_certificates_of(page: Page, base_url: str, name: str) -> None:
    sign_in(page, base_url, "admin@example.com")
    # An admin without training of their own starts on the organisation overview.
    expect(
        page.get_by_role("heading", name="Organisation: training report", level=1)
    ).to_be_visible()
    page.get_by_role("link", name=name, exact=True).first.click()
    expect(page.get_by_role("heading", name=name, level=1)).to_be_visible()


def test_revoke_then_the_learner_sees_it_and_the_pdf_is_not_valid(page, browser, live_server):
    # The learner's certificate is valid and downloadable before.
    learner = new_page(browser)
    sign_in(learner, live_server, "chidi@example.com")
    learner.get_by_role("navigation", name="Training").get_by_role(
        "link", name="My certificates"
    ).click()
    download_link = learner.get_by_role("link", name="Download PDF")
    expect(download_link).to_have_count(1)
    pdf_url = live_server + download_link.get_attribute("href")
    before = learner.request.get(pdf_url)
    assert before.status == 200 and before.headers["content-type"] == "application/pdf"

    # The admin revokes it from the person page, through the confirmation page.
    open_certificates_of(page, live_server, "Chidi Okafor")
    page.get_by_role("link", name="Revoke…").click()
    expect(page.get_by_role("heading", name="Revoke a certificate", level=1)).to_be_visible()
    expect(page.get_by_text("Chidi Okafor <chidi@example.com>")).to_be_visible()
    page.get_by_role("button", name="Revoke this certificate").click()  # no reason yet
    expect(page.get_by_text("Give the reason: the learner sees it")).to_be_visible()
    page.get_by_label("Reason").fill(REASON)
    page.get_by_role("button", name="Revoke this certificate").click()
    expect(page.get_by_role("heading", name="Chidi Okafor", level=1)).to_be_visible()
    expect(page.get_by_text("was revoked. Chidi Okafor gets an e-mail")).to_be_visible()
    certificates = page.get_by_role("table").filter(
        has=page.get_by_role("columnheader", name="Code")
    )
    expect(certificates.get_by_text("Revoked", exact=True)).to_be_visible()
    expect(certificates.get_by_text(REASON)).to_be_visible()
    expect(page.get_by_role("link", name="Revoke…")).to_have_count(0)

    # The learner sees the revocation and its reason, worded as revoked, not expired.
    learner.goto(f"{live_server}/")
    card = learner.get_by_role("listitem").filter(
        has=learner.get_by_role("heading", name=COURSE_TITLE, level=2)
    )
    expect(card.get_by_text("Revoked", exact=True)).to_be_visible()
    expect(card.get_by_text("Your certificate was revoked on")).to_be_visible()
    expect(card.get_by_text(f"Reason: {REASON}")).to_be_visible()
    expect(card.get_by_text("expired")).to_have_count(0)
    learner.get_by_role("navigation", name="Training").get_by_role(
        "link", name="My certificates"
    ).click()
    expect(learner.get_by_text(REASON)).to_be_visible()
    expect(learner.get_by_role("link", name="Download PDF")).to_have_count(0)
    expect(learner.get_by_text("No longer valid: it cannot be downloaded.")).to_be_visible()

    # The old PDF address serves no certificate any more, and says why.
    after = learner.request.get(pdf_url)
    assert after.status == 410 and after.headers["content-type"].startswith("text/html")
    response = learner.goto(pdf_url)
    assert response is not None and response.status == 410
    expect(
        learner.get_by_role("heading", name="This certificate was revoked", level=1)
    ).to_be_visible()
    expect(learner.get_by_text(f"Reason: {REASON}")).to_be_visible()

    # Anyone checking the code is told it is revoked.
    learner.get_by_role("link", name="Its verification page").click()
    expect(learner.get_by_text("Revoked", exact=True).first).to_be_visible()
    learner.context.close()
