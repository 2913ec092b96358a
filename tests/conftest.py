"""Shared fixtures: a CliRunner, scenario paths, and readable snapshot files."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, settings
from syrupy.extensions.single_file import SingleFileSnapshotExtension, WriteMode

ROOT = Path(__file__).resolve().parent.parent
SCENARIOS = ROOT / "scenarios"

# SymPy is slow to build expressions: no per-example deadline, a modest number of examples, and
# derandomized so that CI runs the same examples every time.
settings.register_profile(
    "ci",
    deadline=None,
    max_examples=40,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow],
)
settings.load_profile("ci")


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


class TextSnapshot(SingleFileSnapshotExtension):
    """One ``.txt`` file per snapshot, so that a diff reads like the output itself."""

    _write_mode = WriteMode.TEXT
    file_extension = "txt"
    _file_extension = "txt"  # syrupy < 5 spells it this way


class JsonSnapshot(TextSnapshot):
    file_extension = "json"
    _file_extension = "json"


@pytest.fixture
def text_snapshot(snapshot):
    return snapshot.use_extension(TextSnapshot)


@pytest.fixture
def json_snapshot(snapshot):
    return snapshot.use_extension(JsonSnapshot)
