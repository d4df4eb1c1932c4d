"""Where render's templates are and which files are its own (standard library only).

Kept apart from :mod:`netauto.render.engine` (Jinja2, the typed models) so that a render
answered from the cache (:mod:`netauto.render.warm`) never imports them.
"""

from __future__ import annotations

import os
from functools import lru_cache
from pathlib import Path

__all__ = ["OUTPUT_SUFFIXES", "default_template_dir", "stale_outputs"]

OUTPUT_SUFFIXES = (".conf", ".nft", ".network")
"""The kinds of file render writes (device config, FRR packet filter, VM network file)."""


def stale_outputs(present: list[str], written: set[str]) -> list[str]:
    """Files in an output directory that look like render's but were not written this time
    (left by hosts no longer in the plan), sorted.

    Examples:
        >>> stale_outputs(["a.conf", "a.nft", "old.conf", "notes.txt"], {"a.conf", "a.nft"})
        ['old.conf']
    """
    return sorted(n for n in present if n.endswith(OUTPUT_SUFFIXES) and n not in written)


def default_template_dir() -> Path:
    """``$NETAUTO_TEMPLATES`` if set, else the ``templates/`` folder of the source tree."""
    env = os.environ.get("NETAUTO_TEMPLATES")
    if env:
        return Path(env)
    return source_template_dir()


@lru_cache(maxsize=1)
def source_template_dir() -> Path:
    """The ``templates/`` folder of the source tree (resolved once per process)."""
    # resolve() stats every path component: once per process, not once per device
    return Path(__file__).resolve().parents[2] / "templates"
