"""CSV export: cell conversion, formula-injection escaping, laziness and constant memory."""

from __future__ import annotations

import csv
import io
import itertools
import tracemalloc
from datetime import UTC, date, datetime, timedelta, timezone
from decimal import Decimal
from enum import StrEnum

import pytest
from hypothesis import given
from hypothesis import strategies as st

from lms.web.csvexport import safe_cell, stream_csv


class Status(StrEnum):
    CERTIFIED = "certified"


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (None, ""),
        (True, "true"),
        (False, "false"),
        (0, "0"),
        (42, "42"),
        (-5, "-5"),  # a number, not a string: no apostrophe
        (-2.5, "-2.5"),
        (Decimal("-1.10"), "-1.10"),
        (date(2027, 3, 1), "2027-03-01"),
        (datetime(2027, 3, 1, 9, 30, 15, 123456), "2027-03-01T09:30:15"),
        (datetime(2027, 3, 1, 9, 30, tzinfo=UTC), "2027-03-01T09:30:00+00:00"),
        (
            datetime(2027, 3, 1, 9, 30, 0, 999999, tzinfo=timezone(timedelta(hours=2))),
            "2027-03-01T09:30:00+02:00",
        ),
        ("", ""),
        ("Alice Example", "Alice Example"),
        ("alice@example.com", "alice@example.com"),  # @ only matters at the start
        ("a-b", "a-b"),
        ("'quoted", "'quoted"),
        (Status.CERTIFIED, "certified"),
        # OWASP: dangerous first characters get a leading apostrophe.
        ("=1+2", "'=1+2"),
        ('=HYPERLINK("http://evil","x")', '\'=HYPERLINK("http://evil","x")'),
        ("+44 20 7946 0000", "'+44 20 7946 0000"),
        ("-5", "'-5"),  # a string this time
        ("-", "'-"),
        ("@SUM(A1:A2)", "'@SUM(A1:A2)"),
        ("\tcmd", "'\tcmd"),
        ("\rcmd", "'\rcmd"),
        # ...also after leading whitespace.
        ("  =1+2", "'  =1+2"),
        (" @x", "' @x"),
        ("\n-1", "'\n-1"),
        ("   ", "   "),
    ],
)
def test_safe_cell(value, expected):
    assert safe_cell(value) == expected


@given(st.text())
def test_safe_cell_never_leaves_a_formula_prefix(text):
    cell = safe_cell(text)
    assert not cell.lstrip().startswith(("=", "+", "-", "@"))
    assert not cell.startswith(("\t", "\r"))
    assert cell in (text, "'" + text)


def parse(chunks) -> list[list[str]]:
    return list(csv.reader(io.StringIO("".join(chunks), newline="")))


def test_stream_csv_lines():
    chunks = list(
        stream_csv(
            ["Name", "Course", "Certified on", "Score"],
            [
                ("Alice", "Social media", date(2027, 3, 1), 95),
                ("Bob", "Social media", None, -5),
            ],
        )
    )
    assert chunks == [
        "Name,Course,Certified on,Score\r\n",
        "Alice,Social media,2027-03-01,95\r\n",
        "Bob,Social media,,-5\r\n",
    ]


def test_header_only():
    assert list(stream_csv(["A", "B"], [])) == ["A,B\r\n"]


def test_quoting_round_trips_through_csv_reader():
    awkward = [
        "comma, inside",
        'a "quoted" word',
        "two\nlines",
        "windows\r\nlines",
        "ünïcødé ✓",
        "",
        " padded ",
    ]
    chunks = list(stream_csv(["x"] * len(awkward), [awkward]))
    assert len(chunks) == 2
    assert parse(chunks) == [["x"] * len(awkward), awkward]


def test_injection_is_escaped_in_the_stream():
    chunks = list(stream_csv(["Name"], [["=cmd|' /C calc'!A0"], ["-5"], [-5]]))
    assert parse(chunks) == [["Name"], ["'=cmd|' /C calc'!A0"], ["'-5"], ["-5"]]


@given(st.lists(st.lists(st.text(), min_size=2, max_size=2), max_size=5))
def test_any_text_round_trips(rows):
    chunks = list(stream_csv(["a", "b"], rows))
    assert len(chunks) == len(rows) + 1
    assert all(chunk.endswith("\r\n") for chunk in chunks)
    assert parse(chunks)[1:] == [[safe_cell(v) for v in row] for row in rows]


def test_row_of_the_wrong_width_is_refused_when_reached():
    chunks = stream_csv(["a", "b"], [("1", "2"), ("only one",)])
    assert next(chunks) == "a,b\r\n"
    assert next(chunks) == "1,2\r\n"
    with pytest.raises(ValueError, match="row 2 has 1 cells, the header has 2"):
        next(chunks)


def test_stream_is_lazy():
    pulled = []

    def endless():
        for n in itertools.count():
            pulled.append(n)
            yield (n, f"person {n}")

    first = list(itertools.islice(stream_csv(["n", "name"], endless()), 3))
    assert first == ["n,name\r\n", "0,person 0\r\n", "1,person 1\r\n"]
    assert pulled == [0, 1]


def test_no_byte_order_mark():
    assert not next(stream_csv(["Name"], [])).startswith("\ufeff")


def test_memory_stays_constant():
    def rows():
        for n in range(200_000):
            yield (n, f"Person {n}", f"person{n}@example.com", date(2027, 1, 1), n % 2 == 0)

    tracemalloc.start()
    try:
        total = 0
        count = 0
        for chunk in stream_csv(["id", "name", "email", "certified_on", "active"], rows()):
            total += len(chunk)
            count += 1
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert count == 200_001
    assert total > 10_000_000  # far more text went through than the peak below
    assert peak < 1_000_000, f"peak {peak} bytes"


CELLS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.dates(),
    st.datetimes(),
    st.text(),
    st.sampled_from(["", " =1", "\t1", "-5", "@x", "+1", "Łukasz", "²", "a,b", 'say "hi"']),
    st.builds(Status, st.just("certified")),
)


@given(st.lists(st.lists(CELLS, min_size=3, max_size=3), max_size=8))
def test_the_fast_path_writes_what_safe_cell_would(rows):
    """The writer skips ``safe_cell`` for cells that need nothing (None, dates, text
    starting with a letter or digit): the bytes are those of every cell through it."""
    expected = io.StringIO()
    csv.writer(expected, lineterminator="\r\n").writerows(
        [[safe_cell(v) for v in row] for row in [["a", "b", "c"], *rows]]
    )
    assert "".join(stream_csv(["a", "b", "c"], rows, batch=3)) == expected.getvalue()
