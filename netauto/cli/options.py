"""What every verb shares: the global settings of this run and the global options' parsing."""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING, Any

import typer

from netauto.errors import InputError, Problem
from netauto.settings import Settings

if TYPE_CHECKING:
    from netauto.connect import Target

GLOBAL_VALUE_OPTIONS = ("-i", "--inventory", "--state-dir")
"""The global options that take a value; they are accepted before and after the verb."""


def settings(ctx: typer.Context) -> Settings:
    """The global settings of this invocation (works from any sub-command)."""
    obj = ctx.find_root().obj
    return obj if isinstance(obj, Settings) else Settings()


def hoist_global_options(argv: list[str]) -> list[str]:
    """Move the global options (``-i``/``--inventory``, ``--state-dir``) to the front, so
    they work after the verb too (``netauto plan -i DIR``, as ``ansible-playbook -i``).

    Nothing after ``--`` is touched (``lab exec HOST -- CMD`` passes CMD as it is). Given
    twice, the last one wins, as for any option.

    Examples:
        >>> hoist_global_options(["plan", "-i", "nb", "--diff"])
        ['-i', 'nb', 'plan', '--diff']
        >>> hoist_global_options(["lab", "up", "--state-dir=st", "--hubs", "1"])
        ['--state-dir=st', 'lab', 'up', '--hubs', '1']
        >>> hoist_global_options(["lab", "exec", "r1", "--", "ls", "-i", "x"])
        ['lab', 'exec', 'r1', '--', 'ls', '-i', 'x']
    """
    front: list[str] = []
    rest: list[str] = []
    args = iter(argv)
    for arg in args:
        if arg == "--":
            rest.append(arg)
            rest.extend(args)
            break
        name = arg.partition("=")[0]
        if arg in GLOBAL_VALUE_OPTIONS:
            front.append(arg)
            value = next(args, None)
            if value is not None:
                front.append(value)
        elif name in ("--inventory", "--state-dir") and "=" in arg:
            front.append(arg)
        else:
            rest.append(arg)
    return front + rest


def open_target(name: str, lab_prefix: str | None, credentials: Path | None) -> Target:
    """The target ``--target NAME`` names, checked for what it needs (root for the lab).

    Raises:
        InputError: an unknown target, or one that needs root when this is not root.
    """
    from netauto import connect
    from netauto.lab import target as lab_target

    lab_target.register()  # --target lab: nothing below the command line imports the lab
    found = connect.get(
        name, connect.TargetOptions(lab_prefix=lab_prefix, credentials_file=credentials)
    )
    if found.needs_root and os.geteuid() != 0:
        raise InputError(
            Problem(None, None, "--target", f"--target {name} needs root",
                    "the lab lives in network namespaces: run it with sudo")
        )  # fmt: skip
    return found


TARGET_HELP = "lab: the running virtual lab (`netauto lab up`); prod: the real network."
LAB_PREFIX_HELP = "With --target lab: the lab's prefix (default na-)."
CREDENTIALS_HELP = (
    "YAML file (mode 0600) with username and password and/or key_file, for --target prod "
    "(the environment's NETAUTO_USERNAME/NETAUTO_PASSWORD/NETAUTO_SSH_KEY come first)."
)


def target_option() -> Any:
    return typer.Option("lab", "--target", "-t", help=TARGET_HELP)


def lab_prefix_option() -> Any:
    return typer.Option(None, "--lab-prefix", envvar="NETAUTO_LAB_PREFIX", help=LAB_PREFIX_HELP)


def credentials_option() -> Any:
    return typer.Option(None, "--credentials", help=CREDENTIALS_HELP)
