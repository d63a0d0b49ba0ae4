"""The server-side stacked bar chart: valid XML, accessible, escaped, deterministic."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest
from hypothesis import given
from hypothesis import strategies as st

from lms.reports.svg import PALETTE, percent, stacked_bar

SVG = "{http://www.w3.org/2000/svg}"
STATUSES = ("certified", "renewal_due", "not_certified")
COLOURS = {"certified": "green", "renewal_due": "amber", "not_certified": "red"}
LABELS = {"certified": "certified", "renewal_due": "renewal due", "not_certified": "not certified"}
ROWS = [
    ("Social media policy", {"certified": 8, "renewal_due": 2, "not_certified": 2}),
    ("Data protection", {"certified": 1, "not_certified": 0}),
    ("New starters", {}),
]


def chart(rows=ROWS, **kwargs) -> str:
    options = {
        "statuses": STATUSES,
        "colours": COLOURS,
        "labels": LABELS,
        "title": "Certification by course",
        **kwargs,
    }
    return stacked_bar(rows, **options)


def parse(svg: str) -> ET.Element:
    return ET.fromstring(svg)


def segments(root: ET.Element) -> list[list[ET.Element]]:
    """The segment rects of each row, row by row."""
    return [
        [r for r in g.iter(f"{SVG}rect") if r.get("class") == "chart-segment"]
        for g in root.iter(f"{SVG}g")
    ]


@pytest.mark.parametrize(
    ("part", "whole", "expected"),
    [
        (0, 0, 0),
        (5, 0, 0),
        (0, 7, 0),
        (7, 7, 100),
        (8, 12, 67),
        (2, 12, 17),
        (1, 8, 13),  # 12.5 rounds half up
        (1, 200, 1),  # 0.5 rounds half up
        (1, 201, 0),
        (1, 3, 33),
        (2, 3, 67),
    ],
)
def test_percent(part, whole, expected):
    assert percent(part, whole) == expected


@given(st.integers(0, 10_000), st.integers(1, 10_000))
def test_percent_is_round_half_up(part, whole):
    exact = 100 * part / whole
    assert abs(percent(part, whole) - exact) <= 0.5
    if (200 * part) % (2 * whole) == whole:  # exactly .5
        assert percent(part, whole) == exact + 0.5


def test_svg_is_an_accessible_image():
    root = parse(chart())
    assert root.tag == f"{SVG}svg"
    assert root.get("role") == "img"
    title = root.find(f"{SVG}title")
    desc = root.find(f"{SVG}desc")
    assert title is not None and title.text == "Certification by course"
    assert desc is not None
    assert root.get("aria-labelledby") == f"{title.get('id')} {desc.get('id')}"
    assert list(root)[:2] == [title, desc]  # first children, as the SVG spec prefers


def test_desc_gives_every_row_and_status_with_counts():
    desc = parse(chart()).find(f"{SVG}desc").text
    assert desc == (
        "Social media policy: 8 of 12 certified (67%), 2 renewal due (17%), "
        "2 not certified (17%). "
        "Data protection: 1 of 1 certified (100%), 0 renewal due (0%), 0 not certified (0%). "
        "New starters: no people."
    )


def test_segments_have_tooltips_and_palette_colours():
    root = parse(chart())
    first, second, empty = segments(root)
    assert [r.get("fill") for r in first] == [PALETTE["green"], PALETTE["amber"], PALETTE["red"]]
    assert [r.find(f"{SVG}title").text for r in first] == [
        "Social media policy: 8 of 12 certified (67%)",
        "Social media policy: 2 of 12 renewal due (17%)",
        "Social media policy: 2 of 12 not certified (17%)",
    ]
    assert len(second) == 1  # zero-count statuses draw no segment
    assert empty == []


def test_zero_count_row_draws_an_outline_saying_no_people():
    root = parse(chart())
    empty_rows = [r for r in root.iter(f"{SVG}rect") if r.get("class") == "chart-empty"]
    assert len(empty_rows) == 1
    assert empty_rows[0].get("fill") == "none" and empty_rows[0].get("stroke")
    texts = [t.text for t in root.iter(f"{SVG}text")]
    assert "no people" in texts


def test_legend_lists_every_status_in_order():
    texts = [t.text for t in parse(chart()).iter(f"{SVG}text")]
    assert texts[:3] == ["certified", "renewal due", "not certified"]


@pytest.mark.parametrize("width", [640, 333, 1000])
def test_segment_widths_fill_the_bar(width):
    rows = [
        ("Thirds", {"certified": 1, "renewal_due": 1, "not_certified": 1}),
        ("Sevenths", {"certified": 3, "renewal_due": 1, "not_certified": 3}),
        ("All", {"certified": 9}),
    ]
    root = parse(chart(rows, width=width))
    full = width - 16
    for row in segments(root):
        widths = [float(r.get("width")) for r in row]
        assert sum(widths) == pytest.approx(full, abs=0.02)
        xs = [float(r.get("x")) for r in row]
        for x, w, next_x in zip(xs, widths, xs[1:], strict=False):
            assert x + w == pytest.approx(next_x, abs=0.01)


@given(
    st.lists(
        st.fixed_dictionaries({s: st.integers(0, 1000) for s in STATUSES}), min_size=1, max_size=5
    ),
    st.integers(200, 1200),
)
def test_segment_widths_always_fill_non_empty_bars(counts, width):
    rows = [(f"Row {i}", c) for i, c in enumerate(counts)]
    root = parse(chart(rows, width=width))
    for row, c in zip(segments(root), counts, strict=True):
        widths = [float(r.get("width")) for r in row]
        assert len(widths) == sum(1 for n in c.values() if n)
        if widths:
            assert sum(widths) == pytest.approx(width - 16, abs=0.02)
            assert all(w >= 0 for w in widths)


def test_labels_and_title_are_escaped():
    svg = chart(
        [('R&D <team> "A"', {"certified": 1})],
        labels={**LABELS, "certified": "<b>certified</b> & more"},
        title="Teams <&>",
    )
    assert "<team>" not in svg and "<b>" not in svg and "R&D" not in svg
    assert "R&amp;D &lt;team&gt;" in svg
    root = parse(svg)
    assert root.find(f"{SVG}title").text == "Teams <&>"
    desc = root.find(f"{SVG}desc").text
    assert (
        desc
        == 'R&D <team> "A": 1 of 1 <b>certified</b> & more (100%), 0 renewal due (0%), 0 not certified (0%).'
    )


@given(st.text(), st.text())
def test_any_label_gives_valid_xml(label, title):
    root = parse(chart([(label, {"certified": 2, "renewal_due": 1})], title=title))
    assert root.get("role") == "img"


def test_output_is_deterministic_and_ids_follow_the_input():
    assert chart() == chart()
    a = parse(chart()).get("aria-labelledby")
    b = parse(chart(title="Another chart")).get("aria-labelledby")
    assert a != b
    assert parse(chart(chart_id="team-chart")).get("aria-labelledby") == (
        "team-chart-title team-chart-desc"
    )


def test_no_rows():
    root = parse(chart([]))
    assert root.find(f"{SVG}desc").text == "No data."
    assert segments(root) == []


def test_hex_colours_are_accepted():
    svg = chart(colours={**COLOURS, "certified": "#0969da"})
    assert 'fill="#0969da"' in svg


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"colours": {**COLOURS, "certified": "chartreuse"}}, "unknown colour"),
        ({"colours": {**COLOURS, "certified": "#12"}}, "unknown colour"),
        ({"colours": {"certified": "green"}}, "needs both a colour and a label"),
        ({"labels": {"certified": "certified"}}, "needs both a colour and a label"),
        ({"rows": [("X", {"expired": 1})]}, "unknown statuses"),
        ({"rows": [("X", {"certified": -1})]}, "negative count"),
    ],
)
def test_bad_input_is_refused(kwargs, message):
    with pytest.raises(ValueError, match=message):
        chart(**kwargs)


def test_long_labels_are_shortened_on_screen_but_not_in_desc():
    label = "A course with a very long title " * 5
    root = parse(chart([(label, {"certified": 1})]))
    shown = [t.text for t in root.iter(f"{SVG}text")][3]
    assert shown.endswith("\u2026") and len(shown) < len(label)
    assert root.find(f"{SVG}desc").text.startswith(label + ":")
