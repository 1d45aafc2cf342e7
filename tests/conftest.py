"""Shared fixtures: a fresh plugin host per test, a fixed clock, and the shared folder."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from newsroom.plugins import PluginHost
from newsroom.testing import FixedClock, plugin_host


ROOT = Path(__file__).resolve().parents[1]


def shared_dir() -> Path:
    """The shared folder (schemas, seeds, conformance data): NEWSROOM_SHARED or ../shared."""
    return Path(os.environ.get("NEWSROOM_SHARED", ROOT.parent / "shared")).resolve()


def need_shared(*parts: str) -> Path:
    """Return a path in the shared folder; fail under CI=true, skip elsewhere, when missing."""
    path = shared_dir().joinpath(*parts)
    if not path.exists():
        message = f"shared test data missing: {path} (set NEWSROOM_SHARED to the shared folder)"
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(message)
        pytest.skip(message)
    return path


@pytest.fixture
def host() -> PluginHost:
    """A fresh host with the built-in plugins only."""
    return plugin_host()


@pytest.fixture
def clock() -> FixedClock:
    """A fixed clock at 2026-01-16 07:01 UTC."""
    return FixedClock()
