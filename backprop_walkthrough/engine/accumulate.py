"""Reverse accumulation, once: the chain rule over a graph, from its output back to its leaves.

Every node's gradient is the sum, over every use of it, of its user's gradient times the local
derivative of that use (``+=``, never ``=``: a value used twice gets both parts). Expressions
(floats, and SymPy's exact numbers with ``--exact``) and the scalar autodiff that checks the
tensor backprop all walk their graphs with this one function; each says only what a node's
shares are.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterable, Sequence
from typing import Any, TypeVar

Node = TypeVar("Node", bound=Hashable)


def accumulate(
    order: Sequence[Node],
    output: Node,
    shares: Callable[[Node, Any], Iterable[tuple[Node, Any]]],
    one: Any = 1.0,
) -> dict[Node, Any]:
    """Each node's gradient of ``output`` (absent: it does not reach it). ``order`` lists every
    node after its inputs; ``shares(node, gradient)`` gives (input, that input's share of the
    gradient) for each use of an input by ``node``."""
    grads: dict[Node, Any] = {output: one}
    for node in reversed(order):
        gradient = grads.get(node)
        if gradient is None:
            continue
        for source, share in shares(node, gradient):
            grads[source] = grads[source] + share if source in grads else share
    return grads
