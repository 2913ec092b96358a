"""SymPy loaded on first use, not on import; and a package's names imported on first use.

Most of the package imports SymPy at the top of a module, as one does; but a ``train`` served
from the compiled-step cache (:mod:`.engine.step_cache`) and ``--help`` use none of it, and
importing SymPy costs about 0.3 s. :func:`lazy_import` puts a module in ``sys.modules`` whose
code runs on its first attribute access (the standard library's
:class:`importlib.util.LazyLoader`, as the ``importlib`` documentation describes), so every
``import sympy as sp`` that follows binds that module and loads nothing until ``sp.Symbol`` or
the like is used. A module-level ``sp.anything`` therefore loads SymPy: on the cache's path, the
modules keep SymPy inside functions and annotations (a test checks that a cached ``train`` never
loads it). A module that is already imported is returned as it is.
"""

from __future__ import annotations

import importlib.util
import sys
from collections.abc import Callable, Mapping
from types import ModuleType
from typing import Any


def lazy_import(name: str) -> ModuleType:
    """The module ``name``, executed on its first attribute access."""
    if name in sys.modules:
        return sys.modules[name]
    spec = importlib.util.find_spec(name)
    if spec is None or spec.loader is None:  # not installed: the plain import will say so
        return importlib.import_module(name)
    loader = importlib.util.LazyLoader(spec.loader)
    spec.loader = loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    loader.exec_module(module)
    return module


def attributes_from(package: str, homes: Mapping[str, str]) -> Callable[[str], Any]:
    """A package's ``__getattr__`` (PEP 562) that imports each name of ``homes`` from its module
    (relative to ``package``) on first use and keeps it, so that importing the package imports
    none of them: the API, the model's matrix view and the records' SymPy functions."""
    namespace = sys.modules[package].__dict__

    def __getattr__(name: str) -> Any:  # noqa: N807 - the module hook's own name
        if name not in homes:
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        value = getattr(importlib.import_module(homes[name], package), name)
        namespace[name] = value  # the next use is a plain attribute (and not a submodule's)
        return value

    return __getattr__
