"""Shared fixtures: a CliRunner, scenario paths, and readable snapshot files."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, settings
from syrupy.extensions.single_file import SingleFileSnapshotExtension, WriteMode

TESTS = Path(__file__).resolve().parent
ROOT = TESTS.parent
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


@pytest.fixture(autouse=True, scope="session")
def _a_step_cache_of_our_own(tmp_path_factory: pytest.TempPathFactory):
    """The compiled-step cache in a directory of the session's (subprocesses inherit it): no
    test reads or writes the user's cache, and every ``train`` of a test goes through one."""
    from backprop_walkthrough.engine import step_cache

    with pytest.MonkeyPatch.context() as patch:
        directory = tmp_path_factory.mktemp("step-cache")
        patch.setenv(step_cache.DIRECTORY_VARIABLE, str(directory))
        patch.delenv(step_cache.OFF_VARIABLE, raising=False)
        yield


@pytest.fixture(autouse=True)
def _a_terminal_of_our_own(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every test sees the same terminal, whatever the one running the suite is: 80 columns
    (Rich's width where there is no terminal), no colour forced or refused. A test of another
    width sets COLUMNS itself."""
    monkeypatch.setenv("COLUMNS", "80")
    monkeypatch.delenv("LINES", raising=False)
    for name in ("FORCE_COLOR", "NO_COLOR", "TTY_COMPATIBLE", "TTY_INTERACTIVE"):
        monkeypatch.delenv(name, raising=False)


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


# --- the fast subset: `pytest -m "not slow"` ---------------------------------------------------
#
# Slow, by one rule here rather than a marker to remember on each test: a hypothesis sweep, a
# module that starts subprocesses or a browser for every test, and a test that runs pdflatex
# (its name says it compiles). What is left runs in well under a minute.

SLOW_MODULES = frozenset(
    {"test_browser", "test_notebook", "test_hostile", "test_hardening", "test_docs"}
)


def is_slow(item: pytest.Item) -> bool:
    module = getattr(item, "module", None)
    name = module.__name__.rsplit(".", 1)[-1] if module is not None else ""
    function = getattr(item, "function", None)
    return (
        name in SLOW_MODULES
        or getattr(function, "is_hypothesis_test", False)
        or "compile" in item.name
        or item.get_closest_marker("slow") is not None
    )


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if is_slow(item):
            item.add_marker(pytest.mark.slow)
