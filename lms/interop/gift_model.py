"""The values a GIFT question is made of, shared by the readers, the writer and the mapping.

Aiken questions are carried in the same values (a single-answer multiple choice), so
everything after parsing treats both formats alike.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class GiftText:
    """A text with its Moodle format (one of textformat.FORMATS), escapes resolved."""

    text: str
    format: str


@dataclass
class GiftAnswer:
    """A choice of a multiple-choice question; ``weight`` is a percentage."""

    text: GiftText
    weight: float
    feedback: GiftText | None
    line: int
    col: int


@dataclass
class GiftPair:
    """A matching pair; an empty ``left`` makes ``right`` a distractor."""

    left: GiftText
    right: str
    line: int
    col: int


@dataclass
class GiftQuestion:
    """One question as GIFT wrote it. ``kind`` is Moodle's question type."""

    kind: str  # multichoice, truefalse, matching, shortanswer, numerical, essay, description, embedded
    line: int
    col: int
    name: str | None
    text: GiftText
    general_feedback: GiftText | None = None
    answers: list[GiftAnswer] = field(default_factory=list)
    single: bool = True  # multichoice: an "=" answer makes it single-answer, as in Moodle
    pairs: list[GiftPair] = field(default_factory=list)
    truth: bool | None = None
    wrong_feedback: GiftText | None = None
    right_feedback: GiftText | None = None
    category: str | None = None
    idnumber: str | None = None
    tags: list[str] = field(default_factory=list)
    hint: str = ""  # why the kind was chosen, when that may surprise the author

    @property
    def title(self) -> str:
        """The name, or the start of the text as Moodle names unnamed questions."""
        if self.name:
            return self.name
        words = " ".join(self.text.text.split())
        return words if len(words) <= 60 else words[:59].rstrip() + "…"
