"""The engine: network → calculus → derivation (the model), numbers, the fast path, training."""
