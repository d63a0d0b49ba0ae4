"""Server-side SVG charts for the manager reports: no JavaScript, accessible.

``stacked_bar`` draws one horizontal 100% stacked bar per row (a course, a team...)
with a legend above the bars. The chart is an ``<svg role="img">`` labelled by its
``<title>`` and ``<desc>``; the description is a plain-language text alternative giving
every row's counts and percentages, so nothing is conveyed by colour alone. Each bar
segment also has a ``<title>`` tooltip.

The chart's own words (counts, "no people", the description) are in the current locale
(``lms.i18n``; English outside an app). All text is XML-escaped and the output is
deterministic: element ids derive from the ``chart_id`` argument or, by default, from a
hash of the title and the data.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Mapping, Sequence
from xml.sax.saxutils import escape

from lms.i18n import gettext as _
from lms.i18n import ngettext

PALETTE: Mapping[str, str] = {
    "green": "#1a7f37",
    "amber": "#bf8700",
    "red": "#cf222e",
    "grey": "#8c959f",
    "gray": "#8c959f",
}
"""Colour names accepted by ``stacked_bar``; any ``#rgb``/``#rrggbb`` hex also works."""

Row = tuple[str, Mapping[str, int]]
"""One bar: its label and the count of people in each status."""

_HEX = re.compile(r"#(?:[0-9a-fA-F]{3}){1,2}")
# Characters XML 1.0 does not allow at all, even escaped.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")

TEXT_COLOUR = "#1f2328"
OUTLINE_COLOUR = "#8c959f"
FONT = "system-ui, -apple-system, 'Segoe UI', sans-serif"
FONT_SIZE = 13
CHAR_WIDTH = 7.5  # rough average advance at FONT_SIZE, only used to lay out the legend
PAD = 8
SWATCH = 12
LEGEND_LINE = 20
LEGEND_GAP = 18
LABEL_HEIGHT = 18
BAR_HEIGHT = 22
ROW_GAP = 14
# Drawn for a phone's column (390 px less the page margins) and scaled up to fit wider
# ones (lms.css caps it at 28rem): drawn wider, a 390 px screen shrinks the text below
# legibility (640 wide gave 7 px legend text), and the legend and labels are the chart.
DEFAULT_WIDTH = 360


def percent(part: int, whole: int) -> int:
    """``part`` as a whole percentage of ``whole``, rounded half up; 0 when ``whole`` is 0.

    Rounding is done in integers (``(200 * part + whole) // (2 * whole)``), so 1 of 8
    (12.5%) gives 13 and 2 of 3 (66.67%) gives 67. The percentages of a row need not
    add up to exactly 100.
    """
    if whole == 0:
        return 0
    return (200 * part + whole) // (2 * whole)


def _text(value: str) -> str:
    return escape(_NOT_XML.sub("", value))


def _attr(value: str) -> str:
    return escape(_NOT_XML.sub("", value), {'"': "&quot;"})


def _num(value: float) -> str:
    """A coordinate with at most two decimals and no trailing zeros."""
    text = f"{value:.2f}".rstrip("0").rstrip(".")
    return "0" if text == "-0" else text


def _colour(name: str) -> str:
    if name in PALETTE:
        return PALETTE[name]
    if _HEX.fullmatch(name):
        return name
    raise ValueError(f"unknown colour {name!r}: use one of {sorted(PALETTE)} or a hex colour")


def _people(n: int) -> str:
    if n == 0:
        return _("no people")
    return ngettext("%(num)d person", "%(num)d people", n)


def _share(n: int, total: int, status: str, label: str | None = None) -> str:
    """One status's share, as "8 of 12 certified (67%)", after "label: " when given."""
    words = _("%(n)d of %(total)d %(status)s (%(percent)d%%)")
    text = words % {"n": n, "total": total, "status": status, "percent": percent(n, total)}
    return _("%(label)s: %(text)s", label=label, text=text) if label else text


def _shorten(label: str, limit: int) -> str:
    return label if len(label) <= limit else label[: limit - 1].rstrip() + "\u2026"


def _row_description(
    label: str, counts: Mapping[str, int], statuses: Sequence[str], labels: Mapping[str, str]
) -> str:
    total = sum(counts.get(s, 0) for s in statuses)
    if total == 0:
        return _("%(label)s: no people.", label=label)
    parts = [_share(counts.get(statuses[0], 0), total, labels[statuses[0]])]
    for status in statuses[1:]:
        n = counts.get(status, 0)
        parts.append(
            _(
                "%(n)d %(status)s (%(percent)d%%)",
                n=n,
                status=labels[status],
                percent=percent(n, total),
            )
        )
    return _("%(label)s: %(parts)s.", label=label, parts=", ".join(parts))


def _segments(total: int, counts: Sequence[int], width: float) -> list[tuple[float, float]]:
    """``(x, width)`` of each count's segment, from cumulative rounded edges.

    Rounding the edges rather than the widths makes the widths add up to ``width``.
    """
    edges = [0.0]
    running = 0
    for n in counts:
        running += n
        edges.append(round(width * running / total, 2))
    return [(edges[i], edges[i + 1] - edges[i]) for i in range(len(counts))]


def _check(rows, statuses, colours, labels) -> dict[str, str]:
    """Each status's fill colour; raises ``ValueError`` for what ``stacked_bar`` refuses."""
    for status in statuses:
        if status not in colours or status not in labels:
            raise ValueError(f"status {status!r} needs both a colour and a label")
    fills = {status: _colour(colours[status]) for status in statuses}
    for label, counts in rows:
        unknown = set(counts) - set(statuses)
        if unknown:
            raise ValueError(f"row {label!r} has counts for unknown statuses {sorted(unknown)}")
        if any(n < 0 for n in counts.values()):
            raise ValueError(f"row {label!r} has a negative count")
    return fills


def _chart_id(rows, statuses, title: str, width: int) -> str:
    """``chart-`` and 10 hex digits of a hash of the input: the same input, the same ids."""
    data = repr(
        (
            title,
            [(label, sorted(counts.items())) for label, counts in rows],
            list(statuses),
            width,
        )
    )
    return "chart-" + hashlib.sha256(data.encode()).hexdigest()[:10]


def _legend(body: list[str], statuses, fills, labels, width: int) -> float:
    """Swatches and labels, wrapped onto as many lines as needed; the y below them."""
    x, y = float(PAD), float(PAD)
    for status in statuses:
        item_width = SWATCH + 6 + len(labels[status]) * CHAR_WIDTH
        if x > PAD and x + item_width > width - PAD:
            x, y = float(PAD), y + LEGEND_LINE
        body.append(
            f'<rect x="{_num(x)}" y="{_num(y + 2)}" width="{SWATCH}" height="{SWATCH}" '
            f'fill="{fills[status]}"/>'
        )
        body.append(
            f'<text x="{_num(x + SWATCH + 6)}" y="{_num(y + 12)}">{_text(labels[status])}</text>'
        )
        x += item_width + LEGEND_GAP
    return y + (LEGEND_LINE if statuses else 0) + ROW_GAP / 2


def _bar(
    body: list[str],
    y: float,
    label: str,
    counts,
    description: str,
    statuses,
    fills,
    labels,
    width: int,
    label_chars: int,
) -> float:
    """One row: its label, its total and its bar (an outline when empty); the next y."""
    bar_width = width - 2 * PAD
    total = sum(counts.get(s, 0) for s in statuses)
    body.append(f'<g class="chart-row"><title>{_text(description)}</title>')
    body.append(f'<text x="{PAD}" y="{_num(y + 13)}">{_text(_shorten(label, label_chars))}</text>')
    if total:
        body.append(
            f'<text x="{width - PAD}" y="{_num(y + 13)}" text-anchor="end">'
            f"{_text(_people(total))}</text>"
        )
    bar_y = y + LABEL_HEIGHT
    if total == 0:
        body.append(
            f'<rect class="chart-empty" x="{PAD}" y="{_num(bar_y)}" width="{bar_width}" '
            f'height="{BAR_HEIGHT}" fill="none" stroke="{OUTLINE_COLOUR}" '
            f'stroke-dasharray="4 3"/>'
        )
        body.append(
            f'<text x="{_num(PAD + bar_width / 2)}" y="{_num(bar_y + 15)}" '
            f'text-anchor="middle">{_text(_("no people"))}</text>'
        )
    else:
        numbers = [counts.get(s, 0) for s in statuses]
        for status, n, (seg_x, seg_w) in zip(
            statuses, numbers, _segments(total, numbers, bar_width), strict=True
        ):
            if n == 0:
                continue
            tip = _share(n, total, labels[status], label)
            body.append(
                f'<rect class="chart-segment" x="{_num(PAD + seg_x)}" y="{_num(bar_y)}" '
                f'width="{_num(seg_w)}" height="{BAR_HEIGHT}" fill="{fills[status]}" '
                f'stroke="#ffffff" stroke-width="1"><title>{_text(tip)}</title></rect>'
            )
    body.append("</g>")
    return bar_y + BAR_HEIGHT + ROW_GAP


def stacked_bar(
    rows: Sequence[Row],
    *,
    statuses: Sequence[str],
    colours: Mapping[str, str],
    labels: Mapping[str, str],
    title: str,
    width: int = DEFAULT_WIDTH,
    chart_id: str | None = None,
) -> str:
    """An SVG chart with one horizontal 100% stacked bar per row, as a string.

    ``rows`` are ``(label, counts)`` pairs where ``counts`` maps a status to a number
    of people (a missing status counts as 0). ``statuses`` gives the order of the
    segments and of the legend, ``colours`` each status's colour (a ``PALETTE`` name or a
    hex colour) and ``labels`` its human name ("certified", "renewal due").

    The ``<svg>`` has ``role="img"`` and ``aria-labelledby`` pointing at its ``<title>``
    (``title``) and ``<desc>``, which reads for example "Social media policy: 8 of 12
    certified (67%), 2 renewal due (17%), 2 not certified (17%)." for each row (see
    ``percent`` for the rounding). A row with no people is drawn as an empty outline
    saying "no people". Ids are ``chart_id`` plus a suffix; by default ``chart_id`` is
    ``"chart-"`` and 10 hex digits of a hash of the title and data, so the same input
    always gives the same output. Pass distinct ids for charts with identical data on
    one page.

    Raises ``ValueError`` for an unknown colour, a status missing from ``colours`` or
    ``labels``, a count for a status not in ``statuses``, or a negative count.
    """
    fills = _check(rows, statuses, colours, labels)
    if chart_id is None:
        chart_id = _chart_id(rows, statuses, title, width)
    title_id = f"{chart_id}-title"
    desc_id = f"{chart_id}-desc"
    descriptions = [_row_description(label, counts, statuses, labels) for label, counts in rows]
    desc = " ".join(descriptions) if rows else _("No data.")
    body: list[str] = []
    y = _legend(body, statuses, fills, labels, width)
    # Room for the row label beside the "12 people" total; longer labels are shortened on
    # screen (the full label stays in the row's tooltip and in the description).
    label_chars = max(8, int((width - 2 * PAD - 90) / CHAR_WIDTH))
    for (label, counts), description in zip(rows, descriptions, strict=True):
        y = _bar(body, y, label, counts, description, statuses, fills, labels, width, label_chars)
    height = int(round(y + PAD / 2))
    head = (
        f'<svg xmlns="http://www.w3.org/2000/svg" class="report-chart" width="{width}" '
        f'height="{height}" viewBox="0 0 {width} {height}" role="img" '
        f'aria-labelledby="{_attr(title_id)} {_attr(desc_id)}" '
        f'font-family="{_attr(FONT)}" font-size="{FONT_SIZE}" fill="{TEXT_COLOUR}">'
    )
    return "\n".join(
        [
            head,
            f'<title id="{_attr(title_id)}">{_text(title)}</title>',
            f'<desc id="{_attr(desc_id)}">{_text(desc)}</desc>',
            *body,
            "</svg>",
        ]
    )
