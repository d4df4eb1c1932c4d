"""Render ahead: a plain ``netauto plan`` also renders, in the background, the plan it saves.

A province is planned, then rendered (``netauto plan && netauto render``). What render
produces (the configs, the offline checks, FRR's parser) depends only on the SoT, the
ledger, the templates, FRR's ``vtysh`` and netauto itself, and all of them are known while
``plan`` runs. So for a plain ``netauto plan`` the console script (:mod:`netauto.launch`)
forks a process that runs :func:`render_ahead`: it builds the same plan on the second core
while the first builds it for ``plan``, renders and checks every host exactly as a
``netauto render`` with its defaults does, and stores the result in the cache under a key
made of all those inputs as they will be once ``plan`` has saved the ledger
(:func:`render_key`). A later ``netauto render`` with its defaults finds it
(:func:`cached_outcome`, waiting for a render ahead that is still running), writes the
files and reports, instead of rendering again.

Anything that differs (a template edited, FRR upgraded, the SoT or the ledger changed,
``--host``/``--site``/``--ebgp-site``/``--templates`` given) is a miss, and render does
the work itself: the output is always that of a fresh render. ``NETAUTO_NO_EARLY_WORK=1``
turns rendering ahead off. At import this module needs only the standard library, so a
render answered from the cache imports neither Jinja2 nor pydantic.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple

from netauto.fileio import write_new

if TYPE_CHECKING:
    from netauto.render.models import Finding, RenderedConfig


class HostFiles(NamedTuple):
    """What render wrote for one host: its files and what the summary shows of them."""

    hostname: str
    platform: str
    files: tuple[tuple[str, str], ...]
    """(file name, text): the main config first, then its side files."""
    templates: int
    """Templates used, all files together."""

    @property
    def lines(self) -> int:
        """Lines in all of the host's files."""
        return sum(text.count("\n") for _, text in self.files)


class FindingLine(NamedTuple):
    """One offline-check finding, as render reports it."""

    hostname: str
    severity: str
    text: str


class Outcome(NamedTuple):
    """A render's result as the CLI uses it: plain data, cheap to store and to load."""

    hosts: tuple[HostFiles, ...]
    findings: tuple[FindingLine, ...]
    """Address and parity checks first, then FRR's parser (the order render reports)."""
    parser: str
    """FRR's parser that checked the FRR configs: ``vtysh --dryrun`` or ``not installed``."""

    def errors(self) -> list[FindingLine]:
        """The findings that stop render from writing."""
        return [f for f in self.findings if f.severity == "error"]

    def filenames(self) -> set[str]:
        """Every file name of every host."""
        return {name for host in self.hosts for name, _ in host.files}


def outcome_of(
    rendered: Iterable[RenderedConfig], findings: Iterable[Finding], parser: str
) -> Outcome:
    """The :class:`Outcome` of rendered configs and their findings (pure)."""
    hosts = tuple(
        HostFiles(
            config.hostname,
            config.platform,
            tuple((f.filename, f.text) for f in config.files()),
            len({t for f in config.files() for t in f.templates}),
        )
        for config in rendered
    )
    lines = tuple(FindingLine(f.hostname, f.severity, str(f)) for f in findings)
    return Outcome(hosts, lines, parser)


def write_outcome(stage: Path, outcome: Outcome) -> None:
    """Write every file of ``outcome`` into the new private directory ``stage``."""
    for host in outcome.hosts:
        for name, text in host.files:
            write_new(stage / name, text)


def parser_name() -> str:
    """How FRR configs are parsed on this machine (as render's summary says it)."""
    from netauto.render.vtysh import vtysh_path

    return "vtysh --dryrun" if vtysh_path() else "not installed"


def render_key(plan_key: str | None, template_dir: Path) -> str | None:
    """The cache key of a default render of the SoT and plan stored under ``plan_key``
    with the templates in ``template_dir`` (None when there is no plan key or a template
    cannot be read). It covers every template file and the ``vtysh`` binary; netauto's
    own code is in every key (:func:`netauto.cache.input_key`)."""
    from netauto.cache import input_key
    from netauto.render.vtysh import vtysh_path

    if plan_key is None:
        return None
    try:
        templates = sorted(p for p in template_dir.rglob("*") if p.is_file())
    except OSError:
        return None
    vtysh = vtysh_path()
    files: list[tuple[str, Path | None]] = [("template", p) for p in templates]
    files.append(("vtysh", Path(vtysh) if vtysh else None))
    return input_key(f"render (defaults) of {plan_key}", files)


def cached_outcome(inventory: Path, cache_dir: Path, template_dir: Path) -> Outcome | None:
    """The stored result of a default render of the SoT at ``inventory`` as it is now
    (its files and ledger), or None. A render ahead still running is waited for."""
    from netauto import cache
    from netauto.plan import plan_cache_key

    hit = cache.load(cache_dir, render_key(plan_cache_key(inventory), template_dir))
    return hit if isinstance(hit, Outcome) else None


def render_ahead(inventory: Path, state_dir: Path) -> None:
    """Render the SoT at ``inventory`` as ``netauto plan`` is about to save it, and store
    the result for ``netauto render`` (see the module docstring). Writes no output file
    and prints nothing; returns at once when the result is stored already or another
    process is computing it.

    Raises:
        InputError: the SoT or the ledger is invalid (``plan`` reports it).
    """
    from netauto import cache
    from netauto.plan import plan_as_saved
    from netauto.render.models import RenderOptions
    from netauto.render.parallel import render_checked
    from netauto.render.paths import default_template_dir

    plan_key, loaded, plan = plan_as_saved(inventory)
    template_dir = default_template_dir()
    key = render_key(plan_key, template_dir)
    cache_dir = state_dir / "cache"
    with cache.claimed(cache_dir, key) as mine:
        if mine:
            rendered, findings = render_checked(
                loaded.sot, plan, options=RenderOptions(), template_dir=template_dir
            )
            cache.store(cache_dir, key, outcome_of(rendered, findings, parser_name()))
