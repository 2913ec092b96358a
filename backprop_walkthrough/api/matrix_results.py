"""The matrix view's result: :class:`Matrices`, with ``export()`` and the displays Jupyter uses."""

from __future__ import annotations

import dataclasses

from .. import model
from .results import Displays, export


class Matrices(model.MatrixWalkthrough, Displays):
    """The derivation in matrix form (plain data, see :mod:`..model`) with ``export()`` and the
    displays Jupyter uses. ``gradients`` are the first convention's, parameter by name."""

    @property
    def gradients(self) -> dict[str, float]:
        return self.forms[0].gradients

    def explain(self, parameter: str) -> Matrices:
        """Only what ``parameter``'s gradient rests on."""
        from ..engine.matrix import focus_on

        return as_matrices(focus_on(self, parameter))

    def export(
        self, output_format: str = "text", *, digits: int = 9, full: bool = False, width: int = 100
    ) -> str:
        return export(self, output_format, digits=digits, full=full, width=width)


def as_matrices(derived: model.MatrixWalkthrough) -> Matrices:
    return Matrices(**{f.name: getattr(derived, f.name) for f in dataclasses.fields(derived)})
