"""Where a SoT comes from: its files, and where each of its values was written.

Light on purpose (no YAML parser): a later stage that reads a cached SoT and plan imports
this module to rebuild :class:`LoadedSoT`, not the loader.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple

from netauto.errors import InputError, Problem

if TYPE_CHECKING:
    from netauto.sot import models

LEDGER_FILE = "allocations.yml"
"""The plan's allocation ledger: kept in the inventory directory, not read as SoT."""
MAX_FILES = 10_000

PathKey = tuple[str | int, ...]


class Location(NamedTuple):
    """Where a value was written: file and 1-based line and column.

    A named tuple: a SoT has one per value, and they are made by the ten thousand.
    """

    file: Path
    line: int | None = None
    column: int | None = None


@dataclass
class LoadedSoT:
    """A validated SoT with the location of every value, for later error messages."""

    sot: models.SoT
    directory: Path
    files: list[Path]
    locations: dict[PathKey, Location]

    def where(self, path: PathKey) -> Location | None:
        """The location of ``path`` or of its nearest written ancestor."""
        return locate(self.locations, path)


def locate(locations: dict[PathKey, Location], path: PathKey) -> Location | None:
    """Find the location of ``path``, falling back to the nearest ancestor that was written."""
    for cut in range(len(path), -1, -1):
        found = locations.get(tuple(path[:cut]))
        if found is not None:
            return found
    return None


def sot_files(directory: Path) -> list[Path]:
    """The YAML files of a SoT directory in a stable order (hidden files, ledger skipped)."""
    if not directory.exists():
        raise InputError(
            Problem(
                directory,
                None,
                "",
                "inventory directory does not exist",
                "pass -i DIR, or run `netauto init` to create one",
            )
        )
    if directory.is_file():
        return [directory]
    files = sorted(
        p
        for p in directory.rglob("*")
        if p.suffix in (".yml", ".yaml")
        and p.is_file()
        and p.name != LEDGER_FILE
        and not any(part.startswith(".") for part in p.relative_to(directory).parts)
    )
    if not files:
        raise InputError(
            Problem(
                directory,
                None,
                "",
                "no YAML files (*.yml, *.yaml) found",
                "run `netauto init --province CODE --out DIR` to generate one",
            )
        )
    if len(files) > MAX_FILES:
        raise InputError(Problem(directory, None, "", f"{len(files)} files; at most {MAX_FILES}"))
    return files


def ledger_path(inventory: Path) -> Path:
    """Where the ledger of a SoT lives: ``allocations.yml`` in the SoT directory.

    Examples:
        >>> ledger_path(Path("inventory"))
        PosixPath('inventory/allocations.yml')
        >>> ledger_path(Path("tests/data/one.yml"))
        PosixPath('tests/data/allocations.yml')
    """
    directory = inventory if inventory.suffix not in (".yml", ".yaml") else inventory.parent
    return directory / LEDGER_FILE
