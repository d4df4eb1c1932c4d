"""Stage 1: the source of truth (schema, loader, cross-checks, inventory exports)."""

from __future__ import annotations

from netauto.sot.loader import load_sot
from netauto.sot.models import SoT
from netauto.sot.source import LoadedSoT

__all__ = ["LoadedSoT", "SoT", "load_sot"]
