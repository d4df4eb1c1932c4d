"""The ``netauto`` console script: tune the process, start a verb's early work, run the CLI.

A command spends its first ~0.2 s importing the command line (typer, rich, pydantic,
Jinja) on one core. Work that needs none of it starts before, on the second core: for
``render``, FRR's parser (``vtysh --dryrun``) builds its command tables
(:func:`netauto.render.vtysh.prestart`); render feeds it the configs later.

For a plain ``plan``, a forked process renders the plan being saved, for the ``render``
that usually follows (:func:`start_render_ahead`, :mod:`netauto.render.warm`); that
``render`` is then answered before the command line is even imported
(:func:`answer_render`).

Only the standard library is imported here, so that work starts within a few
milliseconds of the interpreter. (Loading the SoT for ``plan`` in a forked reader the
same way was measured too: ``plan`` alone got faster, plan + render did not, for ~150 ms
more CPU; it was left out.)
"""

from __future__ import annotations

import contextlib
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


DEFAULT_INVENTORY = "inventory"
DEFAULT_STATE_DIR = ".netauto"
"""The defaults of ``--inventory`` and ``--state-dir`` (also in :mod:`netauto.settings`)."""


def global_paths(argv: list[str]) -> tuple[str, str, str, list[str]] | None:
    """(inventory, state dir, verb, the verb's own arguments) of a command line, or None
    when it holds an option before the verb other than ``-i``/``--inventory`` and
    ``--state-dir``, or no verb.

    Examples:
        >>> global_paths(["-i", "inv", "--state-dir", "st", "render", "-q"])
        ('inv', 'st', 'render', ['-q'])
        >>> global_paths(["--inventory=inv", "plan"])[:3]
        ('inv', '.netauto', 'plan')
        >>> global_paths(["--help", "plan"]) is None
        True
    """
    values = {
        "inventory": os.environ.get("NETAUTO_INVENTORY") or DEFAULT_INVENTORY,
        "state_dir": os.environ.get("NETAUTO_STATE_DIR") or DEFAULT_STATE_DIR,
    }
    names = {"-i": "inventory", "--inventory": "inventory", "--state-dir": "state_dir"}
    for index, arg in enumerate(argv):
        option, equals, value = arg.partition("=")
        if not arg.startswith("-"):
            if argv[index - 1 : index] and argv[index - 1] in names:
                continue  # the value of the option before
            return values["inventory"], values["state_dir"], arg, argv[index + 1 :]
        if option not in names:
            return None
        if equals:
            values[names[option]] = value
        elif index + 1 < len(argv):
            values[names[option]] = argv[index + 1]
    return None


def plain_plan_paths(argv: list[str]) -> tuple[str, str] | None:
    """(inventory, state dir) of a plain ``netauto plan`` (global options only, no option
    of ``plan`` itself), or None for any other command line.

    Examples:
        >>> plain_plan_paths(["-i", "inv", "--state-dir", "st", "plan"])
        ('inv', 'st')
        >>> plain_plan_paths(["plan", "--diff"]) is None, plain_plan_paths(["render"]) is None
        (True, True)
    """
    found = global_paths(argv)
    if found is None or found[2] != "plan" or found[3]:
        return None
    return found[0], found[1]


rendering_ahead = False
"""True in a ``plan`` process that forked :func:`start_render_ahead`."""


def start_render_ahead(argv: list[str]) -> None:
    """For a plain ``netauto plan``, fork a process that renders the plan being saved, for
    a following ``netauto render`` (:mod:`netauto.render.warm`).

    It needs nothing from this process: it loads the SoT and builds the plan itself, on the
    second core while this one imports the command line and does the same; it also stores
    that SoT and plan for later verbs, so ``plan`` does not (:data:`rendering_ahead`). Its
    standard streams are /dev/null (it never holds the caller's pipes open) and it never
    returns here; if anything fails, ``render`` (and any later verb) does the work itself.
    """
    global rendering_ahead
    paths = plain_plan_paths(argv)
    if paths is None or not hasattr(os, "fork"):
        return
    if os.fork() != 0:
        rendering_ahead = True
        return
    try:
        null = os.open(os.devnull, os.O_RDWR)
        for target in (0, 1, 2):
            os.dup2(null, target)
        from pathlib import Path

        from netauto.render.warm import render_ahead

        render_ahead(Path(paths[0]), Path(paths[1]))
    except BaseException:  # best effort: a later render does the work itself
        pass
    finally:
        os._exit(0)


def start_early_work(argv: list[str]) -> None:
    """Start the background work of the verb in ``argv`` (see the module docstring)."""
    if os.environ.get("NETAUTO_NO_EARLY_WORK"):
        return
    verb = verb_of(argv)
    if verb == "render" and "--help" not in argv and "-h" not in argv:
        from netauto.render import vtysh

        vtysh.prestart(min(2, len(os.sched_getaffinity(0))))  # one per render process
    elif verb == "plan":
        start_render_ahead(argv)


def answer_render(argv: list[str]) -> int | None:
    """The exit code of a ``render`` answered from a render done ahead, before the command
    line is imported (:func:`netauto.render.output.answer_from_cache`); None for any other
    command line, or when nothing is stored for the SoT as it is now."""
    found = global_paths(argv)
    if found is None or found[2] != "render":
        return None
    from netauto.render.output import answer_from_cache

    return answer_from_cache(found[0], found[1], found[3])


def exit_now(code: int) -> None:
    """Flush stdout and stderr, then end the process at once with ``code`` (its objects
    are not torn down one by one)."""
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(OSError, ValueError):
            stream.flush()
    os._exit(code)


def main() -> None:
    """Entry point of the ``netauto`` console script."""
    tune_process()
    argv = sys.argv[1:]
    try:
        code = answer_render(argv)
    except KeyboardInterrupt:
        sys.stderr.write("Interrupted.\n")
        code = 130
    if code is not None:
        exit_now(code)
    start_early_work(argv)
    from netauto.cli import main as cli_main

    cli_main()
