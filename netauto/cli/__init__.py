"""The ``netauto`` command line: one verb per pipeline stage, one module per stage's verbs.

This package is the only place that knows typer, rich, argv and exit codes. Each module
``netauto/cli/<stage>.py`` exposes ``register(app)``; this one wires them together, accepts
the global options before and after the verb, and turns netauto's exceptions into one-line
messages and exit codes (2: bad input, 1: failed checks, 0: success).
"""

from __future__ import annotations

import gc
import importlib
import inspect
import sys
from pathlib import Path

import typer

from netauto import __version__
from netauto.cli import output as ui
from netauto.cli.options import hoist_global_options
from netauto.errors import NetautoError
from netauto.settings import (
    DEFAULT_INVENTORY,
    DEFAULT_STATE_DIR,
    INVENTORY_ENV,
    STATE_DIR_ENV,
    Settings,
)

app = typer.Typer(
    name="netauto",
    help=(
        "Source of truth → IPv6 dual-stack plan → configs → safe push → verified, auditable "
        "connectivity, for a province's dedicated data network.\n\n"
        "Pipeline: validate/inventory → plan → render → diff/push → verify → report; "
        "`import` adopts a running province (its IPv4 numbering and legacy configuration); "
        "`lab` runs a virtual copy of the province to push to and verify against. "
        "The global options -i/--inventory and --state-dir may come before or after the verb."
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
        Path(DEFAULT_INVENTORY),
        "-i",
        "--inventory",
        envvar=INVENTORY_ENV,
        help="Source-of-truth directory (or one YAML file).",
        show_default=True,
    ),
    state_dir: Path = typer.Option(
        Path(DEFAULT_STATE_DIR),
        "--state-dir",
        envvar=STATE_DIR_ENV,
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


VERBS = {
    "validate": "sot", "inventory": "sot", "init": "init", "plan": "plan", "render": "render",
    "diff": "push", "push": "push", "verify": "verify", "report": "report", "lab": "lab",
    "import": "adopt",
}  # fmt: skip
"""Which module of ``netauto.cli`` registers each verb: a run imports only what it needs."""
_registered: set[str] = set()


def register_verbs(modules: list[str] | None = None) -> None:
    """Add the verbs of ``modules`` (default: every one) to the app, once each."""
    for name in modules if modules is not None else sorted(set(VERBS.values())):
        if name in _registered:
            continue
        importlib.import_module(f"netauto.cli.{name}").register(app)
        _registered.add(name)
    _reflow_help(app)


def verb_of(argv: list[str]) -> str | None:
    """The verb of a command line whose global options come first.

    Examples:
        >>> verb_of(["-i", "inv", "--state-dir", "s", "plan", "--diff"])
        'plan'
        >>> verb_of(["--inventory=inv", "render"]), verb_of(["--help"])
        ('render', None)
    """
    args = iter(argv)
    for arg in args:
        if arg in ("-i", "--inventory", "--state-dir"):
            next(args, None)
        elif not arg.startswith("-"):
            return arg
    return None


def tune_collector() -> None:
    """Run the cycle collector less often, for one command run as its own process.

    A plan allocates some 10^5 objects and almost none of them are cyclic garbage (mypy
    does the same for its runs).
    """
    gc.set_threshold(100_000, 50, 100)


def main(argv: list[str] | None = None) -> None:
    """Run the command line; exits with the verb's status (the console script's entry).

    Run as the console script (no ``argv``), the collector is tuned (:func:`tune_collector`);
    tests and embedders that pass ``argv`` keep their own settings.
    """
    if argv is None:
        tune_collector()
    args = hoist_global_options(sys.argv[1:] if argv is None else argv)
    module = VERBS.get(verb_of(args) or "")
    register_verbs([module] if module else None)
    try:
        app(args=args, prog_name="netauto")
    except NetautoError as exc:
        ui.report_error(exc)
        sys.exit(exc.exit_code)
    except KeyboardInterrupt:
        ui.err.print("Interrupted.")
        sys.exit(130)


if __name__ == "__main__":
    main()
