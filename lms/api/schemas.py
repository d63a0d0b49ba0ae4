"""The API's contract as pydantic models: what each operation reads and what it answers.

Request models (``*Query`` for query strings, ``*Create``/``*Update`` for JSON bodies)
refuse unknown names and check every value with the API's messages (``fields``); response
models are what the views return and what is serialised. The OpenAPI document is
generated from these classes (``openapi.py``), so the document, the validation and the
answers are one thing. Class docstrings and field descriptions are published in it.
"""

from datetime import date, datetime
from typing import Annotated, Generic, Literal, TypeVar

from pydantic import BaseModel, ConfigDict, Field, ValidationInfo, create_model, field_validator

from lms.accounts.models import ROLES
from lms.accounts.models import STATUSES as PERSON_STATUSES
from lms.api import fields as f
from lms.certification.models import REASONS
from lms.domain.assigning import MAX_DUE_YEARS, due_date_problem
from lms.domain.assigning import OUTCOMES as ASSIGN_OUTCOMES
from lms.domain.certification import STATUSES

MAX_PAGE = 1_000_000
MAX_PER_PAGE = 200
DEFAULT_PER_PAGE = 50
MAX_PEOPLE = 1000
WITHIN_DAYS = (30, 60, 90)
#: Person statuses the API may set (invited and erased come from their own flows).
SETTABLE_PERSON_STATUSES = ("active", "inactive")
EMAIL_MAX = 254
NAME_MAX = 200
DEPARTMENT_MAX = 120
SLUG_MAX = 100
SEARCH_MAX = 100


class Query(BaseModel):
    """A query string: every parameter optional, unknown ones refused (a typo such as
    ``stauts=overdue`` must not silently return everything)."""

    model_config = ConfigDict(extra="forbid", frozen=True)


class Body(BaseModel):
    """A JSON object body: unknown fields refused, nothing coerced."""

    model_config = ConfigDict(extra="forbid")


class Record(BaseModel):
    """Something the API answers with."""

    model_config = ConfigDict(frozen=True)


# --- query strings ----------------------------------------------------------------------------


class PageQuery(Query):
    page: f.query_int(MAX_PAGE) = Field(1, description="Page number, from 1.")
    per_page: f.query_int(MAX_PER_PAGE) = Field(DEFAULT_PER_PAGE, description="Rows per page.")


_COURSE = "Course slug (422 if there is no such course)."
#: What a request naming a record that does not exist is told (``{value!r}``: the name).
NO_COURSE = "no course with slug {value!r}"
NO_PERSON = "no person with this e-mail address"
QueryCourse = Annotated[f.query_text(SLUG_MAX), f.reference("course", NO_COURSE)]


class PeopleQuery(PageQuery):
    department: f.query_text(DEPARTMENT_MAX) = f.absent(description="Exact department.")
    role: f.query_choice(ROLES) = f.absent(description="Role.")
    email: f.query_text(EMAIL_MAX) = f.absent(description="E-mail address (any case).")
    status: f.query_choice(PERSON_STATUSES) = f.absent(description="Record status.")


class CompletionQuery(PageQuery):
    status: f.query_choice(STATUSES) = f.absent(description="Status today.")
    course: QueryCourse = f.absent(description=_COURSE)
    department: f.query_text(DEPARTMENT_MAX) = f.absent(description="Exact department.")
    within_days: f.query_int_choice(WITHIN_DAYS) = f.absent(
        description="Due (assigned, in progress) or expiring (certified, renewal due) within N days."
    )
    manager_email: Annotated[f.query_text(EMAIL_MAX), f.reference("person", NO_PERSON)] = f.absent(
        description="Only this manager's reporting tree (422 if there is no such person)."
    )
    direct_only: f.QueryBool = Field(
        False, description="With manager_email: only the manager's direct reports."
    )
    search: f.query_text(SEARCH_MAX) = f.absent(description="Part of a name or e-mail address.")

    @field_validator("direct_only")
    @classmethod
    def _needs_a_manager(cls, value: bool, info: ValidationInfo) -> bool:
        if value and info.data.get("manager_email") is None:  # fields are checked in order
            raise f.problem("needs manager_email")
        return value


class CertificationQuery(PageQuery):
    course: QueryCourse = f.absent(description=_COURSE)
    email: f.query_text(EMAIL_MAX) = f.absent(description="The person's e-mail address.")
    valid_on: f.QueryDate = f.absent(
        description="Only periods valid on this date (not revoked by then)."
    )


# --- request bodies ---------------------------------------------------------------------------

_MANAGER = "E-mail of an existing person; null for none."


class PersonCreate(Body):
    email: f.email(EMAIL_MAX)
    name: f.text(NAME_MAX)
    role: f.choice(ROLES) = "employee"
    department: f.nullable_text(DEPARTMENT_MAX) = None
    manager_email: f.nullable_email(EMAIL_MAX) = Field(None, description=_MANAGER)


class PersonUpdate(Body):
    """Only the fields present change. A manager may not report to the person."""

    name: f.text(NAME_MAX) = f.absent()
    role: f.choice(ROLES) = f.absent()
    department: f.nullable_text(DEPARTMENT_MAX) = f.absent()
    manager_email: f.nullable_email(EMAIL_MAX) = f.absent(description=_MANAGER)
    status: f.choice(SETTABLE_PERSON_STATUSES) = f.absent()


class AssignmentCreate(Body):
    course: Annotated[f.text(SLUG_MAX), f.reference("course", NO_COURSE)] = Field(
        description="Course slug."
    )
    people: f.person_refs(MAX_PEOPLE, EMAIL_MAX) = Field(
        description="People by id or e-mail address."
    )
    reason: f.choice(REASONS) = "manual"
    due_on: f.NullableDate = Field(
        None,
        description=(
            f"Today or later, and at most {MAX_DUE_YEARS} years ahead (other dates are refused)."
        ),
    )
    reassign: f.Bool = Field(
        False, description="Also give people holding a valid certificate a new assignment."
    )

    @field_validator("due_on")
    @classmethod
    def _today_or_later_and_not_too_far(
        cls, value: date | None, info: ValidationInfo
    ) -> date | None:
        today = (info.context or {}).get("today")
        if value is not None and today is not None and (found := due_date_problem(value, today)):
            raise f.problem(found)
        return value


# --- answers ----------------------------------------------------------------------------------

Row = TypeVar("Row", bound=Record)


class Page(Record, Generic[Row]):
    """One page of a list, in id order (``page`` from 1)."""

    data: list[Row]
    page: int = Field(ge=1)
    per_page: int = Field(ge=1, le=MAX_PER_PAGE)
    total: int = Field(ge=0)


class Course(Record):
    id: int = Field(ge=1)
    slug: str
    title: str = Field(description="Title of the newest version.")
    version: int = Field(ge=0, description="Newest version number.")


class Person(Record):
    id: int = Field(ge=1)
    email: str
    name: str
    role: Literal[ROLES]
    status: Literal[PERSON_STATUSES]
    department: str | None
    manager_id: int | None
    manager_email: str | None


class Completion(Record):
    person_id: int = Field(ge=1)
    email: str
    name: str
    department: str | None
    manager_email: str | None
    course: str = Field(description="Course slug.")
    status: Literal[STATUSES]
    due_on: date | None = Field(
        description="Due date of the open assignment (none once certified)."
    )
    certified_on: date | None = Field(description="Start of the current certification.")
    valid_until: date | None = Field(description="Last day the certification is valid.")
    policy_acknowledged_at: datetime | None = Field(
        default=None,
        description="When the person signed the course's current policy text "
        "(courses that ask for an acknowledgement; none otherwise).",
    )


class Certification(Record):
    id: int = Field(ge=1)
    person_id: int = Field(ge=1)
    email: str
    course: str
    version: int = Field(description="Course version the period was earned on.")
    sequence: int = Field(ge=1)
    kind: Literal["initial", "renewal"]
    certified_on: date
    valid_until: date
    window_opens_on: date = Field(description="First day of the refresher window.")
    revoked_on: date | None
    code: str = Field(description="Certificate code (public verification).")
    status: Literal["certified", "renewal_due", "expired", "revoked"] = Field(
        description="Status of this period on today's date."
    )


class CourseList(Page[Course]):
    pass


class PersonList(Page[Person]):
    pass


class CompletionList(Page[Completion]):
    pass


class CertificationList(Page[Certification]):
    pass


class AssignmentOutcome(Record):
    person_id: int
    outcome: Literal[ASSIGN_OUTCOMES] = Field(
        description=(
            "assigned: a new assignment; reassigned: certified, given a new one on request; "
            "already_assigned / overdue_kept: their open assignment and its due date stay; "
            "already_certified: holds a valid certificate, skipped."
        )
    )
    due_on: date | None = Field(description="The due date now in force for them.")


#: How many people got each outcome (every outcome, in ``OUTCOMES`` order).
AssignmentSummary = create_model(
    "AssignmentSummary",
    __base__=Record,
    **{outcome: (int, Field(ge=0)) for outcome in ASSIGN_OUTCOMES},
)
AssignmentSummary.__doc__ = "How many people got each outcome."


class AssignmentResult(Record):
    count: int = Field(ge=0, description="New assignments made.")
    course: str
    person_ids: list[int]
    reason: Literal[REASONS]
    due_on: date | None
    reassign: bool
    summary: AssignmentSummary
    results: list[AssignmentOutcome]


class ErrorDetail(Record):
    code: int = Field(ge=400, le=599)
    message: str
    fields: dict[str, str] = f.absent(
        description="A message per invalid field or parameter (422 only)."
    )


class Error(Record):
    """Every error the API returns (``fields`` only for validation errors)."""

    error: ErrorDetail
