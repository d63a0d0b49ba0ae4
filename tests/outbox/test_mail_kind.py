"""E-mail through the outbox: rendered from templates for its recipient (overridable by a
host), queued once per key, delivered with a stable identity, refused payloads dead."""

from __future__ import annotations

from datetime import timedelta
from email import policy
from email.parser import BytesParser

import pytest
from flask import Flask
from sqlalchemy import update

from lms import LMS, mail, outbox
from lms.db import session
from lms.outbox.mail import Recipient, queue_mail, recipient_of, render_mail
from lms.outbox.models import OutboxJob
from tests.outbox.conftest import T0
from tests.outbox.helpers import jobs

REMINDER = {
    "kind": "overdue",
    "course_title": "Q&A <basics>",
    "course_url": "http://lms.test/courses/qa/",
    "valid_until": None,
    "due_on": T0.date(),
}


def test_a_message_is_rendered_for_its_recipient(app_ctx):
    message = render_mail("reminder", Recipient("dana@example.com", "Dana O'Neil"), REMINDER)
    assert message.to == ("dana@example.com",)
    assert message.subject == "Q&A <basics> is overdue"
    assert message.text == (
        "Hello Dana O'Neil,\n\n"
        "This training was due on Mar 2, 2026 and is not complete yet. Please complete it now.\n\n"
        "Open the course: http://lms.test/courses/qa/\n\n"
        "-- \nPolicy training\n"
    )
    assert "<title>Q&amp;A &lt;basics&gt; is overdue</title>" in message.html  # escaped in HTML
    assert "<p>Hello Dana O&#39;Neil,</p>" in message.html
    assert 'href="http://lms.test/courses/qa/"' in message.html


def test_a_recipient_without_a_name_is_greeted_plainly(app_ctx):
    assert render_mail("reminder", recipient_of("x@example.com"), REMINDER).text.startswith(
        "Hello,\n\n"
    )


def test_recipients_come_from_people_addresses_or_recipients():
    class PersonLike:
        id, email, name = 7, "p@example.com", "P"

    assert recipient_of(PersonLike()) == Recipient("p@example.com", "P", 7)
    assert recipient_of("a@example.com") == Recipient("a@example.com")
    with pytest.raises(ValueError, match="e-mail address"):
        recipient_of(object())


def test_a_host_rewords_an_email_with_its_own_template(tmp_path, database_url):
    own = tmp_path / "lms" / "email"
    own.mkdir(parents=True)
    (own / "candidate_invite.subject.txt").write_text(
        "Welcome to {{ site_name }}, {{ recipient.name }}!"
    )
    host = Flask("portal", template_folder=str(tmp_path))
    host.config.update(SQLALCHEMY_DATABASE_URI=database_url, SECRET_KEY="x", LMS_SITE_NAME="Acme")
    LMS(host, mode="host")
    with host.app_context():
        message = render_mail(
            "candidate_invite",
            Recipient("c@example.com", "Cara"),
            {
                "url": "http://portal/training/",
                "due_on": None,
                "standalone": False,
                "max_age_days": 14,
            },
        )
    assert message.subject == "Welcome to Acme, Cara!"
    assert "Sign in to the portal" in message.text  # the LMS's own body where not overridden


def test_queue_mail_stores_the_rendered_message_once_per_key(app, make_person):
    dana = make_person("dana@example.com", name="Dana")
    with app.app_context():
        from lms.accounts.models import Person

        person = session.get(Person, dana.id)
        assert (
            queue_mail(to=person, template="reminder", context=REMINDER, key="reminder:x") is True
        )
        assert (
            queue_mail(to=person, template="reminder", context=REMINDER, key="reminder:x") is False
        )
        session.commit()
    [job] = jobs(app)
    assert (job.kind, job.key, job.person_id) == ("mail", "reminder:x", dana.id)
    assert (
        job.payload["to"] == ["dana@example.com"]
        and job.payload["subject"] == "Q&A <basics> is overdue"
    )
    assert job.payload["text"].startswith("Hello Dana,") and job.payload["html"].startswith(
        "<!doctype html>"
    )


def test_a_delivered_mail_is_the_same_mail_when_delivered_again(app, tmp_path):
    """Stable Message-ID and Date: re-delivery after a crash (simulated by putting the
    done row back) rewrites the same file with the same bytes."""
    app.config.update(LMS_MAIL_BACKEND="file", LMS_MAIL_FILE_DIR=str(tmp_path))
    with app.app_context():
        queue_mail(to="a@example.com", template="reminder", context=REMINDER, key="reminder:1")
        session.commit()
        [job] = jobs(app)
        outbox.run()
        (path,) = tmp_path.glob("*.eml")
        first = path.read_bytes()
        email = BytesParser(policy=policy.default).parsebytes(first)
        assert email["Message-ID"] == f"<lms.{mail.key_digest('reminder:1')}@example.com>"
        assert email.get_body(("plain",)).get_content().startswith("Hello,")
        assert email.get_body(("html",)) is not None

        session.execute(update(OutboxJob).values(status="pending", payload=job.payload))
        session.commit()
        assert outbox.run().delivered == {"mail": 1}
    assert list(tmp_path.glob("*.eml")) == [path]
    assert path.read_bytes() == first


@pytest.mark.parametrize(
    ("payload", "error"),
    [
        ({"subject": "s", "text": "t"}, "not a mail payload"),
        ({"to": ["a@example.com"], "subject": "Hi\nBcc: all@example.com", "text": "t"}, "linefeed"),
    ],
)
def test_a_mail_that_can_never_be_sent_is_dead_at_once(app, tmp_path, payload, error):
    app.config.update(LMS_MAIL_BACKEND="file", LMS_MAIL_FILE_DIR=str(tmp_path))
    with app.app_context():
        outbox.enqueue("mail", "broken", payload, now=T0)
        session.commit()
        outcome = outbox.run(now=T0 + timedelta(seconds=1))
    [job] = jobs(app)
    assert (job.status, job.attempts) == ("dead", 1) and error in job.last_error
    assert len(outcome.dead) == 1
    assert list(tmp_path.iterdir()) == []
