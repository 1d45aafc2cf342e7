"""The benchmark runner works: every module runs in quick mode and prints a ratio per row.

Timings are not asserted here (they are ratios for people to read, and shared CI machines are
noisy); what is checked is that each benchmark still runs, measures something, and reports a
finite ratio against its target.
"""

from __future__ import annotations

import math
import re
import subprocess
import sys
from pathlib import Path

import pytest


ROOT = Path(__file__).resolve().parents[1]
ROW = re.compile(r"^(?P<name>.+?)\s+(?P<ratio>[\d.]+|inf)x\s+(?P<target>[<>]=[\d.]+|[<>]=inf)x\s+(?P<ok>yes|NO)\s")


def run_quick(*names: str) -> list[re.Match[str]]:
    result = subprocess.run(
        [sys.executable, str(ROOT / "benchmarks" / "run.py"), "--quick", *names],
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert result.returncode in (0, 1), result.stderr  # 1 = a target missed, which is a figure, not a crash
    lines = result.stdout.splitlines()
    assert lines[0].startswith("benchmark"), result.stdout
    rows = [m for line in lines[1:] if (m := ROW.match(line))]
    assert len(rows) == len(lines) - 1, f"unparsable rows in:\n{result.stdout}"
    return rows


@pytest.mark.parametrize(
    "module", sorted(p.stem.removeprefix("bench_") for p in (ROOT / "benchmarks").glob("bench_*.py"))
)
def test_every_benchmark_module_runs_and_reports_ratios(module: str) -> None:
    rows = run_quick(module)
    assert rows, f"benchmarks/bench_{module}.py reported nothing"
    for row in rows:
        ratio = float(row["ratio"])
        assert math.isfinite(ratio), row.group(0)
        # A peer figure whose package is absent is reported as skipped, with no measurement.
        assert ratio > 0 or "not installed" in row["name"], row.group(0)
