"""Connecting to a target: the targets registry, credentials, opening Nornir.

push and verify meet here (and in :mod:`netauto.parse`), never in each other.
"""

from __future__ import annotations

from netauto.connect import prod as _prod  # registers "prod"
from netauto.connect.targets import (
    LanClient,
    Target,
    TargetOptions,
    VmAccess,
    get,
    names,
    register,
)

__all__ = ["LanClient", "Target", "TargetOptions", "VmAccess", "get", "names", "register"]
del _prod
