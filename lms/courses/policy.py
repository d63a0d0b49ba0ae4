"""Splitting a policy Markdown file into its title, preamble and sections with stable ids."""

from __future__ import annotations

import re
from dataclasses import dataclass

SLUG = re.compile(r"^[a-z0-9][a-z0-9-]*$")
SECTION_HEADING = re.compile(r"^##(?!#)\s*(?P<title>.*?)\s*(?:\{#(?P<key>[^}]*)\})?\s*$")
POLICY_TITLE = re.compile(r"^#(?!#)\s*(?P<title>.+?)\s*$")


@dataclass
class SectionSource:
    key: str
    title: str
    body_md: str
    line: int


def parse_policy(text: str) -> tuple[str, str, list[SectionSource], list[tuple[int, str]]]:
    """Split policy Markdown into (title, preamble, sections, problems as (line, message))."""
    title, preamble_lines, sections, problems = "", [], [], []
    current: SectionSource | None = None
    body: list[str] = []
    in_fence = False
    for number, line in enumerate(text.splitlines(), start=1):
        if line.lstrip().startswith(("```", "~~~")):
            in_fence = not in_fence
        heading = None if in_fence else SECTION_HEADING.match(line)
        if heading:
            if current is not None:
                current.body_md = "\n".join(body).strip()
                sections.append(current)
            key = heading["key"]
            if key is None:
                problems.append((number, "section heading has no stable id: add {#section-id}"))
                key = f"__line{number}"
            elif not SLUG.match(key):
                problems.append(
                    (number, f"section id {key!r} must be lower-case letters, digits and dashes")
                )
            if not heading["title"]:
                problems.append((number, "section heading has no title"))
            current, body = SectionSource(key, heading["title"], "", number), []
            continue
        top = None if in_fence or title else POLICY_TITLE.match(line)
        if current is None and top:
            title = top["title"]
        elif current is None:
            preamble_lines.append(line)
        else:
            body.append(line)
    if current is not None:
        current.body_md = "\n".join(body).strip()
        sections.append(current)
    if not title:
        problems.append((1, "the policy has no '# Title' heading"))
    if not sections:
        problems.append((1, "the policy has no '## Section {#id}' sections"))
    seen: dict[str, int] = {}
    for s in sections:
        if s.key in seen:
            problems.append(
                (s.line, f"duplicate section id {s.key!r} (first on line {seen[s.key]})")
            )
        seen.setdefault(s.key, s.line)
        if not s.body_md:
            problems.append((s.line, f"section {s.key!r} is empty"))
    return title, "\n".join(preamble_lines).strip(), sections, problems
