"""Start-up check of the variant registries (question types, scenario node kinds,
scoring and renewal modes).

Each registry raises on a duplicate id as it is filled; importing the modules here at
``init_app`` makes a clash fail the app's start, not the first learner who meets it.
"""

from __future__ import annotations

import importlib

REGISTRY_MODULES = (
    "lms.domain.questions",
    "lms.domain.scenarios",
    "lms.domain.certification",
)


def check_registries() -> None:
    """Import every registry module (a duplicate registration raises ValueError)."""
    for name in REGISTRY_MODULES:
        importlib.import_module(name)
