"""Text folding for search: "dabrowska" finds "Dąbrowska", "lukasz" finds "Łukasz"."""

from __future__ import annotations

import unicodedata

# Letters that do not decompose into a base letter and a combining mark.
_SPECIAL = str.maketrans(
    {
        "ł": "l",
        "Ł": "l",
        "ø": "o",
        "Ø": "o",
        "đ": "d",
        "Đ": "d",
        "ħ": "h",
        "æ": "ae",
        "Æ": "ae",
        "œ": "oe",
        "Œ": "oe",
        "ı": "i",
        "þ": "th",
        "ð": "d",
    }
)


def fold(text: str | None) -> str:
    """Lower-case ``text`` without accents or case distinctions (NFKD, marks dropped)."""
    decomposed = unicodedata.normalize("NFKD", (text or "").translate(_SPECIAL))
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


def search_key(name: str | None, email: str | None) -> str:
    """What people are searched by: their folded name and e-mail address."""
    return f"{fold(name)} {fold(email)}".strip()[:500]


def translatable(message: str) -> str:
    """``message``, unchanged: marks English words written in the domain (status labels)
    for the translation catalogue (``make messages`` extracts ``translatable``); pages
    translate them where they are shown."""
    return message
