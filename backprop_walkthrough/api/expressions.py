"""Scalar programs backpropagated node by node (``expr``)."""

from __future__ import annotations

import math
from collections.abc import Mapping

from .. import options
from ..errors import NumericalError, OptionError, ScenarioError
from .results import Expression


def expression(
    program: str,
    values: Mapping[str, float | str] | None = None,
    *,
    name: str | None = None,
    output: str | None = None,
    nudge: float | None = None,
    h: float = 1e-6,
    exact: bool = False,
    **more: float | str,
) -> Expression:
    """Backpropagate a scalar program node by node: inline text (``"L = (a*b + c)*f"``, with
    the leaves' values as keyword arguments), a built-in (``micrograd``, ``neuron``) or a
    ``kind: expression`` file, whose values the keywords override."""
    import sympy as sp

    from ..engine.expression import backpropagate, exact_number, exact_walk
    from ..scenario.arithmetic import AnswerTextError, as_python, parse_value
    from ..scenario.expressions import expression_spec
    from ..scenario.files import parse_tree, read_scenario_text
    from ..scenario.program import parse_program
    from ..shipped import expression_names

    h = options.h(h)
    looks_like_file = program in expression_names() or program.endswith((".yaml", ".yml"))
    if looks_like_file:
        text, source = read_scenario_text(program)
        tree = parse_tree(text, source)
        if not isinstance(tree.value, dict) or tree.value.get("kind") != "expression":
            raise ScenarioError(source, "not an expression scenario (kind: expression)", "kind")
        spec = expression_spec(tree, source)
        parsed, leaves, title = spec.program, dict(spec.values), spec.name
        if output is not None:
            parsed = parse_program(parsed.text, source, output)
    else:
        parsed, leaves, title = parse_program(program, "<program>", output), {}, "expression"
    exact_leaves: dict[str, sp.Expr] = {k: sp.Rational(repr(v)) for k, v in leaves.items()}
    for key, value in {**(values or {}), **more}.items():
        if isinstance(value, bool) or not isinstance(value, int | float | str):
            raise OptionError(key, f"expected a number, got {value!r}")
        if isinstance(value, str):  # arithmetic text: 1/3, 6 + log(1 + sqrt(2))
            try:
                leaves[key] = parse_value(value).value
            except AnswerTextError as exc:
                raise OptionError(key, str(exc)) from None
            if exact:
                exact_leaves[key] = exact_number(parse_program(f"v = {as_python(value)}", key))
        else:
            if not math.isfinite(value):
                raise OptionError(key, f"expected a finite number, got {value}")
            leaves[key] = float(value)
            exact_leaves[key] = (
                sp.Integer(value) if isinstance(value, int) else sp.Rational(repr(value))
            )
    unknown = sorted(set(leaves) - {n.name for n in parsed.nodes if n.op == "leaf"})
    if unknown:
        raise OptionError(
            unknown[0], "is not a leaf of the program (a name it uses but never assigns)"
        )
    if nudge is not None and (
        isinstance(nudge, bool) or not isinstance(nudge, int | float) or not math.isfinite(nudge)
    ):
        raise OptionError("--nudge", f"expected a finite number, got {nudge!r}")
    try:
        walked = backpropagate(parsed, leaves, name or title, h=h, nudge=nudge)
    except NumericalError as exc:
        raise ScenarioError(
            parsed.text if len(parsed.text) <= 40 else "<program>", str(exc)
        ) from None
    if exact:
        hint = "the exact closed forms grew too large; drop --exact"
        with options.time_budget(options.EXACT_SECONDS, "--exact", hint):
            walked = walked._replace(exact=exact_walk(parsed, exact_leaves))
    return Expression(*walked)
