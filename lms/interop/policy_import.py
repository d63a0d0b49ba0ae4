"""A company's policy document (DOCX, Markdown or HTML) as a title and sections.

Every input becomes Markdown first: DOCX through mammoth (Word styles to clean HTML) and
then, like HTML input, through :mod:`textformat` (markdownify). The Markdown is then split
at its headings:

* the title is Word's *Title* paragraph, or else a first heading that is alone at its
  level (``# Policy`` above ``## Section`` headings), or else the file name;
* the sections are the headings at the highest remaining level; deeper headings stay
  inside their section as ``###`` and below;
* leading section numbers (``3.``, ``3.1``) are dropped from titles, since the order of
  the sections already numbers them and a renumbered document should not look edited.

A Markdown heading that already carries an id (``## Scope {#scope}``) keeps it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

import mammoth

from lms.interop.textformat import TITLE_CLASS, convert_html

SUFFIXES = {
    ".docx": "docx",
    ".md": "markdown",
    ".markdown": "markdown",
    ".txt": "markdown",
    ".html": "html",
    ".htm": "html",
}

_ATX = re.compile(r"^ {0,3}(#{1,6})(?:[ \t]+(.*?))?[ \t]*#*[ \t]*$")
_SETEXT = re.compile(r"^ {0,3}(=+|-+)[ \t]*$")
_EXPLICIT_ID = re.compile(r"\s*\{#([^}]*)\}\s*$")
# "3." "3.1" "3.1." "IV." -- never a bare number such as "2019 in review".
_NUMBERING = re.compile(r"^(?:\d+\.(?:\d+\.?)*|[IVXLC]+\.)\s+")
_EMPHASIS = re.compile(r"(\*\*|__|\*|_)(.+?)\1")
_HEAD = re.compile(r"<head\b.*?</head>", re.IGNORECASE | re.DOTALL)
_HTML_TITLE = re.compile(r"<title\b[^>]*>(.*?)</title>", re.IGNORECASE | re.DOTALL)
_DOCX_STYLES = "\n".join(
    [
        f"p[style-name='Title'] => h1.{TITLE_CLASS}:fresh",
        "p[style-name='Subtitle'] => p:fresh",
    ]
)


class DocumentError(ValueError):
    """A document that cannot be read (unknown type, damaged file)."""


@dataclass
class Heading:
    level: int
    title: str
    key: str | None
    line: int


@dataclass
class PolicySection:
    """A section as the document has it; ``key`` only when the document names its id."""

    title: str
    body: str
    key: str | None = None


@dataclass
class PolicyDocument:
    title: str
    preamble: str
    sections: list[PolicySection]
    notes: list[str] = field(default_factory=list)


def clean_title(text: str) -> str:
    """A heading's text as a section title: no numbering, emphasis or escapes."""
    text = _EMPHASIS.sub(r"\2", " ".join(text.split()))
    text = re.sub(r"\\([\\`*_{}\[\]()#+\-.!|])", r"\1", text)
    return _NUMBERING.sub("", text).strip()


@dataclass
class Converted:
    """A document as Markdown; ``title`` when it marks one, ``fallback_title`` to use else."""

    markdown: str
    title: str | None = None
    fallback_title: str | None = None
    notes: list[str] = field(default_factory=list)


def document_markdown(path: Path) -> Converted:
    """A DOCX, Markdown or HTML file as Markdown (see the module doc)."""
    kind = SUFFIXES.get(path.suffix.lower())
    if kind is None:
        known = ", ".join(sorted(SUFFIXES))
        raise DocumentError(
            f"{path.name}: cannot read {path.suffix or 'files without a suffix'} (known: {known})"
        )
    if kind == "markdown":
        return Converted(path.read_text(encoding="utf-8-sig"))
    if kind == "html":
        html = path.read_text(encoding="utf-8-sig")
        found = _HTML_TITLE.search(html)
        markdown, title, images = convert_html(_HEAD.sub("", html))
        notes = [f"{images} image(s) left out: add them to the lessons by hand"] if images else []
        return Converted(markdown, title, clean_title(found.group(1)) if found else None, notes)
    return _docx_markdown(path)


def _docx_markdown(path: Path) -> Converted:
    try:
        with path.open("rb") as handle:
            result = mammoth.convert_to_html(
                handle,
                style_map=_DOCX_STYLES,
                convert_image=mammoth.images.img_element(lambda image: {"src": ""}),
            )
    except Exception as exc:  # mammoth raises zipfile/KeyError/ValueError for damaged files
        raise DocumentError(f"{path.name}: not a readable Word document ({exc})") from None
    markdown, title, images = convert_html(result.value)
    notes = [
        f"Word: {m.message} (its paragraphs became plain text)"
        if "style" in m.message.lower()
        else f"Word: {m.message}"
        for m in result.messages
    ]
    if images:
        notes.append(f"{images} image(s) left out: add them to the lessons by hand")
    return Converted(markdown, title, None, notes)


def _headings(lines: list[str]) -> dict[int, Heading]:
    """Headings by line index (ATX and setext), skipping fenced code."""
    found: dict[int, Heading] = {}
    fence = None
    for i, line in enumerate(lines):
        stripped = line.lstrip()
        if stripped.startswith(("```", "~~~")):
            marker = stripped[:3]
            fence = None if fence == marker else (fence or marker)
            continue
        if fence:
            continue
        atx = _ATX.match(line)
        if atx:
            found[i] = _heading(len(atx.group(1)), atx.group(2) or "", i)
        elif (
            _SETEXT.match(line)
            and i > 0
            and lines[i - 1].strip()
            and i - 1 not in found
            and not _ATX.match(lines[i - 1])
        ):
            found[i - 1] = _heading(1 if line.strip()[0] == "=" else 2, lines[i - 1], i - 1)
            found[i] = Heading(0, "", None, i)  # the underline itself
    return found


def _heading(level: int, text: str, index: int) -> Heading:
    explicit = _EXPLICIT_ID.search(text)
    key = explicit.group(1).strip() if explicit else None
    text = _EXPLICIT_ID.sub("", text) if explicit else text
    return Heading(level, clean_title(text), key, index + 1)


def split_markdown(markdown: str, title: str | None, fallback_title: str) -> PolicyDocument:
    """Split policy Markdown into title, preamble and sections (see the module doc)."""
    lines = markdown.replace("\r\n", "\n").split("\n")
    headings = _headings(lines)
    real = [h for h in headings.values() if h.level and h.title]
    levels = sorted({h.level for h in real})
    notes: list[str] = []
    skip: set[int] = {i for i, h in headings.items() if not h.level or not h.title}
    if (
        title is None
        and len(levels) > 1
        and sum(h.level == levels[0] for h in real) == 1
        and real[0].level == levels[0]
    ):
        title = real[0].title
        skip.add(real[0].line - 1)
        levels = levels[1:]
    if title is None:
        title = fallback_title
        notes.append(
            f"the document marks no title: the policy is called {title!r} "
            "(edit the first line of policy.md)"
        )
    section_level = levels[0] if levels else 2
    preamble: list[str] = []
    parts: list[tuple[Heading, list[str]]] = []
    body = preamble
    for i, line in enumerate(lines):
        if i in skip:
            continue
        heading = headings.get(i)
        if heading and heading.level == section_level:
            body = []
            parts.append((heading, body))
            continue
        if heading:  # a subheading: ### and below inside its section
            line = "#" * min(6, max(3, 2 + heading.level - section_level)) + " " + heading.title
        body.append(line)
    sections = [PolicySection(h.title, _tidy(b), h.key) for h, b in parts]
    if not sections:
        notes.append(
            "the document has no headings to split it into sections: it became one "
            "section (add headings, or split policy.md by hand)"
        )
        sections = [PolicySection(title, _tidy(preamble))]
        preamble = []
    return PolicyDocument(title, _tidy(preamble), sections, notes)


def _tidy(lines: list[str]) -> str:
    """Body text: stripped, at most one blank line in a row, no line read as a section."""
    text = re.sub(r"\n{3,}", "\n\n", "\n".join(line.rstrip() for line in lines)).strip()
    # "#tag" or "##tag" at a line start is no Markdown heading, but policy.md's reader would
    # take "##..." for a section; escaping keeps it text.
    return re.sub(r"^(#{1,2})(?=[^#\s])", r"\\\1", text, flags=re.MULTILINE)


def read_policy(path: Path) -> PolicyDocument:
    """The policy document at ``path`` split into title, preamble and sections."""
    converted = document_markdown(path)
    fallback = (
        converted.fallback_title
        or path.stem.replace("-", " ").replace("_", " ").strip().capitalize()
        or "Policy"
    )
    document = split_markdown(converted.markdown, converted.title, fallback)
    document.notes = converted.notes + document.notes
    return document
