"""The linters and the type checker pass, so CI (which runs the test suite) enforces them.

Each tool runs as a subprocess from the repository root with the configuration in
``pyproject.toml``, exactly as a developer runs it, and a failure shows the tool's own output.
The tools come from the ``dev`` dependency group. When one is missing the test is skipped, but
under ``CI=true`` it fails, because CI installs the group.
"""

from __future__ import annotations

import importlib.util
import os
import subprocess
import sys
from pathlib import Path

import pytest


ROOT = Path(__file__).resolve().parents[1]


def run_tool(module: str, *args: str) -> None:
    """Run ``python -m <module> <args>`` in the repository root; fail with its output unless it exits 0."""
    if importlib.util.find_spec(module) is None:
        message = f"{module} is not installed (it is in the 'dev' dependency group)"
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(message)
        pytest.skip(message)
    result = subprocess.run(
        [sys.executable, "-m", module, *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=900,
        check=False,
    )
    if result.returncode != 0:
        command = " ".join([module, *args])
        pytest.fail(f"`{command}` failed (exit {result.returncode}):\n{result.stdout}\n{result.stderr}", pytrace=False)


def test_ruff_check() -> None:
    """``ruff check .`` finds nothing (the rule set is ``ALL`` minus a commented ignore list)."""
    run_tool("ruff", "check", "--no-cache", ".")


def test_ruff_format() -> None:
    """Every file is formatted as ``ruff format`` would format it."""
    run_tool("ruff", "format", "--no-cache", "--check", ".")


def test_mypy_strict() -> None:
    """``mypy`` (strict, with the packages listed in pyproject.toml) reports no errors."""
    run_tool("mypy")
