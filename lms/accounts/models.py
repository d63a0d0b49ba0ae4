"""The person record: everyone the LMS trains or reports on."""

from __future__ import annotations

from datetime import datetime

from flask_login import UserMixin
from sqlalchemy import CheckConstraint, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column, relationship, validates

from lms.db import Base, utcnow
from lms.domain.text import search_key

ROLES = ("admin", "manager", "employee", "candidate")
STATUSES = ("active", "invited", "inactive", "erased")


class Person(UserMixin, Base):
    """A learner, manager or admin.

    ``email`` is stored lower-cased, so the unique constraint makes it unique without
    regard to case. In a host app, ``external_id`` links the record to the host's user.
    """

    __tablename__ = "lms_person"
    __table_args__ = (
        CheckConstraint(f"role IN {ROLES!r}", name="role"),
        CheckConstraint(f"status IN {STATUSES!r}", name="status"),
        # Reports list people by name a page at a time: read in order, never sorted.
        Index("ix_lms_person_name_id", "name", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    role: Mapped[str] = mapped_column(String(20), default="employee")
    manager_id: Mapped[int | None] = mapped_column(
        ForeignKey("lms_person.id", ondelete="SET NULL"), index=True
    )
    department: Mapped[str | None] = mapped_column(String(120), index=True)
    status: Mapped[str] = mapped_column(String(20), default="active")
    password_hash: Mapped[str | None] = mapped_column(String(255))
    external_id: Mapped[str | None] = mapped_column(String(255), unique=True)
    #: The language the person chose for the interface, course, e-mails and certificate
    #: (a catalogue code such as "fi"); None: the browser's, then LMS_DEFAULT_LOCALE.
    locale: Mapped[str | None] = mapped_column(String(16))
    #: Name and e-mail folded for accent- and case-insensitive search (lms.domain.text);
    #: kept in step by ``_fold_for_search`` and by every bulk write of names.
    search_name: Mapped[str | None] = mapped_column(String(500), index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    manager: Mapped[Person | None] = relationship(remote_side=[id])

    #: The sign-in this object was loaded for (standalone mode; see lms.accounts.sessions).
    login_token = None  # not a column: set per request

    def get_id(self) -> str:  # Flask-Login: the session and remember cookie carry the sign-in
        return f"{self.id}.{self.login_token}" if self.login_token else str(self.id)

    @validates("name", "email")
    def _fold_for_search(self, key: str, value: str) -> str:
        name = value if key == "name" else self.name
        email = value if key == "email" else self.email
        self.search_name = search_key(name, email)
        return value

    @property
    def is_active(self) -> bool:  # Flask-Login: inactive or erased people cannot sign in
        return self.status in ("active", "invited")

    @property
    def is_admin(self) -> bool:
        return self.role == "admin"

    @property
    def is_manager(self) -> bool:
        return self.role in ("manager", "admin")

    def __repr__(self) -> str:
        return f"<Person {self.id} {self.email} {self.role}>"


class Invite(Base):
    """A single-use, expiring invitation for a candidate to set a password.

    The link carries a signed token; only its SHA-256 is stored, and ``used_at`` makes it
    single-use.
    """

    __tablename__ = "lms_invite"

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(
        ForeignKey("lms_person.id", ondelete="CASCADE"), index=True
    )
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("lms_person.id", ondelete="SET NULL")
    )
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime]
    used_at: Mapped[datetime | None]


class LoginSession(Base):
    """One sign-in (standalone mode): what a session or remember cookie must name to count.

    The cookie carries a random token; only its SHA-256 is stored. Signing out deletes the
    row, and a password change or reset deletes all of a person's rows, so a copied cookie
    stops working at once, on the server.
    """

    __tablename__ = "lms_login_session"

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(
        ForeignKey("lms_person.id", ondelete="CASCADE"), index=True
    )
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    remember: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime]


class PasswordReset(Base):
    """A single-use, expiring password-reset link (standalone mode); only its SHA-256 is
    stored, and ``used_at`` makes it single-use."""

    __tablename__ = "lms_password_reset"

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(
        ForeignKey("lms_person.id", ondelete="CASCADE"), index=True
    )
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime]
    used_at: Mapped[datetime | None]
