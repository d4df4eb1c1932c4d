"""Stage 1: the source of truth (schema, loader, cross-checks, inventory exports)."""

from netauto.sot.loader import LoadedSoT, load_sot
from netauto.sot.models import SoT

__all__ = ["LoadedSoT", "SoT", "load_sot"]
