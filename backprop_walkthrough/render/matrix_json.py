"""The matrix view as JSON: every matrix of every layer in full, with its shape, and for W and
∂E/∂W (b and ∂E/∂b) the parameter at each entry; one object per convention."""

from __future__ import annotations

from typing import Any

import sympy as sp

from ..model import MatrixForm, MatrixStep, MatrixWalkthrough
from .json_writer import dumps


def _matrix(value: sp.ImmutableMatrix) -> list[list[float]]:
    return [[float(value[i, j]) for j in range(value.cols)] for i in range(value.rows)]


def _entry(step: MatrixStep) -> dict[str, Any]:
    entry: dict[str, Any] = {"shape": list(step.value.shape), "values": _matrix(step.value)}
    if step.names is not None:
        entry["names"] = [list(row) for row in step.names]
    return entry


def _form(form: MatrixForm) -> dict[str, Any]:
    layers = []
    for layer in form.layers:
        data: dict[str, Any] = {"layer": layer.number, "activation": layer.activation}
        for step in layer.forward:
            data[step.kind] = _entry(step)
        jacobians = []
        for step in layer.backward:
            if step.kind == "jacobian":
                jacobians.append(_entry(step))
            else:
                data[step.kind] = _entry(step)  # the layer's δ is its last
        if jacobians:
            data["jacobians"] = jacobians
        if layer.broadcast_bias:
            data["broadcast_bias"] = layer.broadcast_bias
        layers.append(data)
    return {
        "inputs": _entry(form.inputs),
        "targets": _entry(form.targets),
        "layers": layers,
        "gradients": form.gradients,
    }


def render_matrix_json(w: MatrixWalkthrough) -> str:
    document = {
        "scenario": w.scenario.name,
        "view": "matrix",
        "E_total": w.E_total,
        "focus": w.focus,  # explain PARAM --view matrix: the parameter (the data stays whole)
        "conventions": {form.convention.value: _form(form) for form in w.forms},
    }
    return dumps(document)
