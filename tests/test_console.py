"""netauto's consoles print addresses as they are."""

from __future__ import annotations

from rich.table import Table

from netauto.console import err, out

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
