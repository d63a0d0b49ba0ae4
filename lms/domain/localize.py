"""Course values with their text in another language: the same shapes, text replaced.

Pure. A page keeps every id, token, score and answer of the source and changes only the
words, so grading, progress and certificates never depend on the language. Each function
takes the stored text of one translated item (``lms.courses.translation_store``: choices
and pairs by id, matching options by their source text) or ``None`` when the item has no
translation, and returns a new value; what the translation lacks stays the source's.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

Text = Mapping[str, Any] | None

#: Keys of a shown question (an attempt's snapshot) a translation may replace.
_QUESTION_FIELDS = ("prompt", "prompt_html", "feedback", "feedback_html")


def _choice(choice: Mapping[str, Any], text: Text, words: Mapping[str, str]) -> dict[str, Any]:
    out = dict(choice)
    given = (text or {}).get("choices", {}).get(choice["id"]) if text else None
    if given:
        out["text"] = given.get("text") or choice["text"]
        if choice.get("feedback") and given.get("feedback"):
            out["feedback"] = given["feedback"]
    elif choice["id"] in words and choice["text"] in ("True", "False"):
        out["text"] = words[choice["id"]]  # true/false: the words of the page's language
    return out


def shown_question(
    shown: Mapping[str, Any], text: Text, words: Mapping[str, str]
) -> dict[str, Any]:
    """A shown question (choices in the attempt's order, with ids, correct flags and
    feedback) with its text in the translation. ``words`` names the true/false choices
    (``{"true": ..., "false": ...}``) in the page's language."""
    out = dict(shown)
    for key in _QUESTION_FIELDS:
        if text and text.get(key):
            out[key] = text[key]
    if "choices" in shown:
        out["choices"] = [_choice(c, text, words) for c in shown["choices"] or []]
    if shown.get("pairs") and text and text.get("pairs"):
        out["pairs"] = [
            {**p, **{k: v for k, v in text["pairs"].get(p["id"], {}).items() if v}}
            for p in shown["pairs"]
        ]
    return out


def page_question(
    shown: Mapping[str, Any], page: Mapping[str, Any], text: Text, words: Mapping[str, str]
) -> dict[str, Any]:
    """A question as the page holds it (``lms.quizzes.tokens.page_questions``: tokens,
    no ids) with its text in the translation. ``page``'s choices and options are in the
    same order as ``shown``'s, which is how each token finds its choice; the tokens stay
    those of the source values, so what is posted back grades the same."""
    localized = shown_question(shown, text, words)
    out = dict(page)
    for key in _QUESTION_FIELDS:
        if key in out:
            out[key] = localized.get(key, out[key])
    if page.get("choices"):
        out["choices"] = [
            {**c, "text": lc["text"]}
            for c, lc in zip(page["choices"], localized["choices"], strict=True)
        ]
    if page.get("pairs"):
        lefts = {p["id"]: p["left"] for p in localized.get("pairs", [])}
        out["pairs"] = [{**p, "left": lefts.get(p.get("id"), p.get("left"))} for p in page["pairs"]]
    if page.get("options") and text and text.get("options"):
        out["options"] = [
            {**o, "text": text["options"].get(source) or o["text"]}
            for o, source in zip(page["options"], shown["options"], strict=True)
        ]
    return out


def scenario_node(node: Mapping[str, Any], text: Text) -> dict[str, Any]:
    """A scenario node as synced (``text_html``, ``debrief_html``, choices with their
    ``feedback_html``) with its text in the translation; scores, sections and ``next``
    links are the source's."""
    out = dict(node)
    if not text:
        return out
    for key in ("text", "text_html", "debrief_html"):
        if text.get(key) and key in node:
            out[key] = text[key]
    given = text.get("choices") or []
    if given and len(given) == len(node.get("choices") or []):
        out["choices"] = [
            {**c, **{k: v for k, v in g.items() if v}}
            for c, g in zip(node["choices"], given, strict=True)
        ]
    return out


def scenario_data(data: Mapping[str, Any], texts: Mapping[str, Text]) -> dict[str, Any]:
    """A scenario row's ``data`` with each node in the translation (``texts`` by node id)."""
    return {**data, "nodes": [scenario_node(n, texts.get(n["id"])) for n in data.get("nodes", [])]}


def with_note(kind: str, text: Mapping[str, Any], note_html: str) -> dict[str, Any]:
    """A stale item's text with ``note_html`` (escaped, "translation may be out of
    date") where its kind has HTML to carry it: before a lesson, a policy text or a
    scenario situation, after a question's prompt."""
    out = dict(text)
    if kind in ("lesson", "section", "preamble") and "body_html" in out:
        out["body_html"] = f'<p class="hint translation-note">{note_html}</p>\n' + out["body_html"]
    elif kind == "node" and "text_html" in out:
        out["text_html"] = f'<p class="hint translation-note">{note_html}</p>\n' + out["text_html"]
    elif kind == "question" and "prompt_html" in out:
        out["prompt_html"] = (
            out["prompt_html"] + f' <small class="hint translation-note">({note_html})</small>'
        )
    return out
