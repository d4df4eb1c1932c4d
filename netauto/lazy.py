"""Names a package exports but imports only on first use (PEP 562 module ``__getattr__``)."""

from __future__ import annotations

import importlib
from collections.abc import Callable
from typing import Any


def lazy_exports(package: str, where: dict[str, str]) -> Callable[[str], Any]:
    """A module ``__getattr__`` that imports ``name`` from ``where[name]`` when first asked.

    A stage package lists its public API without importing its heavy parts: a later stage
    that needs only the models (e.g. to unpickle a cached plan) skips the YAML loader.

    Examples:
        >>> getattr_ = lazy_exports("pkg", {"sqrt": "math"})
        >>> getattr_("sqrt")(9.0)
        3.0
        >>> getattr_("nope")
        Traceback (most recent call last):
        ...
        AttributeError: module 'pkg' has no attribute 'nope'
    """

    def __getattr__(name: str) -> Any:
        if name not in where:
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        return getattr(importlib.import_module(where[name]), name)

    return __getattr__
