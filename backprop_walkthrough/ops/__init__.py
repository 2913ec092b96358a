"""One record per operation — activation, loss, a program's function — and everything the
tool knows about each, in one place: its SymPy function and derivative rule, its float forms
(stable, from net), its printed symbols and its constraints. Adding gelu is adding a record.

:mod:`.functions` (the SymPy functions and their derivative rules), :mod:`.floats` (their
float forms), :mod:`.activations` (the activation records, with the stable forms of their
textbook groups), :mod:`.losses` (the loss records), :mod:`.operations` (a program's functions,
and every local derivative in the form every view evaluates). Every name is re-exported here;
the SymPy ones are loaded on first use, so that reading the records loads no SymPy.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..lazy import attributes_from
from .activations import (
    ACTIVATION_RECORDS,
    ACTIVATIONS,
    FLOAT_FUNCTION_NAMES,
    NEAR_END,
    Activation,
    Ends,
    Groups,
    Printed,
    activation,
    complement,
    float_functions,
    printed_function,
)
from .floats import (
    DEFAULT_LEAKY_SLOPE,
    DEFAULT_LOSS,
    float_leaky_relu,
    float_relu,
    float_silu,
    fsum,
    safe_exp,
    safe_log,
    softmax_component,
    stable_log_softmax,
    stable_log_softmax_complement,
    stable_sigmoid,
    stable_softmax,
    stable_softplus,
)
from .losses import (
    LOSS_RECORDS,
    LOSSES,
    Loss,
    loss,
    residual_expression,
)
from .operations import (
    OPERATIONS,
    Operation,
    activation_is_rational,
    apply,
    has_kink,
    local_derivative_form,
)

if TYPE_CHECKING:
    from .functions import (
        NET,
        OUT,
        exp_nonpositive,
        inline_sigmoid,
        leaky_relu,
        log_softmax,
        log_softmax_complement,
        relu,
        sigmoid,
        silu,
        softmax,
        softplus,
    )

#: The SymPy objects of :mod:`.functions`, imported on first use: reading the records (a
#: scenario's validation, a cached ``train``) loads no SymPy.
_SYMPY_NAMES = frozenset(
    {
        "NET",
        "OUT",
        "exp_nonpositive",
        "inline_sigmoid",
        "leaky_relu",
        "log_softmax",
        "log_softmax_complement",
        "relu",
        "sigmoid",
        "silu",
        "softmax",
        "softplus",
    }
)


__getattr__ = attributes_from(__name__, dict.fromkeys(_SYMPY_NAMES, ".functions"))


__all__ = [
    "ACTIVATIONS",
    "ACTIVATION_RECORDS",
    "Activation",
    "DEFAULT_LEAKY_SLOPE",
    "DEFAULT_LOSS",
    "Ends",
    "FLOAT_FUNCTION_NAMES",
    "float_functions",
    "Groups",
    "LOSSES",
    "LOSS_RECORDS",
    "Loss",
    "NET",
    "OPERATIONS",
    "OUT",
    "Operation",
    "Printed",
    "activation",
    "activation_is_rational",
    "apply",
    "complement",
    "float_leaky_relu",
    "float_relu",
    "float_silu",
    "fsum",
    "has_kink",
    "leaky_relu",
    "local_derivative_form",
    "log_softmax",
    "log_softmax_complement",
    "loss",
    "printed_function",
    "relu",
    "residual_expression",
    "safe_exp",
    "safe_log",
    "sigmoid",
    "silu",
    "softmax",
    "softmax_component",
    "softplus",
    "stable_log_softmax",
    "stable_log_softmax_complement",
    "stable_sigmoid",
    "stable_softmax",
    "stable_softplus",
    "exp_nonpositive",
    "inline_sigmoid",
    "NEAR_END",
]
