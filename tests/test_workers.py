"""The helpers that let test workers share one build (tests/workers.py)."""

from __future__ import annotations

import multiprocessing
import time
from pathlib import Path

import pytest

from tests.workers import built_once


def _slow_build(folder: Path) -> None:
    with open(folder.parent / "builds.log", "a") as log:
        log.write("built\n")
    time.sleep(0.3)  # long enough for the other process to arrive while it runs
    (folder / "artefact").write_text("ok")


def _use(folder: str) -> None:
    built = built_once(Path(folder), _slow_build)
    assert (built / "artefact").read_text() == "ok"


def test_two_workers_arriving_together_build_once(tmp_path):
    folder = tmp_path / "shared" / "thing"
    context = multiprocessing.get_context("spawn")
    workers = [context.Process(target=_use, args=(str(folder),)) for _ in range(2)]
    for w in workers:
        w.start()
    for w in workers:
        w.join(30)
    assert [w.exitcode for w in workers] == [0, 0]
    assert (folder.parent / "builds.log").read_text() == "built\n"


def test_a_failed_build_is_tried_again(tmp_path):
    folder = tmp_path / "thing"

    def broken(target: Path) -> None:
        raise RuntimeError("no network")

    with pytest.raises(RuntimeError):
        built_once(folder, broken)
    built_once(folder, lambda target: (target / "artefact").write_text("ok"))
    assert (folder / "artefact").read_text() == "ok"
