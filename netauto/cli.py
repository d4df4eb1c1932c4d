"""The ``netauto`` command line: one verb per pipeline stage.

Each stage owns its verbs in ``netauto/<stage>/cli.py`` and exposes ``register(app)``;
this module only wires them together and turns netauto's exceptions into one-line
messages and exit codes (2: bad input, 1: failed checks, 0: success).
"""

from __future__ import annotations

import inspect
import sys
from pathlib import Path

import typer

from netauto import __version__, console
from netauto.console import report_error
from netauto.errors import NetautoError
from netauto.launch import DEFAULT_INVENTORY, DEFAULT_STATE_DIR, exit_now, tune_process, verb_of
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
        Path(DEFAULT_INVENTORY),
        "-i",
        "--inventory",
        envvar="NETAUTO_INVENTORY",
        help="Source-of-truth directory (or one YAML file).",
        show_default=True,
    ),
    state_dir: Path = typer.Option(
        Path(DEFAULT_STATE_DIR),
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


def register_stages(stages: list[str] | None = None) -> None:
    """Add the verbs of ``stages`` (default: every stage) to the app, once each."""
    import importlib

    for stage in stages if stages is not None else list(STAGE_MODULES):
        if stage in _registered:
            continue
        importlib.import_module(STAGE_MODULES[stage]).register(app)
        _registered.add(stage)
    _reflow_help(app)


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
    exit_now(code or 0)


def main(argv: list[str] | None = None) -> None:
    """Run the command line (exits with the verb's status).

    Called without ``argv`` (by the console script, :func:`netauto.launch.main`), it runs
    as a whole process: tuned for one short run (:func:`netauto.launch.tune_process`), and
    quick verbs skip the interpreter's teardown. With ``argv`` (tests, embedding) the process
    is left as it is.
    """
    whole_process = argv is None
    args = sys.argv[1:] if argv is None else argv
    verb = verb_of(args) or ""
    if whole_process:
        tune_process()  # done already when started by the console script (netauto.launch)
    stage = VERBS.get(verb)
    register_stages([stage] if stage else None)
    try:
        try:
            app(args=args, prog_name="netauto")
        except NetautoError as exc:
            report_error(exc)
            sys.exit(exc.exit_code)
        except KeyboardInterrupt:
            console.err.print("Interrupted.")
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
