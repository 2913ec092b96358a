"""A learner's own tensors checked: ``check_tensors`` in Python (a notebook), and the file
``shapes --check FILE`` reads (JSON or NumPy's ``.npz``)."""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from .. import model
from ..errors import OptionError, ScenarioError
from .results import Displays, export

#: A tensor file larger than this is refused before it is read (a lecture-sized set of every
#: tensor is a few megabytes of JSON).
MAX_TENSOR_FILE_BYTES = 200_000_000


class TensorCheck(model.TensorReport, Displays):
    """The cmp table of a learner's gradients (plain data, see :mod:`..model`): in Jupyter an
    HTML table; ``export("text" | "json" | "markdown" | "latex" | "html")``."""

    __slots__ = ()

    def export(self, output_format: str = "text") -> str:
        return export(self, output_format)


def check_tensors(tensors: Mapping[str, Any] | None = None, /, **named: Any) -> TensorCheck:
    """Check a learner's gradients of the lecture's exercise against the exercise recomputed
    from their own parameters and batch.

    Pass the tensors by the lecture's names — ``C, W1, b1, W2, b2`` (and ``bngain, bnbias``
    with batchnorm), ``Xb, Yb`` and any of ``dlogprobs … dC`` — as keywords, or as one mapping
    (``check_tensors(globals())`` in a notebook picks them up; other names are ignored there).
    PyTorch tensors, NumPy arrays and nested lists are all taken, without importing PyTorch::

        from backprop_walkthrough import check_tensors
        check_tensors(C=C, W1=W1, b1=b1, W2=W2, b2=b2, bngain=bngain, bnbias=bnbias,
                      Xb=Xb, Yb=Yb, dlogprobs=dlogprobs, dprobs=dprobs, dC=dC)
    """
    from ..engine.tensors.learner import check_tensors as check
    from ..engine.tensors.learner import exercise_names

    given: dict[str, Any] = {}
    if tensors is not None:
        names = exercise_names()
        given.update({k: v for k, v in tensors.items() if k in names})
    given.update(named)
    report = check(given)
    return TensorCheck(*report)


def read_tensor_file(path: str | Path) -> dict[str, Any]:
    """The tensors of a JSON file (an object of names → nested lists of numbers) or of an
    ``.npz`` (NumPy's archive, read without pickles)."""
    path = Path(path)
    source = str(path)
    try:
        size = path.stat().st_size
        if not path.is_file():
            raise ScenarioError(source, "is not a regular file")
        if size > MAX_TENSOR_FILE_BYTES:
            raise ScenarioError(
                source, f"{size:,} bytes; a tensor file may have {MAX_TENSOR_FILE_BYTES:,}"
            )
        if path.suffix.lower() == ".npz":
            import numpy as np

            try:
                with np.load(path, allow_pickle=False) as archive:
                    return {name: archive[name] for name in archive.files}
            except (ValueError, OSError, EOFError) as exc:
                raise ScenarioError(source, f"not a NumPy .npz archive of arrays ({exc})") from None
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ScenarioError(source, "no such file") from None
    except UnicodeDecodeError:
        raise ScenarioError(source, "not UTF-8 text (a JSON file, or an .npz archive)") from None
    except OSError as exc:
        raise ScenarioError(source, exc.strerror or str(exc)) from None
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ScenarioError(source, f"not JSON: {exc.msg}", line=exc.lineno) from None
    except RecursionError:
        raise ScenarioError(source, "nested too deeply") from None
    if not isinstance(data, dict):
        raise ScenarioError(source, 'expected an object of tensors by name, e.g. {"W1": [[…]]}')
    return data


def check_tensor_file(path: str | Path) -> TensorCheck:
    """``check_tensors`` on a file's tensors; a problem names the file."""
    tensors = read_tensor_file(path)
    try:
        return check_tensors(**tensors)
    except OptionError as exc:
        raise ScenarioError(str(path), exc.message, exc.option) from None
