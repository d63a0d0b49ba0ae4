"""lms.mail: the four backends, the default sender, multipart mails, stable identity of
keyed messages, idempotent file writes and bad configuration.

The SMTP tests talk to a minimal SMTP server started here on 127.0.0.1 (a free port),
speaking just enough of the protocol for smtplib: EHLO/HELO, AUTH PLAIN, MAIL, RCPT,
DATA, RSET, NOOP, QUIT.
"""

from __future__ import annotations

import base64
import socketserver
import threading
from datetime import datetime
from email import policy
from email.parser import BytesParser
from pathlib import Path

import pytest
from sqlalchemy import select

from lms import mail
from lms.mail import Message

SENDER = "Policy training <training@example.com>"


def parse(data: bytes):
    return BytesParser(policy=policy.default).parsebytes(data)


# ------------------------------------------------------------------------ a tiny SMTP


class _SMTPHandler(socketserver.StreamRequestHandler):
    def reply(self, line: str) -> None:
        self.wfile.write(line.encode() + b"\r\n")

    def handle(self) -> None:
        server: TinySMTPServer = self.server  # type: ignore[assignment]
        with server.lock:
            server.connections += 1
        envelope: dict = {"mail_from": None, "rcpt_to": []}
        self.reply("220 tiny.test ESMTP")
        while line := self.rfile.readline():
            command = line.decode("ascii", "replace").rstrip("\r\n")
            verb = command.split(" ", 1)[0].upper()
            if verb == "EHLO":
                self.reply("250-tiny.test")
                self.reply("250-AUTH PLAIN")
                self.reply("250 8BITMIME")
            elif verb == "HELO":
                self.reply("250 tiny.test")
            elif verb == "AUTH":
                _, mechanism, initial = command.split(" ", 2)
                _, user, password = base64.b64decode(initial).decode().split("\0")
                with server.lock:
                    server.logins.append((mechanism, user, password))
                self.reply("235 2.7.0 Authentication successful")
            elif verb == "MAIL":
                envelope = {"mail_from": command.split(":", 1)[1].split()[0], "rcpt_to": []}
                self.reply("250 OK")
            elif verb == "RCPT":
                address = command.split(":", 1)[1].strip()
                if address.strip("<>") in server.refuse:
                    self.reply("550 5.1.1 No such user")
                    continue
                envelope["rcpt_to"].append(address)
                self.reply("250 OK")
            elif verb == "DATA":
                self.reply("354 End data with <CR><LF>.<CR><LF>")
                lines = []
                while (data_line := self.rfile.readline()) not in (b".\r\n", b""):
                    lines.append(data_line[1:] if data_line.startswith(b"..") else data_line)
                # Stored as an MTA would: the wire's CRLF line ends become "\n".
                data = b"".join(lines).replace(b"\r\n", b"\n")
                with server.lock:
                    server.received.append({**envelope, "data": data})
                self.reply("250 OK queued")
            elif verb in ("RSET", "NOOP"):
                self.reply("250 OK")
            elif verb == "QUIT":
                self.reply("221 Bye")
                return
            else:
                self.reply("502 Command not implemented")


class TinySMTPServer(socketserver.ThreadingTCPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), _SMTPHandler)
        self.lock = threading.Lock()
        self.connections = 0
        self.logins: list[tuple[str, str, str]] = []
        self.received: list[dict] = []
        self.refuse: set[str] = set()  # addresses answered with 550

    @property
    def port(self) -> int:
        return self.server_address[1]


@pytest.fixture
def smtp_server():
    server = TinySMTPServer()
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


@pytest.fixture
def smtp_app(app_ctx, smtp_server):
    app_ctx.config.update(
        LMS_MAIL_BACKEND="smtp",
        LMS_SMTP_HOST="127.0.0.1",
        LMS_SMTP_PORT=smtp_server.port,
        LMS_SMTP_STARTTLS=False,
        LMS_SMTP_USERNAME=None,
        LMS_SMTP_PASSWORD=None,
    )
    return app_ctx


# ------------------------------------------------------------------------------ Message


def test_message_accepts_one_address_as_a_string():
    assert Message(to="dana@example.com", subject="s", text="t").to == ("dana@example.com",)


@pytest.mark.parametrize("to", [(), ("",), ["  "]])
def test_message_needs_a_recipient(to):
    with pytest.raises(ValueError, match="recipient"):
        Message(to=to, subject="s", text="t")


# ------------------------------------------------------------------------------ memory


def test_memory_backend_collects_with_the_default_sender(app_ctx):
    assert app_ctx.config["LMS_MAIL_BACKEND"] == "memory"
    assert mail.outbox() == []
    first = Message(to=("dana@example.com",), subject="Welcome", text="Hello Dana")
    own = Message(to=("sami@example.com",), subject="Hi", text="Hello", sender="hr@example.com")

    assert mail.send(first) == 1
    assert mail.send([own]) == 1

    box = mail.outbox()
    assert [m.subject for m in box] == ["Welcome", "Hi"]
    assert box[0].sender == SENDER
    assert box[0].to == ("dana@example.com",)
    assert box[1].sender == "hr@example.com"
    assert box is app_ctx.extensions["lms"].extra["outbox"]


def test_send_counts_a_generator_and_an_empty_batch(app_ctx):
    assert (
        mail.send(Message(to=(f"p{i}@example.com",), subject=str(i), text="x") for i in range(3))
        == 3
    )
    assert mail.send([]) == 0
    assert len(mail.outbox()) == 3


def test_send_rejects_what_is_not_a_message(app_ctx):
    with pytest.raises(TypeError, match="Message"):
        mail.send(["dana@example.com"])
    assert mail.outbox() == []


def test_outbox_is_per_app(app):
    with app.app_context():
        mail.send(Message(to=("a@example.com",), subject="s", text="t"))
    with app.app_context():
        assert len(mail.outbox()) == 1
        mail.outbox().clear()
        assert mail.outbox() == []


# --------------------------------------------------------------------------- unknown


@pytest.mark.parametrize("name", ["carrier-pigeon", "", None])
def test_unknown_backend_is_a_clear_error(app_ctx, name):
    app_ctx.config["LMS_MAIL_BACKEND"] = name
    with pytest.raises(ValueError, match=r"unknown mail backend.*console, file, memory, smtp"):
        mail.send(Message(to=("a@example.com",), subject="s", text="t"))


def test_a_backend_name_registers_once():
    with pytest.raises(ValueError, match="already registered"):
        mail.register_backend("memory")(lambda messages: None)


# ---------------------------------------------------------------------------- console


def test_console_backend_prints_headers_and_text(app_ctx, capsys):
    app_ctx.config["LMS_MAIL_BACKEND"] = "console"
    sent = mail.send(
        Message(
            to=("Zoë <zoe@example.com>", "sami@example.com"),
            subject="Your certificate",
            text="Well done, Zoë.",
            html="<p>Well done</p>",
        )
    )
    out = capsys.readouterr().out
    assert sent == 1
    assert f"From: {SENDER}" in out
    assert "To: Zoë <zoe@example.com>, sami@example.com" in out
    assert "Subject: Your certificate" in out
    assert "Well done, Zoë." in out
    assert "HTML alternative" in out
    assert mail.outbox() == []


# ------------------------------------------------------------------------------- file


def test_file_backend_writes_parseable_eml_files(app_ctx, tmp_path):
    folder = tmp_path / "outbox" / "nested"
    app_ctx.config.update(LMS_MAIL_BACKEND="file", LMS_MAIL_FILE_DIR=str(folder))
    messages = [
        Message(
            to=(f"Dana Dąbrowska <dana{i}@example.com>",),
            subject=f"Reminder {i}: zażółć",
            text=f"Hello Dana,\nmessage {i}.\n",
        )
        for i in range(5)
    ]
    assert mail.send(messages) == 5

    files = sorted(folder.iterdir())
    assert len(files) == 5
    assert all(f.suffix == ".eml" for f in files)
    for i, path in enumerate(files):  # sorted names follow the order they were sent in
        email = parse(path.read_bytes())
        assert email["To"] == f"Dana Dąbrowska <dana{i}@example.com>"
        assert email["To"].addresses[0].addr_spec == f"dana{i}@example.com"
        assert email["From"] == SENDER
        assert email["Subject"] == f"Reminder {i}: zażółć"
        assert email["Date"] and email["Message-ID"].endswith("@example.com>")
        assert not email.is_multipart()
        assert email.get_content() == f"Hello Dana,\nmessage {i}.\n"


def test_file_backend_writes_multipart_alternative_for_html(app_ctx, tmp_path):
    app_ctx.config.update(LMS_MAIL_BACKEND="file", LMS_MAIL_FILE_DIR=str(tmp_path))
    mail.send(
        Message(
            to=("a@example.com",),
            subject="s",
            text="plain body",
            html="<p>rich <b>body</b></p>",
            sender="hr@example.com",
        )
    )

    (path,) = tmp_path.glob("*.eml")
    email = parse(path.read_bytes())
    assert email.get_content_type() == "multipart/alternative"
    assert email["From"] == "hr@example.com"
    assert [p.get_content_type() for p in email.iter_parts()] == ["text/plain", "text/html"]
    assert email.get_body(("plain",)).get_content().strip() == "plain body"
    assert email.get_body(("html",)).get_content().strip() == "<p>rich <b>body</b></p>"


def test_file_names_are_unique_when_written_at_once(app_ctx, tmp_path):
    app_ctx.config.update(LMS_MAIL_BACKEND="file", LMS_MAIL_FILE_DIR=str(tmp_path))
    mail.send(Message(to=("a@example.com",), subject="same", text="same") for _ in range(50))
    assert len(list(Path(tmp_path).glob("*.eml"))) == 50


def test_a_line_break_in_a_header_is_refused(app_ctx, tmp_path):
    app_ctx.config.update(LMS_MAIL_BACKEND="file", LMS_MAIL_FILE_DIR=str(tmp_path))
    with pytest.raises(ValueError, match="linefeed"):
        mail.send(Message(to=("a@example.com",), subject="Hi\nBcc: all@example.com", text="t"))
    assert list(tmp_path.glob("*.eml")) == []


# ------------------------------------------------------------------------------- smtp


def test_smtp_backend_sends_a_batch_over_one_connection(smtp_app, smtp_server):
    messages = [
        Message(
            to=("Dana Dąbrowska <dana@example.com>",),
            subject="Certificate",
            text="Well done.\n.\nA line with only a dot above.\n",
            html="<p>Well done.</p>",
        ),
        Message(
            to=("sami@example.com", "tara@example.com"),
            subject="Reminder",
            text="Your refresher is due.\n",
            sender="hr@example.com",
        ),
    ]
    assert mail.send(messages) == 2

    assert smtp_server.connections == 1
    assert smtp_server.logins == []
    first, second = smtp_server.received
    assert first["mail_from"] == "<training@example.com>"
    assert first["rcpt_to"] == ["<dana@example.com>"]
    email = parse(first["data"])
    assert email["Subject"] == "Certificate"
    assert email["To"] == "Dana Dąbrowska <dana@example.com>"
    assert email.get_content_type() == "multipart/alternative"
    assert email.get_body(("plain",)).get_content() == (
        "Well done.\n.\nA line with only a dot above.\n"
    )

    assert second["mail_from"] == "<hr@example.com>"
    assert second["rcpt_to"] == ["<sami@example.com>", "<tara@example.com>"]
    assert parse(second["data"]).get_content() == "Your refresher is due.\n"


def test_smtp_backend_logs_in_when_a_username_is_set(smtp_app, smtp_server):
    smtp_app.config.update(LMS_SMTP_USERNAME="lms", LMS_SMTP_PASSWORD="s3cret")
    mail.send(Message(to=("a@example.com",), subject="s", text="t"))
    assert smtp_server.logins == [("PLAIN", "lms", "s3cret")]
    assert len(smtp_server.received) == 1


def test_smtp_backend_never_falls_back_to_plain_text_when_starttls_is_on(smtp_app, smtp_server):
    import smtplib

    smtp_app.config["LMS_SMTP_STARTTLS"] = True  # the tiny server offers no STARTTLS
    with pytest.raises(smtplib.SMTPNotSupportedError):
        mail.send(Message(to=("a@example.com",), subject="s", text="t"))
    assert smtp_server.received == []


def test_smtp_backend_opens_no_connection_for_nothing(smtp_app, smtp_server):
    assert mail.send([]) == 0
    assert smtp_server.connections == 0


def test_connect_sends_several_messages_over_one_connection(smtp_app, smtp_server):
    with mail.connect() as deliver:
        for i in range(3):
            deliver(Message(to=(f"p{i}@example.com",), subject=str(i), text="x"))
    assert smtp_server.connections == 1
    assert [r["rcpt_to"] for r in smtp_server.received] == [
        [f"<p{i}@example.com>"] for i in range(3)
    ]


# --------------------------------------------------------------- keyed messages


QUEUED_AT = datetime(2026, 3, 2, 9, 15, 30, 123456)


def test_a_keyed_message_has_a_stable_message_id_and_date(app_ctx):
    keyed = Message(
        to="a@example.com",
        subject="s",
        text="t",
        key="reminder:1:2:expired:period:3",
        date=QUEUED_AT,
    )
    first, again = mail.as_email(keyed), mail.as_email(keyed)
    assert (
        first["Message-ID"]
        == again["Message-ID"]
        == (f"<lms.{mail.key_digest(keyed.key)}@example.com>")
    )
    assert first["Date"] == "Mon, 02 Mar 2026 09:15:30 +0000"
    other = mail.as_email(
        Message(to="a@example.com", subject="s", text="t", key="reminder:1:2:expired:period:4")
    )
    assert other["Message-ID"] != first["Message-ID"]
    unkeyed = Message(to="a@example.com", subject="s", text="t")
    assert mail.as_email(unkeyed)["Message-ID"] != mail.as_email(unkeyed)["Message-ID"]


def test_file_backend_writes_a_keyed_message_once(app_ctx, tmp_path):
    app_ctx.config.update(LMS_MAIL_BACKEND="file", LMS_MAIL_FILE_DIR=str(tmp_path))
    message = Message(to="a@example.com", subject="s", text="t", key="invite:9", date=QUEUED_AT)
    mail.send(message)
    (path,) = tmp_path.iterdir()
    written = path.read_bytes()
    assert path.name == f"20260302T091530123456Z-{mail.key_digest('invite:9')}.eml"

    mail.send(message)  # delivered again, as after a crash before it was marked sent
    assert list(tmp_path.iterdir()) == [path]
    assert path.read_bytes() == written


def test_file_backend_replaces_what_a_killed_writer_left(app_ctx, tmp_path):
    app_ctx.config.update(LMS_MAIL_BACKEND="file", LMS_MAIL_FILE_DIR=str(tmp_path))
    message = Message(to="a@example.com", subject="s", text="whole body", key="k", date=QUEUED_AT)
    name = mail.file_name(message)
    (tmp_path / f".{name}.tmp").write_bytes(b"From: half a mess")  # killed mid-write
    mail.send(message)
    assert [p.name for p in tmp_path.iterdir()] == [name]
    assert parse((tmp_path / name).read_bytes()).get_content() == "whole body\n"


def test_smtp_refusal_of_a_recipient_raises(smtp_app, smtp_server):
    import smtplib

    smtp_server.refuse.add("gone@example.com")
    with pytest.raises(smtplib.SMTPRecipientsRefused):
        mail.send(Message(to=("gone@example.com",), subject="s", text="t"))


def test_the_outbox_worker_sends_a_batch_over_one_connection(smtp_app, smtp_server):
    """Queued mail goes out through one SMTP connection per batch; an address the server
    refuses for good (5xx) is a dead job, not a retry, and does not stop the others."""
    from lms import outbox
    from lms.db import session
    from lms.outbox.mail import queue_mail
    from lms.outbox.models import OutboxJob

    smtp_server.refuse.add("gone@example.com")
    context = {"url": "http://lms.test/", "due_on": None, "standalone": False, "max_age_days": 14}
    for address in ("a@example.com", "gone@example.com", "b@example.com"):
        queue_mail(
            to=address, template="candidate_invite", context=context, key=f"invite:{address}"
        )
    session.commit()

    outcome = outbox.run()
    assert smtp_server.connections == 1
    assert [r["rcpt_to"] for r in smtp_server.received] == [
        ["<a@example.com>"],
        ["<b@example.com>"],
    ]
    assert outcome.delivered == {"mail": 2} and [job.key for job, _ in outcome.dead] == [
        "invite:gone@example.com"
    ]
    statuses = dict(session.execute(select(OutboxJob.key, OutboxJob.status)).all())
    assert statuses == {
        "invite:a@example.com": "done",
        "invite:gone@example.com": "dead",
        "invite:b@example.com": "done",
    }
    received = parse(smtp_server.received[0]["data"])
    assert received["Message-ID"] == f"<lms.{mail.key_digest('invite:a@example.com')}@example.com>"
