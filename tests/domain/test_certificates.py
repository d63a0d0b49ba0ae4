"""What a single certificate says on a day (lms.domain.certificates)."""

from datetime import date

import pytest

from lms.domain.certificates import BADGE_COLOURS, BADGE_LABELS, certificate_status, normal_code
from lms.domain.certification import PeriodFacts

FIRST = PeriodFacts(date(2026, 1, 10), date(2027, 1, 10), date(2026, 12, 10), None)
RENEWAL = PeriodFacts(date(2026, 12, 20), date(2028, 1, 10), date(2027, 12, 10), None)
REVOKED = PeriodFacts(date(2026, 1, 10), date(2027, 1, 10), date(2026, 12, 10), date(2026, 6, 1))


@pytest.mark.parametrize(
    "today,period,later,expected",
    [
        (date(2026, 5, 1), FIRST, [], "valid"),
        (date(2026, 12, 10), FIRST, [], "renewal_due"),
        (date(2027, 1, 10), FIRST, [], "renewal_due"),  # the last valid day
        (date(2027, 1, 11), FIRST, [], "expired"),
        (date(2026, 12, 15), FIRST, [RENEWAL], "renewal_due"),  # the renewal does not exist yet
        (date(2026, 12, 20), FIRST, [RENEWAL], "renewed"),  # renewed: never "Renewal due" again
        (date(2027, 6, 1), FIRST, [RENEWAL], "renewed"),  # nor "Expired"
        (date(2026, 5, 31), REVOKED, [], "valid"),
        (date(2026, 6, 1), REVOKED, [RENEWAL], "revoked"),  # a revocation is never hidden
        (date(2027, 6, 1), REVOKED, [RENEWAL], "revoked"),
    ],
)
def test_certificate_status(today, period, later, expected):
    assert certificate_status(today, period, later) == expected


@pytest.mark.parametrize(
    "status,colour,label",
    [
        ("valid", "green", "Valid"),
        ("renewed", "grey", "Renewed"),
        ("renewal_due", "amber", "Renewal due"),
        ("expired", "red", "Expired"),
        ("revoked", "red", "Revoked"),
        ("certified", "green", "Certified"),
        ("overdue", "red", "Overdue"),
        ("not_assigned", "grey", "Not assigned"),
    ],
)
def test_every_status_a_badge_shows_has_one_colour_and_label(status, colour, label):
    assert (BADGE_COLOURS[status], BADGE_LABELS[status]) == (colour, label)


@pytest.mark.parametrize(
    "typed,code",
    [
        ("Q2PU-A6WN-KLPM-BED5", "Q2PU-A6WN-KLPM-BED5"),
        ("q2pu a6wn klpm bed5", "Q2PU-A6WN-KLPM-BED5"),
        ("  q2pua6wnklpmbed5 ", "Q2PU-A6WN-KLPM-BED5"),
        ("Q2PU–A6WN KLPM-BED5", "Q2PU-A6WN-KLPM-BED5"),  # an en dash from a word processor
        ("Q2PU-A6WN-KLPM-8ED5", "Q2PU-A6WN-KLPM-BED5"),  # 8 for B
        ("Q2PU-A6WN-KLPM-BED", "Q2PU-A6WN-KLPM-BED"),  # too short: as typed
        ("nonsense", "NONSENSE"),
    ],
)
def test_a_typed_code_is_read_as_printed(typed, code):
    assert normal_code(typed) == code
