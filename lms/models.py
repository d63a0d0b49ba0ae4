"""Every LMS model, imported in one place for Alembic and for test set-up."""

from lms.accounts.models import Invite, LoginSession, PasswordReset, Person
from lms.api.models import ApiToken
from lms.audit.models import AuditEvent
from lms.certification.models import (
    Assignment,
    CertificationPeriod,
    PolicyAcknowledgement,
    ReminderSent,
    ReviewTask,
)
from lms.courses.models import (
    Course,
    CourseVersion,
    Module,
    ModuleProgress,
    PolicySection,
    Question,
    Scenario,
)
from lms.db import Base
from lms.outbox.models import OutboxJob
from lms.quizzes.models import Attempt
from lms.reports.export_models import ExportChunk, ExportJob
from lms.scenarios.models import ScenarioRun

__all__ = [
    "ApiToken",
    "AuditEvent",
    "Invite",
    "LoginSession",
    "PasswordReset",
    "Assignment",
    "CertificationPeriod",
    "PolicyAcknowledgement",
    "ReminderSent",
    "ReviewTask",
    "Attempt",
    "Base",
    "OutboxJob",
    "ExportChunk",
    "ExportJob",
    "Course",
    "CourseVersion",
    "Module",
    "ModuleProgress",
    "Person",
    "PolicySection",
    "Question",
    "Scenario",
    "ScenarioRun",
]
