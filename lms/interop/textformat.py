"""Text between Moodle's formats and this product's Markdown.

Moodle tags each text with a format: ``[markdown]``, ``[html]``, ``[plain]`` or ``[moodle]``
(Moodle's "auto-format", the GIFT default: plain text in which HTML tags are allowed).
Everything in this product is Markdown rendered once at sync and sanitised with nh3, so:

* markdown is kept as written;
* html is converted to Markdown (markdownify), so headings, lists, emphasis, links and
  tables survive and nothing relies on raw HTML, which the sanitiser would drop;
* plain has Markdown's special characters escaped, so it shows exactly as written;
* moodle is treated as html when it holds a tag and as plain otherwise.
"""

from __future__ import annotations

import re

from markdownify import ATX, BACKSLASH, MarkdownConverter

FORMATS = ("moodle", "html", "plain", "markdown")

_TAG = re.compile(r"</?[A-Za-z][^<>]*>")
# A "<" that Markdown would read as the start of raw HTML (which the sanitiser drops).
_HTML_START = re.compile(r"<(?=[A-Za-z/!?])")
_MD_INLINE = re.compile(r"([\\`*\[\]])")
# An underscore that could open or close emphasis: not one inside a word (snake_case).
_MD_UNDERSCORE = re.compile(r"(?<![A-Za-z0-9])_|_(?![A-Za-z0-9])")
# Line starts that Markdown reads as structure: headings, quotes, list items, rules.
_MD_LINE_START = re.compile(r"^(\s*)([#>+-]|\d+[.)](?=\s|$))", re.MULTILINE)

#: mammoth style-map class that marks the document's title (see policy_import).
TITLE_CLASS = "lms-document-title"


class _Converter(MarkdownConverter):
    """markdownify with this product's conventions.

    ATX headings, ``-`` bullets, a first table row read as the header, ``|`` escaped in
    cells, images dropped (counted, so the caller can say so) and a heading with
    :data:`TITLE_CLASS` taken out as the document title.
    """

    def __init__(self, **options):
        super().__init__(
            heading_style=ATX,
            bullets="-",
            table_infer_header=True,
            escape_misc=False,
            escape_underscores=False,
            strong_em_symbol="*",
            newline_style=BACKSLASH,
            **options,
        )
        self.title: str | None = None
        self.images = 0

    def escape(self, text, parent_tags):
        text = _MD_UNDERSCORE.sub(r"\\_", super().escape(text, parent_tags))
        return _HTML_START.sub("&lt;", text)

    def convert_hN(self, n, el, text, parent_tags):  # noqa: N802 - markdownify's hook name
        if TITLE_CLASS in (el.get("class") or []):
            if self.title is None:
                self.title = " ".join(text.split())
            return ""
        return super().convert_hN(n, el, text, parent_tags)

    def convert_img(self, el, text, parent_tags):
        self.images += 1
        return ""

    def convert_td(self, el, text, parent_tags):
        return super().convert_td(el, text.replace("|", r"\|"), parent_tags)

    def convert_th(self, el, text, parent_tags):
        return super().convert_th(el, text.replace("|", r"\|"), parent_tags)


def convert_html(html: str) -> tuple[str, str | None, int]:
    """(Markdown, the title heading's text or None, images dropped) for an HTML document."""
    converter = _Converter()
    markdown = converter.convert(html)
    markdown = re.sub(r"\n{3,}", "\n\n", markdown).strip()
    return markdown, converter.title, converter.images


def html_to_markdown(html: str) -> str:
    """Markdown for a piece of HTML (a question text, a choice)."""
    return convert_html(html)[0]


def plain_to_markdown(text: str) -> str:
    """Markdown that renders as exactly ``text``: special characters escaped."""
    text = "\n".join(line.strip() for line in text.split("\n"))
    text = _MD_UNDERSCORE.sub(r"\\_", _MD_INLINE.sub(r"\\\1", text))
    text = _HTML_START.sub("&lt;", text)
    return _MD_LINE_START.sub(_escape_line_start, text)


def _escape_line_start(match: re.Match) -> str:
    mark = match.group(2)  # "2." is escaped as "2\." (a backslash before a digit is text)
    return match.group(1) + (mark[:-1] + "\\" + mark[-1] if mark[0].isdigit() else "\\" + mark)


def to_markdown(text: str, fmt: str) -> str:
    """``text`` in Moodle format ``fmt`` (one of :data:`FORMATS`) as Markdown."""
    if fmt == "markdown":
        return text.strip()
    if fmt == "html" or (fmt == "moodle" and _TAG.search(text)):
        return html_to_markdown(text)
    return plain_to_markdown(text.strip())
