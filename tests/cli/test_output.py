"""netauto's consoles print addresses as they are."""

from __future__ import annotations

import pytest
from rich.table import Table

from netauto.cli import output as consoles
from netauto.cli.output import err, out

ADDRESSES = "2001:db8:96:cd:1::1 fe80::a:b:1 2001:db8:0:ab:cd:ef::1 10.0.0.1:ok:"


def test_ipv6_addresses_are_not_read_as_emoji_codes() -> None:
    for console in (out, err):
        with console.capture() as captured:
            console.print(ADDRESSES)
        assert captured.get().strip() == ADDRESSES


def test_table_cells_keep_addresses() -> None:
    table = Table()
    table.add_column("prefix")
    table.add_row(ADDRESSES)
    with out.capture() as captured:  # never reassign out.file: it follows sys.stdout
        out.print(table)
    assert ADDRESSES in captured.get()


def test_a_table_off_a_terminal_is_plain_text_with_every_cell_whole(
    capsys: pytest.CaptureFixture[str],
) -> None:
    long = "cm-" + "x" * 90 + ".conf"  # wider than any terminal: rich would cut it
    consoles.table("render", ("host", "files", "lines"), [["r1", long, "12"]], right={"lines"})
    assert capsys.readouterr().out.splitlines() == [
        "render",
        "host  " + "files".ljust(len(long)) + "  lines",
        f"r1    {long}     12",
    ]
