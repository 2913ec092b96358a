"""The scenario's published figures, each compared with the one computed (the post's slips)."""

from __future__ import annotations

from collections.abc import Mapping

from ...errors import ScenarioError, did_you_mean
from ...model import Comparison, FigureKey
from ...scenario import Scenario

#: A published figure counts as moved by --hidden-uses-updated-weights beyond this difference.
MOVED = 1e-12


def compare_published(
    scenario: Scenario, figures: Mapping[FigureKey, float], correct: Mapping[FigureKey, float]
) -> list[Comparison]:
    comparisons = []
    for figure in scenario.published:
        if figure.key.startswith("train "):
            continue  # a figure after a training run: the train command compares those
        key = FigureKey.parse(figure.key)
        if key not in figures:
            names = [str(k) for k in figures]
            raise ScenarioError(
                scenario.source,
                f"no figure named {figure.key!r}{did_you_mean(figure.key, names)}",
                f"published.{figure.key}",
                figure.line,
            )
        computed = figures[key]
        comparison = Comparison(key, figure.value, figure.decimals, computed, figure.why)
        if abs(computed - correct[key]) > MOVED and not comparison.agrees:
            comparison = comparison._replace(why="", moved_by_option=True)
        comparisons.append(comparison)
    return comparisons
