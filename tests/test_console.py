"""netauto's consoles print addresses as they are."""

from __future__ import annotations

import io

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
    buffer = io.StringIO()
    file, out.file = out.file, buffer
    try:
        out.print(table)
    finally:
        out.file = file
    assert ADDRESSES in buffer.getvalue()
