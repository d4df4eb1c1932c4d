"""Render ahead: a plain ``netauto plan`` also renders, in the background, the plan it saves.

A province is planned, then rendered (``netauto plan && netauto render``). What render
produces (the configs, the offline checks, FRR's parser) depends only on the SoT, the
ledger, the templates, FRR's ``vtysh`` and netauto itself, and all of them are known while
``plan`` runs. So for a plain ``netauto plan`` the console script (:mod:`netauto.launch`)
forks a process that runs :func:`render_ahead`: it builds the same plan on the second core
while the first builds it for ``plan``, renders and checks every host exactly as a
``netauto render`` with its defaults does, and stores the result in the cache under a key
made of all those inputs as they will be once ``plan`` has saved the ledger
(:func:`render_key`), with the files themselves in ``<key>.files`` beside it (written by
two processes while FRR's parser runs, as render writes them). A later ``netauto render``
with its defaults finds it (:func:`cached_outcome`, waiting for a render ahead that is
still running), moves the files into place (:func:`take_files`; one rename when the
output directory is new, else one per file, as render publishes its own) or writes them
when they cannot be moved, and reports, instead of rendering again.

Anything that differs (a template edited, FRR upgraded, the SoT or the ledger changed,
``--host``/``--site``/``--ebgp-site``/``--templates`` given) is a miss, and render does
the work itself: the output is always that of a fresh render. ``NETAUTO_NO_EARLY_WORK=1``
turns rendering ahead off. At import this module needs only the standard library, so a
render answered from the cache imports neither Jinja2 nor pydantic.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import time
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple

from netauto.fileio import write_new

if TYPE_CHECKING:
    from netauto.plan.models import Plan
    from netauto.render.models import Finding, RenderedConfig
    from netauto.sot.source import LoadedSoT


STALE_STAGE = 3600.0
"""Seconds after which a render ahead's unfinished directory is taken as abandoned."""


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
    cannot be read). It covers the bytes of every template file and the ``vtysh`` binary
    (its path, size and modification time: an FRR upgrade replaces it); netauto's own
    code is in every key (:func:`netauto.cache.input_key`)."""
    from netauto.cache import input_key
    from netauto.render.vtysh import vtysh_path

    if plan_key is None:
        return None
    try:
        templates = sorted(p for p in template_dir.rglob("*") if p.is_file())
    except OSError:
        return None
    vtysh = vtysh_path()
    try:
        info = os.stat(vtysh) if vtysh else None
    except OSError:
        return None
    frr = f"{vtysh} {info.st_size} {info.st_mtime_ns}" if info else "none"
    return input_key(f"render (defaults) of {plan_key} with vtysh {frr}", templates)


class Cached(NamedTuple):
    """A stored render: its outcome, and the directory of its files written ahead."""

    outcome: Outcome
    files: Path | None
    """``<key>.files`` in the cache: every file of the outcome, written when it had no
    error; None when there is none (taken by an earlier render, or never written)."""


AHEAD_WAIT = 600.0
"""Seconds render waits at most for a render ahead still running (a province of a few
thousand communes takes tens of seconds); then it renders by itself."""


def cached_outcome(
    inventory: Path,
    cache_dir: Path,
    template_dir: Path,
    waiting: Callable[[], None] | None = None,
) -> Cached | None:
    """The stored result of a default render of the SoT at ``inventory`` as it is now
    (its files and ledger), or None. A render ahead still running is waited for
    (``waiting`` is called if that takes more than a second)."""
    from netauto import cache
    from netauto.plan import plan_cache_key

    key = render_key(plan_cache_key(inventory), template_dir)
    hit = cache.load(cache_dir, key, AHEAD_WAIT, waiting)
    if not isinstance(hit, Outcome):
        return None
    files = cache_dir / f"{key}.files"
    return Cached(hit, files if cache.trusted(files) and files.is_dir() else None)


def take_files(files: Path, output: Path) -> Path | None:
    """Move a directory of files written ahead to a new staging directory beside
    ``output`` (see :func:`netauto.fileio.staging_dir`) and return that; None when it
    cannot be moved there (another filesystem, or another render took it first), and
    the files are then written again."""
    from netauto.fileio import staging_name

    stage = staging_name(output)
    try:
        stage.parent.mkdir(parents=True, exist_ok=True)
        os.rename(files, stage)
    except OSError:
        return None
    return stage


def render_ahead(inventory: Path, state_dir: Path) -> None:
    """Render the SoT at ``inventory`` as ``netauto plan`` is about to save it, and store
    the result for ``netauto render`` (see the module docstring), then the SoT and plan
    for every later verb (as ``plan`` would). Writes no output file and prints nothing;
    renders nothing when the result is stored already or another process is computing it.

    Raises:
        InputError: the SoT or the ledger is invalid (``plan`` reports it).
    """
    from netauto import cache
    from netauto.plan import plan_as_saved
    from netauto.render.paths import default_template_dir

    plan_key, loaded, plan = plan_as_saved(inventory)
    template_dir = default_template_dir()
    key = render_key(plan_key, template_dir)
    cache_dir = state_dir / "cache"
    try:
        _render_and_store(loaded, plan, template_dir, cache_dir, key)
    finally:  # then the SoT and plan, for later verbs (plan leaves it to this process)
        with cache.claimed(cache_dir, plan_key) as mine:
            if mine:
                cache.store(cache_dir, plan_key, (loaded, plan))


def _render_and_store(
    loaded: LoadedSoT, plan: Plan, template_dir: Path, cache_dir: Path, key: str | None
) -> None:
    from netauto import cache
    from netauto.render.models import RenderOptions
    from netauto.render.parallel import render_checked

    with cache.claimed(cache_dir, key) as mine:
        if not mine:
            return
        _prune_files(cache_dir)
        stage = cache_dir / f"{key}.files.{os.getpid()}.tmp"
        os.mkdir(stage, 0o755)  # the mode render's own staging directory gets
        try:
            rendered, findings = render_checked(
                loaded.sot, plan, options=RenderOptions(), template_dir=template_dir, stage=stage
            )
            outcome = outcome_of(rendered, findings, parser_name())
            if not outcome.errors():  # as render: files only when every check passed
                os.rename(stage, cache_dir / f"{key}.files")
        finally:
            shutil.rmtree(stage, ignore_errors=True)  # unless renamed
        cache.store(cache_dir, key, outcome)


def _prune_files(cache_dir: Path) -> None:
    """Remove the files written ahead for renders no longer stored (and any left by a
    render ahead that was killed)."""
    now = time.time()
    for entry in cache_dir.glob("*.files*"):
        key = entry.name.split(".", 1)[0]
        if entry.name.endswith(".tmp"):
            with contextlib.suppress(OSError):
                if now - entry.stat().st_mtime > STALE_STAGE:  # not another one running
                    shutil.rmtree(entry, ignore_errors=True)
        elif not (cache_dir / f"{key}.pickle").exists():
            shutil.rmtree(entry, ignore_errors=True)
