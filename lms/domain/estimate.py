"""How long a course takes: minutes per module, assessment, scenario, first pass and refresher.

Values in, minutes out, so the course page, the home page and the course-quality linter
all show the same figures. Every estimate is reading time plus a fixed time per action:

* **Reading:** words at :data:`WORDS_PER_MINUTE`. 230 is a little under the 238 words
  per minute that Brysbaert's meta-analysis of 190 studies (2019, *Journal of Memory and
  Language* 109) found for adults reading English non-fiction silently. Policy lessons
  are non-fiction read with some care, and some learners read in a second language, so
  we round down rather than up.
* **Questions:** :data:`SECONDS_PER_QUESTION` each, whatever the question. A question in
  the shipped course is about 48 words (prompt and choices), 13 seconds at that rate;
  choosing and clicking takes a few more, and a knowledge check shows a sentence or two
  of feedback per question (about 24 words, 6 seconds). 25 seconds covers the three; one
  figure for every question keeps "how long is the check" a matter of how many questions
  it asks.
* **Scenario decisions:** :data:`SECONDS_PER_DECISION` each on top of the words read,
  to weigh the choices. A scenario's words are those along a run: each situation, all
  its choices, the feedback on the choice taken, the ending and its debrief. A scenario
  takes the *average* over its complete runs (every run from the start to an end that
  visits no node twice, each counted once), since learners take different roads.

The policy text itself is not counted: the lessons teach it, and the page keeps the full
wording folded away for those who want it.

A first pass is every module, the final assessment and every required scenario. A
refresher is the modules whose sections changed, the refresher assessment and the
refresher scenario (if the course names one).
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from lms.domain.scenarios import Scenario, all_paths

WORDS_PER_MINUTE = 230
SECONDS_PER_QUESTION = 25
SECONDS_PER_DECISION = 10

# A word: letters or digits, with inner apostrophes and hyphens ("don't", "two-factor").
_WORD = re.compile(r"[^\W_]+(?:['\u2019-][^\W_]+)*")
# Markdown and HTML that is not read: link targets, tags, code fences' info strings.
_NOT_READ = re.compile(r"\]\([^)]*\)|<[^>]+>|^```.*$", re.MULTILINE)


def word_count(text: str | None) -> int:
    """The words a reader reads in ``text`` (plain text or Markdown)."""
    if not text:
        return 0
    return len(_WORD.findall(_NOT_READ.sub(" ", text)))


def reading_minutes(words: int) -> float:
    """Minutes to read ``words`` words at :data:`WORDS_PER_MINUTE`."""
    return words / WORDS_PER_MINUTE


def questions_minutes(questions: int) -> float:
    """Minutes to answer ``questions`` questions at :data:`SECONDS_PER_QUESTION` each."""
    return questions * SECONDS_PER_QUESTION / 60


def module_minutes(lesson_words: int, questions: int) -> float:
    """A module: its lesson read, then its knowledge check of ``questions`` questions."""
    return reading_minutes(lesson_words) + questions_minutes(questions)


def assessment_minutes(questions: int) -> float:
    """An assessment (final or refresher) that draws ``questions`` questions."""
    return questions_minutes(questions)


def scenario_minutes(runs: Sequence[tuple[int, int]]) -> float:
    """A scenario from its complete runs, each as ``(words read, decisions made)``.

    The average of the runs' minutes; 0 for no runs.
    """
    if not runs:
        return 0.0
    total = sum(reading_minutes(w) + d * SECONDS_PER_DECISION / 60 for w, d in runs)
    return total / len(runs)


def scenario_runs(scenario: Scenario) -> list[tuple[int, int]]:
    """``(words read, decisions)`` for every complete run of ``scenario`` (see above)."""
    runs = []
    for path in all_paths(scenario):
        words, at = 0, scenario.start
        for step in path:
            node = scenario.nodes[step.node_id]
            choice = node.choices[step.choice_index]
            words += word_count(node.text) + sum(word_count(c.text) for c in node.choices)
            words += word_count(choice.feedback)
            at = choice.next
        end = scenario.nodes[at]
        runs.append((words + word_count(end.text) + word_count(end.debrief), len(path)))
    return runs


def display_minutes(minutes: float) -> int:
    """Whole minutes to show a learner: rounded up, and never "0 minutes"."""
    return max(1, math.ceil(minutes - 1e-9))


@dataclass(frozen=True)
class CourseEstimate:
    """Estimated minutes for one course; see the module docstring for what each counts.

    ``modules`` and ``scenarios`` map keys to minutes in course order; ``scenarios``
    lists every scenario, ``required`` the keys of those the first pass needs.
    """

    modules: Mapping[str, float]
    assessment: float
    scenarios: Mapping[str, float]
    required: tuple[str, ...]
    refresher_assessment: float
    refresher_scenario: str | None

    @property
    def first_pass(self) -> float:
        """Every module, the final assessment and every required scenario."""
        return (
            sum(self.modules.values())
            + self.assessment
            + sum(self.scenarios[k] for k in self.required)
        )

    def refresher(self, changed_modules: Iterable[str] = ()) -> float:
        """A refresher that redoes ``changed_modules`` (none when the policy did not change)."""
        scenario = self.scenarios.get(self.refresher_scenario or "", 0.0)
        return sum(self.modules[k] for k in changed_modules) + self.refresher_assessment + scenario

    @property
    def longest_module(self) -> str | None:
        """The key of the module that takes longest (a refresher's worst single change)."""
        return max(self.modules, key=self.modules.__getitem__, default=None)


def estimate_course(
    modules: Mapping[str, tuple[int, int]],
    assessment_draw: int,
    scenarios: Mapping[str, Sequence[tuple[int, int]]],
    required: Iterable[str],
    refresher_draw: int,
    refresher_scenario: str | None = None,
) -> CourseEstimate:
    """The estimate from plain counts.

    ``modules`` maps module keys to ``(lesson words, knowledge-check questions)``;
    ``scenarios`` maps scenario keys to their runs (see :func:`scenario_runs`).
    """
    return CourseEstimate(
        modules={k: module_minutes(w, q) for k, (w, q) in modules.items()},
        assessment=assessment_minutes(assessment_draw),
        scenarios={k: scenario_minutes(runs) for k, runs in scenarios.items()},
        required=tuple(required),
        refresher_assessment=assessment_minutes(refresher_draw),
        refresher_scenario=refresher_scenario,
    )


def minutes_left(
    estimates: Mapping | None,
    *,
    modules_left: Iterable[str],
    assessment_left: bool,
    scenarios_left: Iterable[str],
    refresher: bool = False,
) -> int | None:
    """Whole minutes still to go, from stored estimates (``CourseVersion.estimates``);
    None when the version has none. Unknown keys count nothing."""
    if not estimates:
        return None
    modules = estimates.get("modules") or {}
    scenarios = estimates.get("scenarios") or {}
    total = sum(modules.get(k, 0.0) for k in modules_left)
    if assessment_left:
        total += estimates.get("refresher_assessment" if refresher else "assessment") or 0.0
    total += sum(scenarios.get(k, 0.0) for k in scenarios_left)
    return display_minutes(total) if total > 0 else 0
