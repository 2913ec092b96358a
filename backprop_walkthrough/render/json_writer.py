"""The one JSON writer: every document the tool writes goes through :func:`dumps`. Plain
Python, so that writing a training run's document loads no SymPy."""

from __future__ import annotations

import json
import math
from typing import Any


def strict(data: Any) -> Any:
    """``data`` with NaN and infinities as None and −0.0 as 0.0 (strict JSON, no "-0.0")."""
    if isinstance(data, float):
        return data + 0.0 if math.isfinite(data) else None
    if isinstance(data, dict):
        return {key: strict(value) for key, value in data.items()}
    if isinstance(data, (list, tuple)):
        return [strict(value) for value in data]
    return data


def dumps(data: Any, compact: bool = False) -> str:
    """The one JSON writer: strict, UTF-8; indented for a reader, or ``compact`` (one line,
    no spaces) for a document embedded in a page."""
    if compact:
        return json.dumps(strict(data), separators=(",", ":"), ensure_ascii=False, allow_nan=False)
    return json.dumps(strict(data), indent=2, ensure_ascii=False, allow_nan=False) + "\n"
