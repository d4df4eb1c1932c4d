"""The ``netauto`` console script: tune the process, start a verb's early work, run the CLI.

A command spends its first ~0.2 s importing the command line (typer, rich, pydantic,
Jinja) on one core. Work that needs none of it starts before, on the second core: for
``render``, FRR's parser (``vtysh --dryrun``) builds its command tables
(:func:`netauto.render.vtysh.prestart`); render feeds it the configs later.

Only the standard library is imported here, so that work starts within a few
milliseconds of the interpreter. (Loading the SoT for ``plan`` in a forked reader the
same way was measured too: ``plan`` alone got faster, plan + render did not, for ~150 ms
more CPU; it was left out.)
"""

from __future__ import annotations

import gc
import os
import sys
import types

VALUE_OPTIONS = ("-i", "--inventory", "--state-dir")
"""The root options that take a value (the verb comes after them)."""


def verb_of(argv: list[str]) -> str | None:
    """The verb in a command line, skipping global options and their values.

    Examples:
        >>> verb_of(["-i", "inv", "--state-dir", "s", "plan", "--diff"])
        'plan'
        >>> verb_of(["--inventory=inv", "render"])
        'render'
        >>> verb_of(["--help"]) is None
        True
    """
    skip = False
    for arg in argv:
        if skip:
            skip = False
        elif arg in VALUE_OPTIONS:
            skip = True
        elif not arg.startswith("-"):
            return arg
    return None


PYDANTIC_PLUGIN_LOADER = "pydantic.plugin._loader"


def skip_pydantic_plugin_loader() -> bool:
    """With pydantic plugins disabled, answer "no plugins" without importing their loader.

    pydantic imports its plugin loader when it builds the first validator, and the loader
    imports ``importlib.metadata`` (email, zipfile, csv, ...: ~12 ms CPU per command) only
    to return no plugin when ``PYDANTIC_DISABLE_PLUGINS=__all__``. This registers a loader
    that returns none at once. It does nothing (returns False) when plugins are enabled or
    the loader is already imported; were pydantic to rename its loader, the stand-in would
    simply never be used.
    """
    if os.environ.get("PYDANTIC_DISABLE_PLUGINS") not in ("__all__", "1", "true"):
        return False
    if PYDANTIC_PLUGIN_LOADER in sys.modules:
        return False
    loader = types.ModuleType(PYDANTIC_PLUGIN_LOADER, "Stand-in set by netauto: plugins are off.")
    loader.get_plugins = lambda: ()  # type: ignore[attr-defined]
    sys.modules[PYDANTIC_PLUGIN_LOADER] = loader
    return True


def tune_process() -> None:
    """Settings for one short command run as its own process (not for tests or embedding).

    The cycle collector runs less often (a plan allocates ~10^5 objects, none cyclic
    garbage worth collecting mid-run; mypy does the same), and pydantic plugins are not
    looked up (netauto's models use none; ``PYDANTIC_DISABLE_PLUGINS=`` (empty) in the
    environment turns the lookup back on).
    """
    gc.set_threshold(200_000, 30, 30)
    os.environ.setdefault("PYDANTIC_DISABLE_PLUGINS", "__all__")
    skip_pydantic_plugin_loader()


def start_early_work(argv: list[str]) -> None:
    """Start the background work of the verb in ``argv`` (see the module docstring)."""
    if os.environ.get("NETAUTO_NO_EARLY_WORK"):
        return
    if verb_of(argv) == "render" and "--help" not in argv and "-h" not in argv:
        from netauto.render import vtysh

        vtysh.prestart(min(2, len(os.sched_getaffinity(0))))  # one per render process


def main() -> None:
    """Entry point of the ``netauto`` console script."""
    tune_process()
    start_early_work(sys.argv[1:])
    from netauto.cli import main as cli_main

    cli_main()
