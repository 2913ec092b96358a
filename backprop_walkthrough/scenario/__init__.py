"""Scenarios: YAML with line numbers → every check → a frozen :class:`Scenario`."""

from __future__ import annotations

from ..errors import ScenarioError
from ..shipped import builtin_names, network_names, scenarios_dir
from .files import (
    describe_builtin,
    file_kind,
    load_scenario,
    load_shapes_spec,
    parse_scenario,
    read_scenario_text,
    read_tree,
    resolve,
    scenario_problems,
    template_text,
)
from .types import Bias, Example, Layer, PublishedFigure, Scenario, Weight

__all__ = [
    "Bias",
    "Example",
    "Layer",
    "PublishedFigure",
    "Scenario",
    "ScenarioError",
    "Weight",
    "builtin_names",
    "describe_builtin",
    "file_kind",
    "load_scenario",
    "load_shapes_spec",
    "network_names",
    "parse_scenario",
    "read_scenario_text",
    "read_tree",
    "resolve",
    "scenario_problems",
    "scenarios_dir",
    "template_text",
]
