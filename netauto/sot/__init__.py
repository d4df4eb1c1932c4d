"""Stage 1: the source of truth (schema, loader, cross-checks, inventory exports).

The names below are imported on first use: a later stage that only needs the schema
(``netauto.sot.models``, e.g. to unpickle a cached plan) does not pay for the YAML loader.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from netauto.lazy import lazy_exports

if TYPE_CHECKING:
    from netauto.sot.loader import load_sot
    from netauto.sot.models import SoT
    from netauto.sot.source import LoadedSoT

__all__ = ["LoadedSoT", "SoT", "load_sot"]

_LAZY = {
    "LoadedSoT": "netauto.sot.source",
    "load_sot": "netauto.sot.loader",
    "SoT": "netauto.sot.models",
}

__getattr__ = lazy_exports(__name__, _LAZY)
