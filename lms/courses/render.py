"""Markdown to sanitised HTML, done once at sync and stored, never per request."""

from __future__ import annotations

import markdown
import nh3

_EXTENSIONS = ["extra", "sane_lists"]

# ammonia's defaults (no script, style, iframe, event handlers, javascript: URLs) plus
# what lessons use. Links open normally and get rel="noopener noreferrer".
_TAGS = set(nh3.ALLOWED_TAGS) | {"details", "summary"}


def markdown_to_html(text: str) -> str:
    """Render Markdown and sanitise the result with nh3; raw HTML in the source is dropped."""
    html = markdown.markdown(text or "", extensions=_EXTENSIONS, output_format="html")
    return nh3.clean(html, tags=_TAGS, link_rel="noopener noreferrer")


def inline_markdown_to_html(text: str) -> str:
    """Render a one-line Markdown string (a choice, a prompt) without the wrapping <p>."""
    html = markdown_to_html(text)
    if html.startswith("<p>") and html.endswith("</p>") and html.count("<p>") == 1:
        html = html[3:-4]
    return html
