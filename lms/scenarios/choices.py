"""How a scenario node's choices appear on a page: shuffled per run, behind opaque tokens.

The choices of a node are shown in an order drawn for each run and node (seeded from the
run, so a reload shows the same order), unless the node says ``shuffle: false`` (for a
scale such as "never / sometimes / always"). Each choice is posted back as a token (an
HMAC of the run, the node and the choice's index under the app's key, as for quiz
answers), so neither the position in the course file nor the position on the page can be
read from the page.
"""

from __future__ import annotations

import random
from collections.abc import Mapping
from typing import Any

from lms.domain import scenarios as engine
from lms.quizzes.tokens import answer_token


def _subject(run_id: int) -> str:
    return f"run:{run_id}"


def page_choices(
    run_id: int, node: engine.Node, raw_node: Mapping[str, Any]
) -> list[dict[str, str]]:
    """The node's choices for the page: ``[{"token", "text"}]`` in this run's order.

    The text is ``raw_node``'s (the synced node, or its translation for the page's
    language); the order and the tokens depend only on the run and the choice's index."""
    order = list(range(len(node.choices)))
    if raw_node.get("shuffle", True):
        random.Random(answer_token(_subject(run_id), node.id, "order")).shuffle(order)
    raw = raw_node.get("choices") or []
    texts = [c.get("text") for c in raw] if len(raw) == len(node.choices) else []
    return [
        {
            "token": answer_token(_subject(run_id), node.id, str(i)),
            "text": (texts[i] if texts and texts[i] else node.choices[i].text),
        }
        for i in order
    ]


def index_of(run_id: int, node: engine.Node, token: str | None) -> int | None:
    """The choice index a posted token stands for at ``node``, or None (forged or stale)."""
    if not token:
        return None
    for i in range(len(node.choices)):
        if answer_token(_subject(run_id), node.id, str(i)) == token:
            return i
    return None
