"""The two rich consoles every CLI verb prints through (stdout for results, stderr for news).

``out`` and ``err`` are made on first use (PEP 562), so a verb that prints only plain lines
(``plan`` and ``render`` in a log or a pipe) never imports rich; :func:`write` and
:func:`plain` print such lines, through rich once a console is in use.

Emoji codes are off: rich would otherwise read ``:cd:`` in ``2001:db8:96:cd:1::1`` (or
``:a:``, ``:ok:``, ``:on:`` ...) as an emoji and print ``2001:db8:96💿1::1``.
"""

from __future__ import annotations

import sys
from collections.abc import Collection, Iterable, Sequence
from typing import TYPE_CHECKING

from netauto.errors import InputError, NetautoError

if TYPE_CHECKING:
    from rich.console import Console

    out: Console
    err: Console

_consoles: dict[str, Console] = {}


def __getattr__(name: str) -> Console:
    if name not in ("out", "err"):
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    console = _consoles.get(name)
    if console is None:
        from rich.console import Console

        console = Console(stderr=name == "err", highlight=False, soft_wrap=True, emoji=False)
        _consoles[name] = console
    return console


def plain(text: str) -> None:
    """Write ``text`` and a newline to stderr, without markup."""
    write(text, stderr=True)


def write(text: str, *, stderr: bool = False, end: str = "\n") -> None:
    """Write ``text`` plainly (no markup) to stdout or stderr: through rich once that
    console is in use, else straight to the stream."""
    console = _consoles.get("err" if stderr else "out")
    if console is not None:
        console.print(text, markup=False, highlight=False, end=end)
    else:
        (sys.stderr if stderr else sys.stdout).write(text + end)


def table_text(
    columns: Sequence[str], rows: Iterable[Sequence[str]], right: Collection[str] = ()
) -> str:
    """Rows under a header as plain text: columns two spaces apart, those named in
    ``right`` aligned right, no trailing spaces.

    Examples:
        >>> print(table_text(["pool", "used"], [["hub-01", "23"], ["p2p", "236"]], {"used"}))
        pool    used
        hub-01    23
        p2p      236
    """
    lines = [list(columns), *(list(row) for row in rows)]
    widths = [max(len(line[i]) for line in lines) for i in range(len(columns))]
    return "\n".join(
        "  ".join(
            cell.rjust(width) if name in right else cell.ljust(width)
            for name, cell, width in zip(columns, line, widths, strict=True)
        ).rstrip()
        for line in lines
    )


def table(
    title: str,
    columns: Sequence[str],
    rows: Sequence[Sequence[str]],
    right: Collection[str] = (),
    warn: Collection[int] = (),
    simple: bool = False,
    stderr: bool = False,
) -> None:
    """Print a table: drawn by rich on a terminal (rows whose index is in ``warn`` in
    yellow; ``simple``: rich's SIMPLE box), else as plain aligned text under its title
    (:func:`table_text`), which keeps long cells whole for logs and ``grep``."""
    stream = sys.stderr if stderr else sys.stdout
    if not stream.isatty():
        write(f"{title}\n{table_text(columns, rows, right)}", stderr=stderr)
        return
    from rich import box
    from rich.table import Table

    drawn = Table(title=title, box=box.SIMPLE if simple else box.HEAVY_HEAD, show_edge=simple)
    for column in columns:
        drawn.add_column(column, justify="right" if column in right else "left")
    for index, row in enumerate(rows):
        drawn.add_row(*row, style="yellow" if index in warn else "")
    __getattr__("err" if stderr else "out").print(drawn)


def report_error(exc: NetautoError) -> None:
    """Print an error the way every verb does: one ``Error:`` line per problem."""
    from rich.markup import escape

    err = __getattr__("err")
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
