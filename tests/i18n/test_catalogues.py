"""The shipped catalogues are complete: every message of the template translated in every
language, plural messages with every form the language has, placeholders kept."""

from __future__ import annotations

import re

import pytest
from babel.messages.pofile import read_po

from lms import i18n

LANGUAGES = ("es", "fi", "pl", "fr")
PLACEHOLDER = re.compile(r"%\([a-z_]+\)[sd]|%%")


def _catalogue(path, locale=None):
    with path.open("rb") as source:
        return read_po(source, locale=locale)


def _placeholders(text: str) -> list[str]:
    return sorted(PLACEHOLDER.findall(text))


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_message_is_translated_with_its_placeholders(language):
    template = _catalogue(i18n.TRANSLATIONS / "messages.pot")
    path = i18n.TRANSLATIONS / language / "LC_MESSAGES" / "messages.po"
    catalogue = _catalogue(path, locale=language)
    problems = []
    for wanted in template:
        if not wanted.id:
            continue
        message = catalogue.get(wanted.id)
        if message is None or not message.string or message.fuzzy:
            problems.append(("missing or fuzzy", wanted.id))
            continue
        if isinstance(wanted.id, tuple):
            forms = message.string
            if len(forms) != catalogue.num_plurals or not all(forms):
                problems.append((f"needs {catalogue.num_plurals} plural forms", wanted.id))
            # A form may leave the number out ("one person"), never add another placeholder.
            allowed = set(_placeholders(wanted.id[1]))
            if any(set(_placeholders(f)) - allowed for f in forms):
                problems.append(("placeholders differ", wanted.id))
        elif _placeholders(message.string) != _placeholders(wanted.id):
            problems.append(("placeholders differ", wanted.id))
    assert not problems, problems
