"""Test helpers: scenario documents for the oracle (from files or any Scenario), and pdflatex."""

from __future__ import annotations

import subprocess
from pathlib import Path
from typing import Any

import yaml

from backprop_walkthrough import Scenario

from .conftest import SCENARIOS


def document(name: str) -> dict[str, Any]:
    return yaml.safe_load((SCENARIOS / f"{name}.yaml").read_text())


def document_of(scenario: Scenario) -> dict[str, Any]:
    """The oracle's view of a validated scenario (for generated parameters, names, sizes)."""
    return {
        "layers": [
            {
                "neurons": list(layer.neurons),
                "activation": layer.activation,
                **({"slope": layer.slope} if layer.slope is not None else {}),
            }
            for layer in scenario.layers
        ],
        "weights": {
            w.name: {"from": w.source, "to": w.target, "value": w.value} for w in scenario.weights
        },
        "biases": {b.name: {"to": list(b.targets), "value": b.value} for b in scenario.biases},
        "examples": [
            {"inputs": dict(e.inputs), "targets": dict(e.targets)} for e in scenario.examples
        ],
        "loss": scenario.loss,
    }


def pdflatex(tex: Path) -> subprocess.CompletedProcess[str]:
    """Compile ``tex`` in its own directory, stopping at the first error."""
    return subprocess.run(
        ["pdflatex", "-interaction=nonstopmode", "-halt-on-error", tex.name],
        cwd=tex.parent,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
