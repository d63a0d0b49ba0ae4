"""Every LMS model, imported in one place for Alembic and for test set-up."""

from lms.accounts.models import Person
from lms.courses.models import Course, CourseVersion, Module, PolicySection, Question, Scenario
from lms.db import Base

__all__ = ["Base", "Course", "CourseVersion", "Module", "Person", "PolicySection", "Question", "Scenario"]
