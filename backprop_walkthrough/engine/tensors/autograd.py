"""An independent check of the manual tensor backprop: scalar reverse-mode autodiff over the
same computation, micrograd's way.

It shares no code with :mod:`.formulas`' formulas: every number is a :class:`Value` that records
the operation that made it and that operation's local derivative; ``backward`` walks the graph
in reverse topological order and adds each node's gradient into its inputs. Applied to the
forward pass written step by step (the same steps as the exercise, so that every intermediate
tensor is a set of nodes with gradients of its own), it gives the gradient of every tensor the
manual backprop computes.

Where the two agree bit for bit the check says *exact*; the order of a sum is the usual reason
they do not: autodiff adds a node's gradient one use at a time, in reverse order of the graph,
where the tensor formulas sum a row or a column in index order.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Sequence
from typing import Any

from ..accumulate import accumulate


class Value:
    """A number, the nodes it was made from, and how its gradient flows back to them."""

    __slots__ = ("data", "grad", "_inputs", "_local")

    def __init__(
        self,
        data: float,
        inputs: tuple[Value, ...] = (),
        local: Callable[[float], tuple[float, ...]] | None = None,
    ) -> None:
        self.data = data
        self.grad = 0.0
        self._inputs = inputs
        self._local = local  # output gradient → each input's share

    def __add__(self, other: Value) -> Value:
        return Value(self.data + other.data, (self, other), lambda g: (g, g))

    def __sub__(self, other: Value) -> Value:
        return Value(self.data - other.data, (self, other), lambda g: (g, -g))

    def __mul__(self, other: Value) -> Value:
        a, b = self.data, other.data
        return Value(a * b, (self, other), lambda g: (b * g, a * g))

    def scale(self, factor: float) -> Value:
        return Value(self.data * factor, (self,), lambda g: (factor * g,))

    def shift(self, constant: float) -> Value:
        return Value(self.data + constant, (self,), lambda g: (g,))

    def power(self, exponent: float) -> Value:
        x = self.data
        return Value(x**exponent, (self,), lambda g: (exponent * x ** (exponent - 1) * g,))

    def reciprocal(self) -> Value:
        x = self.data
        return Value(x**-1, (self,), lambda g: (-(x**-2) * g,))

    def exp(self) -> Value:
        out = math.exp(self.data)
        return Value(out, (self,), lambda g: (out * g,))

    def log(self) -> Value:
        x = self.data
        return Value(math.log(x), (self,), lambda g: (g / x,))

    def tanh(self) -> Value:
        # 1 − out², as PyTorch's tanh backward takes it (the lecture's cmp is against PyTorch),
        # rather than the stable form the other views use (ops.local_derivative_form): the
        # exercise's pre-activations stay far from saturation, and "exact" means what it says.
        out = math.tanh(self.data)
        return Value(out, (self,), lambda g: ((1 - out**2) * g,))

    @staticmethod
    def total(values: Sequence[Value]) -> Value:
        """Σ values, one node (its gradient goes to every term unchanged)."""
        data = 0.0
        for v in values:
            data += v.data
        count = len(values)
        return Value(data, tuple(values), lambda g: (g,) * count)

    @staticmethod
    def affine(xs: Sequence[Value], ws: Sequence[Value], bias: Value) -> Value:
        """Σₖ xₖ·wₖ + bias, one node: ∂/∂xₖ = wₖ, ∂/∂wₖ = xₖ, ∂/∂bias = 1."""
        data = 0.0
        for x, w in zip(xs, ws, strict=True):
            data += x.data * w.data
        data += bias.data
        x_data = [x.data for x in xs]
        w_data = [w.data for w in ws]

        def local(g: float) -> tuple[float, ...]:
            return (*(w * g for w in w_data), *(x * g for x in x_data), g)

        return Value(data, (*xs, *ws, bias), local)

    @staticmethod
    def maximum(values: Sequence[Value]) -> Value:
        """max(values): the gradient goes to the first largest, as torch's max does."""
        datas = [v.data for v in values]
        winner = datas.index(max(datas))
        count = len(values)
        return Value(
            datas[winner],
            tuple(values),
            lambda g: tuple(g if i == winner else 0.0 for i in range(count)),
        )

    def backward(self) -> None:
        """Every node's gradient of this one, in reverse topological order (iteratively: the
        graph of a network is deeper than Python's recursion limit allows)."""
        order: list[Value] = []
        seen: set[int] = set()
        stack: list[tuple[Value, bool]] = [(self, False)]
        while stack:
            node, expanded = stack.pop()
            if expanded:
                order.append(node)
                continue
            if id(node) in seen:
                continue
            seen.add(id(node))
            stack.append((node, True))
            stack.extend((child, False) for child in node._inputs if id(child) not in seen)

        def shares(node: Value, gradient: float) -> Iterable[tuple[Value, float]]:
            if node._local is None:
                return ()
            return zip(node._inputs, node._local(gradient), strict=True)

        for node, gradient in accumulate(order, self, shares).items():
            node.grad = gradient


def values(rows: Iterable[Iterable[float]]) -> list[list[Value]]:
    return [[Value(x) for x in row] for row in rows]


def grads(nodes: Any) -> Any:
    """The gradients of nested lists of nodes, nested the same way."""
    if isinstance(nodes, Value):
        return nodes.grad
    return [grads(n) for n in nodes]


def autograd_gradients(
    X: Sequence[Sequence[int]],  # noqa: N803 - the lecture's names
    Y: Sequence[int],  # noqa: N803
    parameters: dict[str, Any],
    embedding_dim: int,
    batchnorm: bool = False,
) -> dict[str, Any]:
    """The gradient of the loss with respect to every tensor of the exercise, by autodiff."""
    plain = {k: v.tolist() if hasattr(v, "tolist") else v for k, v in parameters.items()}
    X = [[int(i) for i in row] for row in X]  # noqa: N806
    Y = [int(y) for y in Y]  # noqa: N806
    C = values(plain["C"])  # noqa: N806
    W1 = values(plain["W1"])  # noqa: N806
    b1 = [Value(x) for x in plain["b1"]]
    W2 = values(plain["W2"])  # noqa: N806
    b2 = [Value(x) for x in plain["b2"]]
    n = len(X)
    # emb is a copy of C's rows (a node per number, so that it has a gradient of its own)
    emb = [
        [[row[k] + Value(0.0) for k in range(embedding_dim)] for row in (C[i] for i in context)]
        for context in X
    ]
    embcat = [[x for part in example for x in part] for example in emb]
    W1_columns = list(zip(*W1, strict=True))  # noqa: N806
    pre = [
        [Value.affine(row, column, bias) for column, bias in zip(W1_columns, b1, strict=True)]
        for row in embcat
    ]
    found: dict[str, Any] = {}
    if batchnorm:
        hpreact = _batchnorm(pre, plain, n, found)
        h = [[x.tanh() for x in row] for row in hpreact]
    else:
        h = [[x.tanh() for x in row] for row in pre]
    W2_columns = list(zip(*W2, strict=True))  # noqa: N806
    logits = [
        [Value.affine(row, column, bias) for column, bias in zip(W2_columns, b2, strict=True)]
        for row in h
    ]
    logit_maxes = [[Value.maximum(row)] for row in logits]
    norm_logits = [[x - m[0] for x in row] for row, m in zip(logits, logit_maxes, strict=True)]
    counts = [[x.exp() for x in row] for row in norm_logits]
    counts_sum = [[Value.total(row)] for row in counts]
    counts_sum_inv = [[s[0].reciprocal()] for s in counts_sum]
    probs = [[x * inv[0] for x in row] for row, inv in zip(counts, counts_sum_inv, strict=True)]
    logprobs = [[p.log() for p in row] for row in probs]
    loss = Value.total([logprobs[i][y] for i, y in enumerate(Y)]).scale(-1.0 / n)
    loss.backward()
    gradients = {f"d{name}": grads(nodes) for name, nodes in found.items()}
    return {
        **gradients,
        "dlogprobs": grads(logprobs),
        "dprobs": grads(probs),
        "dcounts_sum_inv": grads(counts_sum_inv),
        "dcounts_sum": grads(counts_sum),
        "dcounts": grads(counts),
        "dnorm_logits": grads(norm_logits),
        "dlogit_maxes": grads(logit_maxes),
        "dlogits": grads(logits),
        "dh": grads(h),
        "dW2": grads(W2),
        "db2": grads(b2),
        "dhprebn" if batchnorm else "dhpre": grads(pre),
        "dW1": grads(W1),
        "db1": grads(b1),
        "dembcat": grads(embcat),
        "demb": grads(emb),
        "dC": grads(C),
        "loss": loss.data,
    }


def _batchnorm(
    pre: list[list[Value]], plain: dict[str, Any], n: int, found: dict[str, Any]
) -> list[list[Value]]:
    """The batchnorm layer, node by node, column by column; its tensors' nodes go in ``found``
    (by the exercise's names) so that their gradients are read after ``backward``."""
    columns = range(len(pre[0]))
    bngain = [[Value(x) for x in plain["bngain"][0]]]
    bnbias = [[Value(x) for x in plain["bnbias"][0]]]
    bnmeani = [[Value.total([row[j] for row in pre]).scale(1.0 / n) for j in columns]]
    bndiff = [[row[j] - bnmeani[0][j] for j in columns] for row in pre]
    bndiff2 = [[x * x for x in row] for row in bndiff]  # a node used twice: both shares add
    bnvar = [[Value.total([row[j] for row in bndiff2]).scale(1.0 / (n - 1)) for j in columns]]
    bnvar_inv = [[v.shift(1e-5).power(-0.5) for v in bnvar[0]]]
    bnraw = [[row[j] * bnvar_inv[0][j] for j in columns] for row in bndiff]
    hpreact = [[bngain[0][j] * row[j] + bnbias[0][j] for j in columns] for row in bnraw]
    found.update(bngain=bngain, bnbias=bnbias, bnmeani=bnmeani, bndiff=bndiff)
    found.update(bndiff2=bndiff2, bnvar=bnvar, bnvar_inv=bnvar_inv, bnraw=bnraw, hpreact=hpreact)
    return hpreact
