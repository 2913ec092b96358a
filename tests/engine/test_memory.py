"""The collector is paused during a derivation and restored after, whatever happens."""

from __future__ import annotations

import gc

import pytest

from backprop_walkthrough import load_scenario
from backprop_walkthrough.engine.memory import collection_paused
from backprop_walkthrough.engine.scalar import derivation


def test_the_collector_is_paused_within_and_restored_after():
    assert gc.isenabled()
    with collection_paused():
        assert not gc.isenabled()
        with collection_paused():  # nested: the outer one restores it
            assert not gc.isenabled()
        assert not gc.isenabled()
    assert gc.isenabled()
    with pytest.raises(ZeroDivisionError), collection_paused():
        1 / 0  # noqa: B018
    assert gc.isenabled()
    gc.disable()
    try:
        with collection_paused():
            pass
        assert not gc.isenabled()  # a collector someone else turned off stays off
    finally:
        gc.enable()


def test_a_derivation_runs_without_the_collector_and_leaves_it_on(monkeypatch):
    seen = []
    real = derivation._derive

    def spy(*args):
        seen.append(gc.isenabled())
        return real(*args)

    monkeypatch.setattr(derivation, "_derive", spy)
    derivation.derive(load_scenario("mazur"))
    assert seen == [False] and gc.isenabled()
