"""Rendered output pinned with syrupy. Read every diff before running --snapshot-update."""

from __future__ import annotations

import io

import pytest
from rich.console import Console

from backprop_walkthrough import derive, load_scenario
from backprop_walkthrough.render.json import render_json
from backprop_walkthrough.render.terminal import render_terminal


def plain_text(name: str, width: int = 100, **options) -> str:
    console = Console(file=io.StringIO(), width=width, color_system=None, force_terminal=False)
    render_terminal(derive(load_scenario(name), **options), console)
    return console.file.getvalue()


@pytest.mark.parametrize("name", ["mazur", "notes"])
def test_plain_text_walkthrough(name, text_snapshot):
    assert plain_text(name) == text_snapshot


def test_plain_text_in_the_posts_order(text_snapshot):
    assert plain_text("mazur", hidden_uses_updated_weights=True) == text_snapshot


def test_json(json_snapshot):
    assert render_json(derive(load_scenario("mazur"))) == json_snapshot


def test_narrow_terminal_keeps_every_number():
    narrow = plain_text("mazur", width=60)
    for number in ("0.298371109", "0.082167041", "0.000438568", "0.291027774"):
        assert number in narrow
