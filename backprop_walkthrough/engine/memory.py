"""The garbage collector paused while a big derivation builds its model.

A derivation allocates hundreds of thousands of small objects (SymPy expressions, steps,
dictionaries) that all live until it ends, and Python's cyclic collector walks the whole young
and old heap again and again as they accumulate: for 11,000 parameters, derive + JSON spent
close to 30 % of its time there, and more the bigger the network (the walks grow with the
heap). Nothing here is garbage until the end, so the collector runs once then instead.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def collection_paused() -> Iterator[None]:
    """Within: no automatic collection (reference counting still frees what is dropped);
    after: the collector as it was. Nested uses leave it to the outermost."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()
