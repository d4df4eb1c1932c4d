"""Collecting filters (access lists, prefix lists, route maps) and where they are used.

A configuration defines a filter in one place (or over several lines, as numbered access
lists and prefix lists are) and applies it elsewhere, possibly before it is defined; the
readers note both as they go and :meth:`FilterBook.filters` joins them at the end.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from netauto.parse.config_tree import Statement
from netauto.parse.observed import ConfigLine, Family, Filter, FilterKind, FilterUse


@dataclass
class _Entries:
    line: int
    entries: list[ConfigLine] = field(default_factory=list)


@dataclass
class FilterBook:
    """Filters and their uses seen so far, in configuration order."""

    _defined: dict[tuple[FilterKind, Family, str], _Entries] = field(default_factory=dict)
    uses: list[FilterUse] = field(default_factory=list)

    def add_entry(
        self,
        kind: FilterKind,
        name: str,
        stmt: Statement,
        family: Family = "ipv4",
        text: str | None = None,
    ) -> None:
        """One more entry (a line, or a block such as one route-map sequence) of a filter.

        Examples:
            >>> book = FilterBook()
            >>> book.add_entry("access-list", "MGMT",
            ...     Statement("access-list MGMT seq 5 permit 10.0.0.0/8", 7,
            ...               "access-list MGMT seq 5 permit 10.0.0.0/8", (), "x"))
            >>> [(f.name, f.line, [e.text for e in f.entries]) for f in book.filters()]
            [('MGMT', 7, ['x'])]
        """
        entries = self._defined.setdefault((kind, family, name), _Entries(stmt.line))
        entries.entries.append(
            ConfigLine(text=stmt.block if text is None else text, line=stmt.line)
        )

    def use(
        self,
        kind: FilterKind,
        name: str,
        where: str,
        stmt: Statement,
        direction: str | None = None,
        family: Family = "ipv4",
    ) -> FilterUse:
        """Note that ``where`` applies the filter; returns the use for the context's model.

        Examples:
            >>> book = FilterBook()
            >>> s = Statement("access-class MGMT", 9, " access-class MGMT", (), "")
            >>> book.use("access-list", "MGMT", "line vty", s, "in").line
            9
        """
        item = FilterUse(
            kind=kind,
            name=name,
            where=where,
            direction="in" if direction == "in" else "out" if direction == "out" else None,
            family=family,
            line=stmt.line,
        )
        self.uses.append(item)
        return item

    def filters(self) -> list[Filter]:
        """Every defined filter with its entries and uses (a use of a filter that is not
        defined stays only with its context)."""
        return [
            Filter(
                kind=kind,
                name=name,
                family=family,
                entries=entries.entries,
                applied=[
                    u for u in self.uses if (u.kind, u.family, u.name) == (kind, family, name)
                ],
                line=entries.line,
            )
            for (kind, family, name), entries in self._defined.items()
        ]
