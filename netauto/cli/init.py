"""`netauto init`: generate the source of truth of a real province (or of all 34).

The pure work is in :mod:`netauto.sot.generate`; this verb picks the province, refuses to
overwrite a non-empty directory without ``--force``, writes every file atomically and
prints a summary.
"""

from __future__ import annotations

from pathlib import Path

import typer

from netauto.cli.options import settings
from netauto.cli.output import out
from netauto.errors import InputError, Problem
from netauto.fileio import atomic_write
from netauto.sot.generate import (
    GENERATED_MARKER,
    GeneratedSoT,
    directory_name,
    find_province,
    generate,
    official_provinces,
)


def _check_target(directory: Path, force: bool) -> None:
    if directory.exists() and not directory.is_dir():
        raise InputError(Problem(directory, None, "--out", "exists and is not a directory"))
    if directory.is_dir() and any(directory.iterdir()) and not force:
        raise InputError(
            Problem(
                directory,
                None,
                "--out",
                "directory is not empty; refusing to overwrite it",
                "pass --force to regenerate it (files you added are kept), or choose another --out",
            )
        )


def _stale(directory: Path, keep: set[str]) -> list[Path]:
    """Files an earlier ``init`` generated in ``directory`` that this run does not write."""
    if not directory.is_dir():
        return []
    stale = []
    for path in sorted(directory.rglob("*.yml")):
        relative = path.relative_to(directory).as_posix()
        if relative in keep or not path.is_file():
            continue
        with path.open("rb") as handle:
            first = handle.read(len(GENERATED_MARKER.encode()))
        if first == GENERATED_MARKER.encode():
            stale.append(path)
    return stale


def _write(generated: GeneratedSoT, directory: Path) -> int:
    """Write the files of ``generated`` under ``directory``; returns how many were removed."""
    stale = _stale(directory, set(generated.files))
    for relative, text in generated.files.items():
        atomic_write(directory / relative, text)
    for path in stale:
        path.unlink()
    return len(stale)


def init(
    ctx: typer.Context,
    province: str | None = typer.Option(
        None,
        "--province",
        "-p",
        help="Province code or name, accents and case ignored: 96, 'Cà Mau', 'ca mau'.",
        show_default=False,
    ),
    out_dir: Path | None = typer.Option(
        None,
        "--out",
        "-o",
        help="Directory to write (default: the -i inventory directory). With --all: one "
        "sub-directory per province (e.g. OUT/96-ca-mau).",
        show_default=False,
    ),
    hubs: int | None = typer.Option(
        None, "--hubs", help="Aggregation hubs (default: one per 25 communes).", show_default=False
    ),
    all_provinces: bool = typer.Option(
        False, "--all", help="Generate every province of Vietnam (34), one directory each."
    ),
    force: bool = typer.Option(
        False, "--force", help="Overwrite a non-empty directory (removes stale generated files)."
    ),
) -> None:
    """Generate a source of truth from the official list of communes.

    Writes province.yml (addressing, services, policy), datacentre.yml (core
    router, VMs) and hubs/hub-NN.yml (one hub, its communes, their links).
    Same input, same bytes: regenerate and review the result as a git diff.

    Site ids are stable forever: data centre 1, hubs 10..99, a commune
    100000 + its official code. Communes are spread over the hubs in
    contiguous blocks, in the official order.

    A non-empty directory is refused unless --force; --force keeps files init
    did not generate (allocations.yml, your own) and removes generated hub
    files that are no longer needed.

    Needs the optional extra: pip install 'netauto\\[init]' (vietnam-provinces).

    [bold]Examples[/]

      netauto init --province 96 --out inventory   # Cà Mau: 64 communes
      netauto init -p "ninh binh" --hubs 8 -o nb   # accents, case ignored
      netauto init --all --out provinces           # 34 provinces
    """
    if all_provinces == (province is not None):
        raise InputError(
            Problem(
                None,
                None,
                "--province",
                "give either --province CODE|NAME or --all",
                "e.g. netauto init --province 96 --out inventory",
            )
        )
    if all_provinces and out_dir is None:
        raise InputError(
            Problem(None, None, "--out", "--all needs --out DIR", "e.g. --all --out provinces")
        )
    target = out_dir if out_dir is not None else settings(ctx).inventory
    provinces = official_provinces()
    _check_target(target, force)
    if province is not None:
        generated = generate(find_province(province, provinces), hubs)
        removed = _write(generated, target)
        record = generated.province
        out.print(
            f"[green]Generated[/] {record.name} ({record.code}): {len(record.communes)} "
            f"communes, {generated.hubs} hubs, {len(generated.files)} files in {target}"
            + (f" ({removed} stale files removed)" if removed else "")
        )
        return
    results = [generate(record, hubs) for record in provinces]
    communes = 0
    for generated in results:
        record = generated.province
        directory = target / directory_name(record)
        _write(generated, directory)
        communes += len(record.communes)
        out.print(
            f"{directory_name(record)}: {record.name}, {len(record.communes)} communes, "
            f"{generated.hubs} hubs, {len(generated.files)} files"
        )
    files = sum(len(g.files) for g in results)
    out.print(
        f"[green]Generated[/] {len(results)} provinces: {communes} communes, "
        f"{sum(g.hubs for g in results)} hubs, {files} files in {target}"
    )


def register(app: typer.Typer) -> None:
    """Add `init` to the main app."""
    app.command("init")(init)
