"""The ``netauto`` command line: one verb per pipeline stage.

Each stage owns its verbs in ``netauto/<stage>/cli.py`` and exposes ``register(app)``;
this module only wires them together and turns netauto's exceptions into one-line
messages and exit codes (2: bad input, 1: failed checks, 0: success).
"""

from __future__ import annotations

import contextlib
import gc
import inspect
import os
import sys
import types
from pathlib import Path

import typer
from rich.markup import escape

from netauto import __version__
from netauto.console import err
from netauto.errors import InputError, NetautoError
from netauto.settings import Settings

app = typer.Typer(
    name="netauto",
    help=(
        "Source of truth → IPv6 dual-stack plan → configs → safe push → verified, auditable "
        "connectivity, for a province's dedicated data network.\n\n"
        "Pipeline: validate/inventory → plan → render → diff/push → verify → report; "
        "`lab` runs a virtual copy of the province to push to and verify against."
    ),
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    rich_markup_mode="rich",
    context_settings={"help_option_names": ["-h", "--help"]},
)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"netauto {__version__}")
        raise typer.Exit()


@app.callback()
def root(
    ctx: typer.Context,
    inventory: Path = typer.Option(
        Path("inventory"),
        "-i",
        "--inventory",
        envvar="NETAUTO_INVENTORY",
        help="Source-of-truth directory (or one YAML file).",
        show_default=True,
    ),
    state_dir: Path = typer.Option(
        Path(".netauto"),
        "--state-dir",
        envvar="NETAUTO_STATE_DIR",
        help="Where netauto keeps run history, audit log, snapshots and lab settings.",
        show_default=True,
    ),
    version: bool = typer.Option(
        False, "--version", callback=_version, is_eager=True, help="Print the version and exit."
    ),
) -> None:
    ctx.obj = Settings(inventory=inventory, state_dir=state_dir)


def reflow(text: str) -> str:
    r"""Join the lines of each help paragraph so the terminal, not the source, wraps them.

    Indented lines (examples) and blank lines are kept as they are.

    Examples:
        >>> reflow("Push the configs\nto the routers.\n\n  netauto push\n  netauto diff")
        'Push the configs to the routers.\n\n  netauto push\n  netauto diff'
    """
    lines: list[str] = []
    for line in text.strip("\n").splitlines():
        joinable = lines and lines[-1] and not lines[-1].startswith(" ")
        if line and not line.startswith(" ") and joinable:
            lines[-1] += " " + line
        else:
            lines.append(line)
    return "\n".join(lines)


def _reflow_help(typer_app: typer.Typer) -> None:
    for command in typer_app.registered_commands:
        text = command.help or (inspect.getdoc(command.callback) if command.callback else None)
        if text:
            command.help = reflow(text)
    for group in typer_app.registered_groups:
        if group.typer_instance is not None:
            _reflow_help(group.typer_instance)


STAGE_MODULES = {
    "sot": "netauto.sot.cli",
    "plan": "netauto.plan.cli",
    "render": "netauto.render.cli",
    "push": "netauto.push.cli",
    "verify": "netauto.verify.cli",
    "report": "netauto.report.cli",
    "lab": "netauto.lab.cli",
}
VERBS = {
    "validate": "sot", "inventory": "sot", "init": "sot", "plan": "plan", "render": "render",
    "diff": "push", "push": "push", "verify": "verify", "report": "report", "lab": "lab",
}  # fmt: skip
"""Which stage registers each verb: a run imports only the stage it needs (fast start-up)."""
_registered: set[str] = set()


def verb_of(argv: list[str]) -> str | None:
    """The verb in a command line, skipping global options and their values.

    Examples:
        >>> verb_of(["-i", "inv", "--state-dir", "s", "plan", "--diff"])
        'plan'
        >>> verb_of(["--help"]) is None
        True
    """
    skip = False
    for arg in argv:
        if skip:
            skip = False
        elif arg in ("-i", "--inventory", "--state-dir"):
            skip = True
        elif not arg.startswith("-"):
            return arg
    return None


def register_stages(stages: list[str] | None = None) -> None:
    """Add the verbs of ``stages`` (default: every stage) to the app, once each."""
    import importlib

    for stage in stages if stages is not None else list(STAGE_MODULES):
        if stage in _registered:
            continue
        importlib.import_module(STAGE_MODULES[stage]).register(app)
        _registered.add(stage)
    _reflow_help(app)


def report_error(exc: NetautoError) -> None:
    """Print an error the way every verb does: one ``Error:`` line per problem."""
    if isinstance(exc, InputError):
        count = len(exc.problems)
        for problem in exc.problems[:200]:
            err.print(f"[bold red]Error:[/] {escape(str(problem))}", markup=True, highlight=False)
        if count > 200:
            err.print(f"... and {count - 200} more problems")
        if count > 1:
            err.print(f"{count} problems found; nothing was written.")
    else:
        err.print(f"[bold red]Error:[/] {escape(str(exc))}")


QUICK_EXIT_VERBS = frozenset({"plan", "render"})
"""Verbs that start no thread and hold no connection: their process ends with ``os._exit``
once the output is flushed (a background cache store goes on by itself). Tearing down the
objects of a 237-router plan one by one only to exit costs ~50 ms (mypy ends its runs the
same way)."""


def _quick_exit(code: object) -> None:
    """Flush stdout and stderr, then end the process at once with ``code`` (a SystemExit code)."""
    if code is not None and not isinstance(code, int):
        print(code, file=sys.stderr)
        code = 1
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(OSError, ValueError):
            stream.flush()
    os._exit(code or 0)


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


def main(argv: list[str] | None = None) -> None:
    """Entry point of the ``netauto`` console script (exits with the verb's status).

    Called without ``argv`` (the console script), it tunes the process for one short run:
    the cycle collector runs less often (a plan allocates ~10^5 objects, none cyclic garbage
    worth collecting mid-run; mypy does the same), pydantic plugins are not looked up, and
    quick verbs skip the interpreter's teardown. With ``argv`` (tests, embedding) the process
    is left as it is.
    """
    whole_process = argv is None
    args = sys.argv[1:] if argv is None else argv
    verb = verb_of(args) or ""
    if whole_process:
        gc.set_threshold(200_000, 30, 30)
        # netauto's models use no pydantic plugin: skip the scan of every installed
        # package's entry points for them (~5 ms per command; typer does the same for its
        # parameters). PYDANTIC_DISABLE_PLUGINS= (empty) in the environment turns it back on.
        os.environ.setdefault("PYDANTIC_DISABLE_PLUGINS", "__all__")
        skip_pydantic_plugin_loader()
    stage = VERBS.get(verb)
    register_stages([stage] if stage else None)
    try:
        try:
            app(args=args, prog_name="netauto")
        except NetautoError as exc:
            report_error(exc)
            sys.exit(exc.exit_code)
        except KeyboardInterrupt:
            err.print("Interrupted.")
            sys.exit(130)
    except SystemExit as exc:
        if whole_process and verb in QUICK_EXIT_VERBS:
            # A background cache store (plan) goes on by itself; a later verb that needs
            # the entry waits for its lock (netauto.cache.load).
            _quick_exit(exc.code)
        _wait_for_background_work()
        raise
    _wait_for_background_work()


def _wait_for_background_work() -> None:
    cache = sys.modules.get("netauto.cache")
    if cache is not None:
        cache.wait_for_stores()


if __name__ == "__main__":
    main()
