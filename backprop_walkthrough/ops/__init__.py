"""One record per operation — activation, loss, a program's function — and everything the
tool knows about each, in one place: its SymPy function and derivative rule, its float forms
(stable, from net), its printed symbols and its constraints. Adding gelu is adding a record.

:mod:`.functions` (the SymPy functions and their float forms), :mod:`.activations` (the
activation records, with the stable forms of their textbook groups), :mod:`.losses` (the loss
records), :mod:`.operations` (a program's functions, and every local derivative in the form
every view evaluates). Every name is re-exported here.
"""

from __future__ import annotations

from .activations import (
    ACTIVATION_RECORDS,
    ACTIVATIONS,
    FLOAT_FUNCTIONS,
    Activation,
    Ends,
    Groups,
    Printed,
    X,
    activation,
    complement,
    printed_function,
)
from .functions import (
    DEFAULT_LEAKY_SLOPE,
    DEFAULT_LOSS,
    exp_nonpositive,
    float_leaky_relu,
    float_relu,
    float_silu,
    fsum,
    inline_sigmoid,
    leaky_relu,
    log_softmax,
    log_softmax_complement,
    relu,
    safe_exp,
    safe_log,
    sigmoid,
    silu,
    softmax,
    softmax_component,
    softplus,
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
    NET,
    OPERATIONS,
    OUT,
    Operation,
    activation_is_rational,
    apply,
    has_kink,
    local_derivative_form,
)

__all__ = [
    "ACTIVATIONS",
    "ACTIVATION_RECORDS",
    "Activation",
    "DEFAULT_LEAKY_SLOPE",
    "DEFAULT_LOSS",
    "Ends",
    "FLOAT_FUNCTIONS",
    "Groups",
    "LOSSES",
    "LOSS_RECORDS",
    "Loss",
    "NET",
    "OPERATIONS",
    "OUT",
    "Operation",
    "Printed",
    "X",
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
]
