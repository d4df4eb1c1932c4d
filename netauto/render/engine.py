"""Render device and VM configurations from Jinja2 templates (one folder per platform).

Templates live in ``templates/<platform>/``: ``device.j2`` is the entry point and
includes one small file per feature (base, interfaces, routing, LAN/RA, policy,
management). Undefined variables are errors (``StrictUndefined``). A template mistake
becomes an :class:`~netauto.errors.InputError` naming the template file and line.

Rendering is deterministic: the same SoT and plan give the same bytes.
"""

from __future__ import annotations

import contextlib
import ipaddress
import os
import re
import traceback
from functools import lru_cache
from pathlib import Path

import jinja2

from netauto import platforms
from netauto.errors import InputError, Problem
from netauto.fileio import trusted
from netauto.plan.models import Plan
from netauto.render.context import ascii_text, device_context, vm_context
from netauto.render.models import RenderedConfig, RenderedFile, RenderOptions
from netauto.render.paths import default_template_dir, source_template_dir
from netauto.render.policy import PolicyIndex, policy_index
from netauto.sot.models import SoT

DEVICE_TEMPLATE = "device.j2"
VM_TEMPLATE = "linux/vm.network.j2"


def _ipv4_mask(value: object) -> str:
    """Dotted netmask of an interface or network, for platforms that want one.

    Examples:
        >>> import ipaddress
        >>> _ipv4_mask(ipaddress.ip_interface("10.0.0.1/26"))
        '255.255.255.192'
    """
    return str(getattr(value, "netmask", ""))


def _wildcard(value: object) -> str:
    """Cisco-style wildcard (inverse) mask of an IPv4 network.

    Examples:
        >>> import ipaddress
        >>> _wildcard(ipaddress.ip_network("10.0.0.0/26"))
        '0.0.0.63'
    """
    return str(getattr(value, "hostmask", ""))


def cli_text(
    value: object,
    limit: int | None = None,
    ascii: bool = False,
    drop: str = "",
    quote: bool = False,
    empty: str = "-",
) -> str:
    """Free text from the SoT (a description, a site name) as one inert word run of a CLI line.

    Every platform's templates pass a description or comment through this filter with the
    options their CLI needs: anything that is not printable (a newline, a tab, a Unicode
    line separator) becomes a space, ``ascii`` drops Vietnamese diacritics (CLIs that take
    plain ASCII only), characters in ``drop`` go (``?`` asks an IOS or VRP CLI for help),
    runs of spaces become one (FRR and IOS keep a description's words, not its spacing),
    ``limit`` bounds the length, and ``quote`` makes a double-quoted string (Junos), with
    ``"`` and ``\\`` escaped; text left with no word at all is ``empty`` (a CLI's
    ``description`` needs one). The text is printed as it is otherwise: nothing from the
    SoT is ever evaluated as a template.

    Examples:
        >>> cli_text("VNPT-CM-1001  to\thub-01-r1\u2028eth1 ")
        'VNPT-CM-1001 to hub-01-r1 eth1'
        >>> cli_text("Phường An Xuyên? {{ x }} 100%", limit=24, ascii=True, drop="?")
        'Phuong An Xuyen {{ x }}'
        >>> print(cli_text('say "hi"', quote=True))
        "say \\"hi\\""
        >>> cli_text("Đ\u00a0\u0301", ascii=True)
        'D'
        >>> cli_text("\u65e5\u672c", ascii=True)
        '-'
    """
    text = str(value)
    if ascii:
        text = ascii_text(text)
    if not text.isprintable() or any(c in text for c in drop):  # else no loop per character
        text = "".join(" " if not c.isprintable() or c in drop else c for c in text)
    text = " ".join(text.split())
    if limit is not None:
        text = text[:limit].rstrip()
    text = text or empty
    if quote:
        text = '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'
    return text


def ip_family(value: object) -> str:
    """``ipv4``, ``ipv6`` or ``name`` (a host name) for a management server entry.

    Examples:
        >>> [ip_family(v) for v in ("10.0.0.1", "2001:db8::1", "ntp.example")]
        ['ipv4', 'ipv6', 'name']
    """
    try:
        return f"ipv{ipaddress.ip_address(str(value)).version}"
    except ValueError:
        return "name"


def template_cache_dir() -> Path | None:
    """Where compiled templates are kept between runs (like Python's ``__pycache__``).

    ``$XDG_CACHE_HOME/netauto/templates`` (default ``~/.cache/...``), mode 0700. None when it
    cannot be created or is not ours alone: compiled templates are code, and code is only
    loaded from a directory nobody else can write to. Jinja checks every entry against the
    template's source, so an edited template is compiled again.
    """
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    if not os.path.isabs(base):
        return None
    directory = Path(base) / "netauto" / "templates"
    try:
        directory.mkdir(mode=0o700, parents=True, exist_ok=True)
    except OSError:
        return None
    if not trusted(directory):
        return None
    _prune(directory)
    return directory


TEMPLATE_CACHE_MAX = 400
"""Compiled templates kept per user (each checkout of netauto adds its own ~40)."""


def _prune(directory: Path) -> None:
    """Keep the newest half when the template cache has grown past its limit."""
    with contextlib.suppress(OSError):
        entries = list(os.scandir(directory))
        if len(entries) <= TEMPLATE_CACHE_MAX:
            return
        entries.sort(key=lambda e: e.stat().st_mtime_ns)
        for entry in entries[: len(entries) - TEMPLATE_CACHE_MAX // 2]:
            with contextlib.suppress(OSError):
                os.unlink(entry.path)


@lru_cache(maxsize=8)
def environment(template_dir: Path) -> jinja2.Environment:
    """The Jinja2 environment of one template directory (cached).

    netauto's own templates are compiled once per user and kept (:func:`template_cache_dir`);
    a ``--templates`` directory is compiled on every run (nothing piles up for copies).
    """
    cache_dir = template_cache_dir() if template_dir == source_template_dir() else None
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(template_dir)),
        bytecode_cache=jinja2.FileSystemBytecodeCache(str(cache_dir)) if cache_dir else None,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        autoescape=False,
        auto_reload=False,  # one run never sees a template change: no stat per device
    )
    env.filters["ascii"] = ascii_text
    env.filters["cli_text"] = cli_text
    env.filters["netmask"] = _ipv4_mask
    env.filters["wildcard"] = _wildcard
    env.filters["ipfamily"] = ip_family
    return env


def _template_error(exc: Exception, template_dir: Path) -> InputError:
    """Locate a template failure: the deepest traceback frame inside a template file."""
    file: str | None = None
    line: int | None = None
    if isinstance(exc, jinja2.TemplateSyntaxError):
        file, line = exc.filename or exc.name, exc.lineno
    else:
        root = str(template_dir.resolve())
        for frame in traceback.extract_tb(exc.__traceback__):
            if frame.filename.startswith(root) or frame.filename.endswith(".j2"):
                file, line = frame.filename, frame.lineno
    if isinstance(exc, jinja2.TemplateNotFound):
        message = f"template not found: {exc.name}"
        hint = f"templates are read from {template_dir}"
    else:
        message = f"template error: {exc}"
        hint = "fix the template; every variable a template uses must exist in the context"
    if file is not None:
        with contextlib.suppress(ValueError):
            file = str(Path(file).resolve().relative_to(Path.cwd()))
    return InputError(Problem(file, line, "", message, hint))


_REFERENCE_TAG = re.compile(
    r"\{%[-+]?\s*(?:include|import|from|extends)\b(?P<body>.*?)[-+]?%\}", re.DOTALL
)
_LITERAL_REFERENCE = re.compile(
    r"""\s*(?:"(?P<double>[^"\\]*)"|'(?P<single>[^'\\]*)')"""
    r"(?:\s+(?:ignore\s+missing|with(?:out)?\s+context|as\s+\w+"
    r"|import\s+\w+(?:\s+as\s+\w+)?(?:\s*,\s*\w+(?:\s+as\s+\w+)?)*))*\s*"
)
_COMMENT = re.compile(r"\{#.*?#\}", re.DOTALL)


def literal_references(source: str) -> list[str] | None:
    """Templates a source includes, imports or extends by a plain string literal.

    What :func:`jinja2.meta.find_referenced_templates` finds, read by a regular
    expression instead of Jinja's parser (~14 ms for a platform's templates on every
    run). None when the source has a reference it cannot read this way (a name computed
    at render time, a list, a ``raw`` block): the caller then asks Jinja's parser.

    Examples:
        >>> literal_references('{% include "a.j2" %}{# {% include "x" %} #}'
        ...                    "{%- import 'b.j2' as b with context -%}")
        ['a.j2', 'b.j2']
        >>> literal_references('{% from "m.j2" import x, y as z %}{% extends "base" %}')
        ['m.j2', 'base']
        >>> literal_references("{% include name %}") is None
        True
    """
    if "{% raw" in source or "{%- raw" in source:
        return None
    found: list[str] = []
    for tag in _REFERENCE_TAG.finditer(_COMMENT.sub("", source)):
        literal = _LITERAL_REFERENCE.fullmatch(tag.group("body"))
        if literal is None:
            return None
        found.append(literal.group("double") or literal.group("single") or "")
    return found


@lru_cache(maxsize=64)
def templates_used(template_dir: Path, name: str) -> tuple[str, ...]:
    """``name`` and every template it includes, imports or extends, recursively, sorted."""
    env = environment(template_dir)
    seen: set[str] = set()
    todo = [name]
    while todo:
        current = todo.pop()
        if current in seen:
            continue
        seen.add(current)
        assert env.loader is not None
        source, _, _ = env.loader.get_source(env, current)
        references = literal_references(source)
        if references is None:
            import jinja2.meta

            references = [
                ref
                for ref in jinja2.meta.find_referenced_templates(env.parse(source))
                if ref is not None
            ]
        todo += references
    return tuple(sorted(seen))


def _render(template_dir: Path, name: str, context: dict[str, object]) -> tuple[str, list[str]]:
    env = environment(template_dir)
    try:
        text = env.get_template(name).render(context)
        used = list(templates_used(template_dir, name))
    except (jinja2.TemplateError, ArithmeticError, AttributeError, KeyError, TypeError) as exc:
        raise _template_error(exc, template_dir) from exc
    return text, used


def render_device(
    sot: SoT,
    plan: Plan,
    hostname: str,
    options: RenderOptions | None = None,
    template_dir: Path | None = None,
    policy: PolicyIndex | None = None,
) -> RenderedConfig:
    """Render one device's configuration (and its side files, such as FRR's nftables)."""
    template_dir = template_dir or default_template_dir()
    ctx = device_context(sot, plan, hostname, options, policy)
    variables: dict[str, object] = {"d": ctx}
    platform = platforms.get(ctx.platform)
    text, used = _render(template_dir, f"{platform.templates}/{DEVICE_TEMPLATE}", variables)
    extra = []
    for template, suffix in platform.side_files:
        side, side_used = _render(template_dir, template, variables)
        extra.append(RenderedFile(filename=hostname + suffix, text=side, templates=side_used))
    return RenderedConfig(
        hostname=hostname,
        platform=ctx.platform,
        text=text,
        filename=f"{hostname}.conf",
        templates=used,
        extra=extra,
    )


def render_vm(sot: SoT, plan: Plan, name: str, template_dir: Path | None = None) -> RenderedConfig:
    """Render a data-centre VM's systemd-networkd file (applied by the playbooks)."""
    template_dir = template_dir or default_template_dir()
    vm = next((v for v in plan.vms if v.name == name), None)
    if vm is None:
        raise KeyError(name)
    text, used = _render(template_dir, VM_TEMPLATE, {"vm": vm_context(sot, plan, vm)})
    return RenderedConfig(
        hostname=name,
        platform="linux",
        kind="vm",
        text=text,
        filename=f"{name}.network",
        templates=used,
    )


def select(
    sot: SoT, plan: Plan, hosts: list[str] | None = None, sites: list[str] | None = None
) -> tuple[list[str], list[str]]:
    """Devices and VMs chosen by ``--host``/``--site`` filters (all when none is given).

    Unknown names are an :class:`InputError` with the closest known names as a hint.
    """
    devices = [d.hostname for d in plan.devices]
    vms = [v.name for v in plan.vms]
    problems: list[Problem] = []
    known_sites = [s.slug for s in plan.sites]
    for host in hosts or []:
        if host not in devices and host not in vms:
            problems.append(
                Problem(
                    None,
                    None,
                    "--host",
                    f"unknown device or VM {host!r}",
                    _close(host, devices + vms),
                )
            )
    for slug in sites or []:
        if slug not in known_sites:
            problems.append(
                Problem(None, None, "--site", f"unknown site {slug!r}", _close(slug, known_sites))
            )
    if problems:
        raise InputError(problems)
    if not hosts and not sites:
        return devices, vms
    wanted = set(hosts or [])
    chosen_sites = set(sites or [])
    pick_devices = [
        d.hostname for d in plan.devices if d.hostname in wanted or d.site in chosen_sites
    ]
    pick_vms = [v.name for v in plan.vms if v.name in wanted or v.site in chosen_sites]
    return pick_devices, pick_vms


def _close(name: str, known: list[str]) -> str:
    import difflib

    match = difflib.get_close_matches(name, known, n=1)
    return f"did you mean {match[0]!r}?" if match else ""


def render_all(
    sot: SoT,
    plan: Plan,
    hosts: list[str] | None = None,
    sites: list[str] | None = None,
    options: RenderOptions | None = None,
    template_dir: Path | None = None,
) -> list[RenderedConfig]:
    """Render every selected device, then every selected VM, in plan order."""
    devices, vms = select(sot, plan, hosts, sites)
    return render_hosts(sot, plan, devices, vms, options, template_dir, policy_index(sot, plan))


def render_hosts(
    sot: SoT,
    plan: Plan,
    devices: list[str],
    vms: list[str],
    options: RenderOptions | None,
    template_dir: Path | None,
    policy: PolicyIndex,
) -> list[RenderedConfig]:
    """Render the named devices, then the named VMs, in the order given."""
    out = [render_device(sot, plan, h, options, template_dir, policy) for h in devices]
    out += [render_vm(sot, plan, v, template_dir) for v in vms]
    return out
