"""Courses and their immutable versions.

A sync that changes a course's files adds a ``CourseVersion`` with its own copy of the
policy sections, modules, questions and scenarios. Versions are never edited, because
attempts and certificates point at the version they were earned on.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Double, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, declared_attr, mapped_column, relationship

from lms.db import Base, utcnow
from lms.domain.course_settings import CourseSettings


class Course(Base):
    """A course, identified by the slug of its folder's ``course.yaml`` ``id``."""

    __tablename__ = "lms_course"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(100), unique=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    versions: Mapped[list[CourseVersion]] = relationship(
        back_populates="course", order_by="CourseVersion.number", lazy="raise_on_sql"
    )


class CourseVersion(Base):
    """One synced state of a course's files. ``settings`` holds assessment, scenario and
    certification settings as validated from ``course.yaml``."""

    __tablename__ = "lms_course_version"
    __table_args__ = (UniqueConstraint("course_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    course_id: Mapped[int] = mapped_column(ForeignKey("lms_course.id", ondelete="CASCADE"))
    number: Mapped[int] = mapped_column(Integer)
    content_hash: Mapped[str] = mapped_column(String(64))
    #: The hash of every file in the course's folder (translations included) when this
    #: version was last synced: an unchanged folder is recognised without parsing it.
    tree_hash: Mapped[str | None] = mapped_column(String(64))
    #: The policy text alone (title, preamble, every section in order): what a learner's
    #: policy acknowledgement is of. None only for versions stored before it existed.
    policy_hash: Mapped[str | None] = mapped_column(String(64))
    #: Estimated minutes, computed at sync from word counts (``lms.courses.estimates``):
    #: {"modules": {key: m}, "assessment": m, "scenarios": {key: m}, "refresher_assessment": m}.
    estimates: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    title: Mapped[str] = mapped_column(String(200))
    summary: Mapped[str] = mapped_column(Text, default="")
    policy_title: Mapped[str] = mapped_column(String(200))
    policy_preamble_html: Mapped[str] = mapped_column(Text, default="")
    settings: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    course: Mapped[Course] = relationship(back_populates="versions", lazy="joined")
    sections: Mapped[list[PolicySection]] = relationship(
        order_by="PolicySection.position", lazy="raise_on_sql", cascade="all, delete-orphan"
    )
    modules: Mapped[list[Module]] = relationship(
        order_by="Module.position", lazy="raise_on_sql", cascade="all, delete-orphan"
    )

    @property
    def course_settings(self) -> CourseSettings:
        """``settings`` read into one value, defaults filled in (see lms.domain.course_settings).

        Read once per ``settings`` value a row holds (pages ask many times per request, and
        cached versions live for the process); a new value is read again."""
        settings = self.settings
        memo = self.__dict__.get("_lms_course_settings")
        if memo is None or memo[0] is not settings:
            memo = self.__dict__["_lms_course_settings"] = (
                settings,
                CourseSettings.from_dict(settings),
            )
        return memo[1]

    @property
    def slug(self) -> str:
        return self.course.slug

    @property
    def label(self) -> str:
        return f"v{self.number}"


class VersionPart:
    """Columns every part of a version shares: its version and a key unique within it."""

    @declared_attr.directive
    def __table_args__(cls) -> tuple:
        # A function, so each table gets its own constraint object.
        return (UniqueConstraint("version_id", "key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    version_id: Mapped[int] = mapped_column(
        ForeignKey("lms_course_version.id", ondelete="CASCADE"), index=True
    )
    key: Mapped[str] = mapped_column(String(100))


class PolicySection(VersionPart, Base):
    """A policy section of one version. ``key`` is the stable id from ``{#key}``."""

    __tablename__ = "lms_policy_section"
    position: Mapped[int] = mapped_column(Integer)
    title: Mapped[str] = mapped_column(String(200))
    body_md: Mapped[str] = mapped_column(Text)
    body_html: Mapped[str] = mapped_column(Text)
    content_hash: Mapped[str] = mapped_column(String(64))


class Module(VersionPart, Base):
    """A lesson of one version, teaching one or more policy sections."""

    __tablename__ = "lms_module"
    position: Mapped[int] = mapped_column(Integer)
    title: Mapped[str] = mapped_column(String(200))
    body_html: Mapped[str] = mapped_column(Text)
    section_keys: Mapped[list[str]] = mapped_column(JSON, default=list)
    pass_mark: Mapped[int] = mapped_column(Integer, default=80)
    # Hash of the policy sections the module teaches: progress earned on an earlier
    # version still counts while this is unchanged.
    sections_hash: Mapped[str] = mapped_column(String(64))
    content_hash: Mapped[str] = mapped_column(String(64))


class Question(VersionPart, Base):
    """A question of one version: a module's knowledge check (``module_key`` set) or the
    final pool (``module_key`` NULL). ``data`` is the parsed question as JSON."""

    __tablename__ = "lms_question"
    module_key: Mapped[str | None] = mapped_column(String(100))
    section_key: Mapped[str] = mapped_column(String(100))
    position: Mapped[int] = mapped_column(Integer)
    data: Mapped[dict[str, Any]] = mapped_column(JSON)


class Scenario(VersionPart, Base):
    """A branching scenario of one version; ``data`` is the validated graph with every
    Markdown text already rendered to sanitised HTML."""

    __tablename__ = "lms_scenario"
    position: Mapped[int] = mapped_column(Integer)
    title: Mapped[str] = mapped_column(String(200))
    summary: Mapped[str] = mapped_column(Text, default="")
    required: Mapped[bool] = mapped_column(default=True)
    pass_mark: Mapped[int] = mapped_column(Integer, default=70)
    data: Mapped[dict[str, Any]] = mapped_column(JSON)


class ItemTranslation(Base):
    """One translatable item of a version in one language (``translations/<lang>/``).

    ``kind`` and ``key`` name the item as ``lms.domain.translations`` does (``section``
    ``scope``, ``node`` ``complaint/post``); ``text`` holds its text with the source's
    fields where the translation has none, Markdown already rendered to sanitised HTML.
    A translation is text only, no part of what a certificate was earned on: a sync that
    changes only translations replaces these rows of the latest version and makes no new
    version. ``stale`` says the source text changed since the item was translated (or it
    was never stamped); what a learner then sees is ``LMS_STALE_TRANSLATIONS``.
    """

    __tablename__ = "lms_item_translation"
    __table_args__ = (UniqueConstraint("version_id", "language", "kind", "key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    version_id: Mapped[int] = mapped_column(ForeignKey("lms_course_version.id", ondelete="CASCADE"))
    language: Mapped[str] = mapped_column(String(20))
    kind: Mapped[str] = mapped_column(String(20))
    key: Mapped[str] = mapped_column(Text)  # a node's is "<scenario>/<node>": no length limit
    text: Mapped[dict[str, Any]] = mapped_column(JSON)
    source_hash: Mapped[str | None] = mapped_column(String(12))  # what it was translated from
    stale: Mapped[bool] = mapped_column(default=False)


class ModuleProgress(Base):
    """A learner's progress on a module, kept across course versions by module key.

    ``sections_hash`` records which policy text the progress was earned on: when a new
    version changes the module's sections, the module must be read and passed again;
    when it does not, the progress carries over.
    """

    __tablename__ = "lms_module_progress"
    __table_args__ = (UniqueConstraint("person_id", "course_id", "module_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("lms_person.id", ondelete="CASCADE"))
    course_id: Mapped[int] = mapped_column(ForeignKey("lms_course.id", ondelete="CASCADE"))
    module_key: Mapped[str] = mapped_column(String(100))
    sections_hash: Mapped[str] = mapped_column(String(64))
    read_at: Mapped[datetime] = mapped_column(default=utcnow)
    passed_at: Mapped[datetime | None]
    # Double on every SQLAlchemy (2.0 maps a bare float to Float) and as migration 0002 made it
    best_score: Mapped[float | None] = mapped_column(Double)
