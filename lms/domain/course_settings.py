"""A course version's settings as one frozen value, with every default written once.

The course checker validates ``course.yaml`` and stores the settings as JSON with the
version (``CourseVersion.settings``); everything that needs a setting reads this value
instead of picking string keys out of that JSON, so a default (12 questions drawn, a pass
mark of 80, a review due in 30 days, a refresher drawing half the assessment) lives here
and nowhere else.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass, field
from types import MappingProxyType
from typing import Any

from lms.domain.certification import CertificationRules, rules_from


@dataclass(frozen=True)
class AssessmentSettings:
    """The final assessment: how many questions are drawn and how it is passed.

    ``max_attempts`` None means unlimited; ``cooldown_minutes`` is the wait between
    failed attempts; ``reveal_answers`` shows the right answers on the result page.
    """

    draw: int = 12
    pass_mark: int = 80
    max_attempts: int | None = None
    cooldown_minutes: int = 0
    reveal_answers: bool = False


@dataclass(frozen=True)
class RefresherSettings:
    """What the refresher asks (``certification.refresher`` in ``course.yaml``).

    ``draw`` None means half the assessment's draw (see :attr:`CourseSettings.refresher_draw`);
    ``scenario`` is the one scenario to replay, None for none.
    """

    all_modules: bool = False
    draw: int | None = None
    scenario: str | None = None


@dataclass(frozen=True)
class CourseSettings:
    """Every setting of one course version.

    ``certification`` is the ``certification:`` block as written (its date rules are
    :attr:`rules`, its refresher part :attr:`refresher`).
    """

    assessment: AssessmentSettings = field(default_factory=AssessmentSettings)
    certification: Mapping[str, Any] = field(
        default_factory=lambda: MappingProxyType({}), hash=False
    )
    review_on_change: bool = True
    review_due_days: int = 30
    #: Learners sign that they read and accept the policy text (a certification step).
    acknowledge_policy: bool = False

    @classmethod
    def from_dict(cls, data: Mapping[str, Any] | None) -> CourseSettings:
        """The settings stored as JSON; a key that is missing (or null) takes its default."""
        data = data or {}
        assessment = data.get("assessment") or {}
        known = AssessmentSettings.__dataclass_fields__
        defaults = DEFAULTS
        return cls(
            assessment=AssessmentSettings(
                **{
                    k: v
                    for k, v in assessment.items()
                    if k in known and (v is not None or k == "max_attempts")
                }
            ),
            certification=MappingProxyType(dict(data.get("certification") or {})),
            review_on_change=_given(data, "review_on_change", defaults.review_on_change),
            review_due_days=_given(data, "review_due_days", defaults.review_due_days),
            acknowledge_policy=_given(data, "acknowledge_policy", defaults.acknowledge_policy),
        )

    def to_dict(self) -> dict[str, Any]:
        """The JSON stored with the version (what :meth:`from_dict` reads back)."""
        return {
            "assessment": asdict(self.assessment),
            "certification": dict(self.certification),
            "review_on_change": self.review_on_change,
            "review_due_days": self.review_due_days,
            "acknowledge_policy": self.acknowledge_policy,
        }

    @property
    def rules(self) -> CertificationRules:
        """The certification date rules (validity, window, renewal mode)."""
        return rules_from(self.certification)

    @property
    def refresher(self) -> RefresherSettings:
        """What the refresher asks."""
        raw = self.certification.get("refresher") or {}
        return RefresherSettings(
            all_modules=bool(raw.get("all_modules")),
            draw=raw.get("draw"),
            scenario=raw.get("scenario"),
        )

    @property
    def refresher_draw(self) -> int:
        """How many questions the refresher draws: as set, else half the assessment's."""
        return self.refresher.draw or max(1, self.assessment.draw // 2)


def _given(data: Mapping[str, Any], key: str, default: Any) -> Any:
    value = data.get(key)
    return default if value is None else value


#: The settings of a course that sets nothing.
DEFAULTS = CourseSettings()
