"""A catalogue made by the tests, so language behaviour is checked whatever the shipped
catalogues hold today: ``pseudo`` translates every message of the template as ⟦…⟧ under a
locale code no real catalogue uses (Esperanto, ``eo``)."""

from __future__ import annotations

import shutil

import pytest
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

from lms import i18n

PSEUDO = "eo"


def pseudo_text(msgid: str) -> str:
    return f"⟦{msgid}⟧"


@pytest.fixture
def pseudo_catalogue(tmp_path, monkeypatch):
    """lms/translations plus a pseudo-translated ``eo`` catalogue, for the test's duration."""
    folder = tmp_path / "translations"
    shutil.copytree(i18n.TRANSLATIONS, folder)
    with (i18n.TRANSLATIONS / "messages.pot").open("rb") as source:
        catalogue = read_po(source, locale=PSEUDO)
    for message in catalogue:
        if not message.id:
            continue
        if isinstance(message.id, tuple):
            message.string = tuple(
                pseudo_text(message.id[min(i, 1)]) for i in range(catalogue.num_plurals)
            )
        else:
            message.string = pseudo_text(message.id)
    target = folder / PSEUDO / "LC_MESSAGES"
    target.mkdir(parents=True)
    with (target / "messages.mo").open("wb") as out:
        write_mo(out, catalogue)
    monkeypatch.setattr(i18n, "TRANSLATIONS", folder)
    i18n.available_locales.cache_clear()
    i18n._catalogue.cache_clear()
    yield PSEUDO
    i18n.available_locales.cache_clear()
    i18n._catalogue.cache_clear()
