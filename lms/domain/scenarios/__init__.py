"""Branching scenarios: validation, parsing, play and scoring, all pure.

A scenario is a small graph kept close to H5P's Branching Scenario so that an importer
can map between the two: *choice* nodes (a situation and 2 to 4 choices, each with a
score, feedback and the policy section it exercises) link by ``next`` ids to other nodes,
and *end* nodes (an outcome, a score and a debrief) finish a run. The YAML format is
described in ``docs/course-format.md``, section "Scenario files"; this module takes that
YAML already parsed into dicts and lists.

Play is server-side and stateless: a run is nothing but its *path*, the tuple of
``Step(node_id, choice_index)`` taken so far from the start. Every function here
recomputes what it needs (current node, result, score) from the scenario and the path,
so a stored path can always be replayed and checked, and a stale or forged form post
is caught by comparing it with the path rather than trusted.

Node kinds and scoring modes are registries keyed by stable ids (the ids are stored in
course files and the database, so never rename one).

One concern per module: :mod:`.model` (values and the registries), :mod:`.nodes` (the
node kinds), :mod:`.validation`, :mod:`.graph`, :mod:`.scoring` (the scoring modes) and
:mod:`.play`, and :mod:`.outcomes` (score ranges per end and label coherence, which
validation runs last). Everything public is importable from the package itself.
"""

from lms.domain.scenarios.graph import (
    all_paths,
    max_sum,
    reachable_ends,
)
from lms.domain.scenarios.model import (
    DEFAULT_NODE_KIND,
    FEEDBACK_MODES,
    MAX_CHOICE_SCORE,
    MAX_CHOICES,
    MAX_END_SCORE,
    MIN_CHOICES,
    NODE_KINDS,
    OUTCOMES,
    SCORING_MODES,
    Choice,
    Decision,
    InvalidChoice,
    Node,
    NodeContext,
    NodeKind,
    Scenario,
    ScenarioError,
    ScenarioResult,
    ScoringMode,
    StaleChoice,
    Step,
    node_kind_of,
    register_node_kind,
    register_scoring_mode,
)
from lms.domain.scenarios.nodes import CHOICE_KIND, END_KIND
from lms.domain.scenarios.play import (
    current_node,
    path_from_indexes,
    replay,
    result,
    take_choice,
)
from lms.domain.scenarios.scoring import END_MODE, SUM_MODE, best_path_score
from lms.domain.scenarios.validation import (
    parse_scenario,
    validate_scenario,
)

__all__ = [
    "CHOICE_KIND",
    "DEFAULT_NODE_KIND",
    "END_KIND",
    "END_MODE",
    "SUM_MODE",
    "FEEDBACK_MODES",
    "MAX_CHOICES",
    "MAX_CHOICE_SCORE",
    "MAX_END_SCORE",
    "MIN_CHOICES",
    "NODE_KINDS",
    "OUTCOMES",
    "SCORING_MODES",
    "Choice",
    "Decision",
    "InvalidChoice",
    "Node",
    "NodeContext",
    "NodeKind",
    "Scenario",
    "ScenarioError",
    "ScenarioResult",
    "ScoringMode",
    "StaleChoice",
    "Step",
    "all_paths",
    "best_path_score",
    "current_node",
    "max_sum",
    "node_kind_of",
    "parse_scenario",
    "path_from_indexes",
    "reachable_ends",
    "register_node_kind",
    "register_scoring_mode",
    "replay",
    "result",
    "take_choice",
    "validate_scenario",
]
