"""A compiled step as plain data: its functions, the Python source they were made from, and the
names of what they take and return; the loop of many steps written from one step's source; and
the one check that turns such a source into a function. SymPy-free, so that a step read back
from the cache (:mod:`..step_cache`) needs nothing of the engine that wrote it
(:mod:`.fastpath`)."""

from __future__ import annotations

import ast
import math
import types
from collections.abc import Callable, Sequence
from typing import Any, NamedTuple

from ... import ops

#: What a compiled source may call or read, by name: the records' float forms first (as
#: ``lambdify`` was told), then ``abs``, ``range`` and ``math``'s functions and constants.
NAMESPACE: dict[str, Any] = {
    **{name: value for name, value in vars(math).items() if not name.startswith("_")},
    "abs": abs,
    "range": range,
    **ops.FLOAT_FUNCTION_NAMES,
}

_NODES = (
    ast.Module, ast.FunctionDef, ast.arguments, ast.arg, ast.Assign, ast.Return, ast.Name,
    ast.Load, ast.Store, ast.Constant, ast.BinOp, ast.UnaryOp, ast.IfExp, ast.Compare,
    ast.BoolOp, ast.Call, ast.For, ast.If, ast.AugAssign, ast.List, ast.Tuple, ast.Add,
    ast.Sub, ast.Mult, ast.Div, ast.Pow, ast.Mod, ast.FloorDiv, ast.USub, ast.UAdd, ast.Not,
    ast.And, ast.Or, ast.Gt, ast.GtE, ast.Lt, ast.LtE, ast.Eq, ast.NotEq,
)  # fmt: skip


class CompiledStep(NamedTuple):
    """One gradient step of the whole scenario, compiled.

    ``gradient(params, rate)`` → (E_total, outputs per example, ∂E_total/∂p per parameter);
    ``step_function(params, rate)`` → [E_total, parameters after one step…]: the same program,
    without the outputs and gradients that a training loop does not need. E_total is the error
    of ``params``, before the step. ``advance`` runs many steps in one call (its loop written
    by :func:`loop_source` from the step's). The three ``*_source`` are the functions' Python
    source (one ``def`` of arithmetic each), which the cache keeps.
    """

    gradient_function: Callable[..., list[float]]
    step_function: Callable[..., list[float]]
    #: advance(params, rate, n, below, every, offset, stop) → [steps done, the E_total last
    #: computed, [(step, E_total) at the checkpoints], the parameters]: up to ``n`` steps from
    #: ``params``, the step at ``offset + i`` computing E_total where a checkpoint falls
    #: (``(offset + i) % every == 0``, recorded) or on every step when ``stop``; a computed
    #: E_total that is not finite, or below ``below``, ends the run there with the parameters
    #: of that step, not updated (``done < n``). Its loop is :func:`loop_source`'s.
    advance: Callable[..., list[Any]]
    parameters: tuple[str, ...]
    inputs: tuple[str, ...]
    outputs: tuple[str, ...]
    examples: int
    compile_seconds: float
    gradient_source: str
    step_source: str
    advance_source: str
    from_cache: bool = False

    def gradient(
        self,
        params: Sequence[float],
        rate: float = 0.0,
    ) -> tuple[float, list[list[float]], list[float]]:
        result = self.gradient_function(params, rate)
        n = len(self.outputs)
        outs = [result[1 + e * n : 1 + (e + 1) * n] for e in range(self.examples)]
        return result[0], outs, result[1 + self.examples * n :]


def loop_source(step_source: str) -> str:
    """The step's source (one ``def``: the parameters unpacked, straight-line assignments, a
    return of [E_total, the parameters after the step…]) rewritten as ``advance``: the same
    statements in a loop over the steps, the parameters carried in local variables, and
    E_total and whatever only it needs computed on the steps that look at it. One call per
    chunk of steps instead of one per step: a list built, a call made and a list unpacked less
    on every step, and the error left out of steps that never read it."""
    function = ast.parse(step_source).body[0]
    assert isinstance(function, ast.FunctionDef)
    unpack, *statements, returned = function.body
    assert isinstance(unpack, ast.Assign) and isinstance(unpack.targets[0], ast.List)
    assert isinstance(returned, ast.Return) and isinstance(returned.value, ast.List)
    names = [ast.unparse(target) for target in unpack.targets[0].elts]
    total, *updated = returned.value.elts
    body = [(ast.unparse(s.targets[0]), s) for s in statements if isinstance(s, ast.Assign)]
    assert len(body) == len(statements), "straight-line assignments only"
    # The statements the update reads (in order), and those only E_total reads.
    needed = {n.id for value in updated for n in ast.walk(value) if isinstance(n, ast.Name)}
    for target, statement in reversed(body):
        if target in needed:
            needed |= {n.id for n in ast.walk(statement.value) if isinstance(n, ast.Name)}
    update = [s for target, s in body if target in needed]
    error_only = [s for target, s in body if target not in needed]
    arguments = [a.arg for a in function.args.args]
    carried = ", ".join(names)
    lines = [
        f"def advance({', '.join(arguments)}, _n, _below, _every, _offset, _stop):",
        f"    [{carried}] = {arguments[0]}",
        "    _history = []",
        "    _total = 0.0",
        "    for _i in range(_n):",
        *(f"        {ast.unparse(s)}" for s in update),
        "        if _stop or (_offset + _i) % _every == 0:",
        *(f"            {ast.unparse(s)}" for s in error_only),
        f"            _total = {ast.unparse(total)} + 0.0",
        "            if not _total < inf:",
        f"                return [_i, _total, _history, [{carried}]]",
        "            if (_offset + _i) % _every == 0:",
        "                _history += [(_offset + _i, _total)]",
        "            if _total < _below:",
        f"                return [_i, _total, _history, [{carried}]]",
        f"        {carried} = {', '.join(ast.unparse(value) for value in updated)}",
        f"    return [_n, _total, _history, [{carried}]]",
    ]
    return "\n".join(lines) + "\n"


def function_from(source: object) -> Callable[..., list[float]] | None:
    """The function ``source`` defines, if it is one function of arithmetic, assignments,
    ``if`` and ``for`` over a ``range``, that calls only :data:`NAMESPACE` and reads only names
    it has assigned; None otherwise. The step cache reads its entries through this, and the
    fast path makes ``advance`` with it."""
    if not isinstance(source, str):
        return None
    tree = ast.parse(source, mode="exec")
    if len(tree.body) != 1 or not isinstance(tree.body[0], ast.FunctionDef):
        return None
    function = tree.body[0]
    if function.decorator_list or function.returns is not None:
        return None
    known = set(NAMESPACE) | {a.arg for a in function.args.args}
    for node in ast.walk(tree):
        if not isinstance(node, _NODES):
            return None
        if isinstance(node, ast.Constant) and type(node.value) not in (int, float):
            return None
        if isinstance(node, ast.Call):
            if node.keywords or not isinstance(node.func, ast.Name):
                return None
            if node.func.id not in NAMESPACE:
                return None
        if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store):
            known.add(node.id)
    loaded = {
        n.id for n in ast.walk(tree) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Load)
    }
    if not loaded <= known or any(name.startswith("__") for name in known - set(NAMESPACE)):
        return None
    # The function's own code object, made a function over NAMESPACE alone (no builtins): no
    # statement of the module runs, and the body can reach nothing but what it was checked for.
    module = compile(tree, "<cached step>", "exec")
    code = next(c for c in module.co_consts if isinstance(c, types.CodeType))
    return types.FunctionType(code, {"__builtins__": {}, **NAMESPACE}, function.name)
