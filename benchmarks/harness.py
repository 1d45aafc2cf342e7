"""Tiny benchmark harness: time a case and its baseline in the same process, report the ratio.

Every benchmark module ``bench_*.py`` in this folder exposes ``run(quick: bool) -> list[Result]``.
Ratios, not seconds, are the figures we track: the baseline runs in the same process, on the
same data, right beside the case, so machine speed cancels out.
"""

from __future__ import annotations

import gc
import time
from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class Result:
    """One benchmark line: how ``case`` compares with ``baseline``."""

    name: str
    case_seconds: float
    baseline_seconds: float
    target: float
    """The limit on ``ratio`` (case / baseline); for "at least" targets set ``at_least``."""
    at_least: bool = False
    """When true, the ratio must be >= target (a speed-up); otherwise <= target (a cost)."""
    unit: str = "x"
    note: str = ""

    @property
    def ratio(self) -> float:
        return self.case_seconds / self.baseline_seconds if self.baseline_seconds else float("inf")

    @property
    def ok(self) -> bool:
        return self.ratio >= self.target if self.at_least else self.ratio <= self.target


def best_of(fn: Callable[[], object], *, repeat: int = 5, number: int = 1) -> float:
    """The fastest of ``repeat`` timings of ``number`` calls, per call, in seconds."""
    best = float("inf")
    for _ in range(repeat):
        gc.collect()
        start = time.perf_counter()
        for _ in range(number):
            fn()
        best = min(best, (time.perf_counter() - start) / number)
    return best


def compare(
    case: Callable[[], object], baseline: Callable[[], object], *, repeat: int = 7, number: int = 1
) -> tuple[float, float]:
    """Best per-call times of ``case`` and ``baseline``, measured alternately.

    Alternating the two spreads any background load over both, so their ratio stays fair on a
    busy machine; the best of several rounds drops the rounds that were disturbed.
    """
    best_case = best_base = float("inf")
    for _ in range(repeat):
        best_base = min(best_base, best_of(baseline, repeat=1, number=number))
        best_case = min(best_case, best_of(case, repeat=1, number=number))
    return best_case, best_base
