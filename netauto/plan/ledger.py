"""The allocation ledger (``inventory/allocations.yml``): every allocation, keyed by identity.

Keys are stable identifiers, never list positions: sites by ``site_id``, LANs by their key
(name or function) inside the site, loopbacks by hostname, links by link id, VMs by name.
The ledger is committed with the SoT; ``netauto plan`` keeps every entry it finds valid, so
adding, re-parenting, renaming or merging sites renumbers nothing.

:func:`load_ledger` and :func:`save_ledger` are the only I/O here; the save is atomic.
"""

import dataclasses
import ipaddress
import re
from pathlib import Path
from typing import Annotated, Any

import yaml
from pydantic import BaseModel, ConfigDict, Field, PlainSerializer, ValidationError

from netauto.errors import InputError, Problem
from netauto.fileio import atomic_write
from netauto.plan.prefixes import ipv6_text
from netauto.sot.source import ledger_path, locate
from netauto.sot.yamlsource import format_path, read_yaml

__all__ = ["Ledger", "ledger_path", "load_ledger", "save_ledger"]

LEDGER_VERSION = 1
HEADER = (
    "# netauto allocation ledger: written by `netauto plan`, commit it with the SoT.\n"
    "# Every address is keyed by a stable identity (site_id, hostname, LAN key, link id,\n"
    "# VM name). Entries of removed sites stay reserved until `netauto plan --prune`.\n"
)


Network6 = Annotated[ipaddress.IPv6Network, PlainSerializer(ipv6_text, when_used="json")]
Address6 = Annotated[ipaddress.IPv6Address, PlainSerializer(ipv6_text, when_used="json")]
"""IPv6 values written as ``str`` writes them, in a fifth of the time (see ``ipv6_text``):
a 237-router ledger holds 1,200 of them, each written twice per plan (diff and YAML)."""


class LedgerModel(BaseModel):
    # Empty defaults come from ``lambda: []`` / ``lambda: {}``, not ``list`` / ``dict``:
    # pydantic reads each default factory's signature when it builds the schema, and for a
    # builtin that means parsing its C signature text (~5.7 ms per plan run in all).
    model_config = ConfigDict(extra="forbid", defer_build=True)


class LanEntry(LedgerModel):
    ipv6: Network6
    ipv4: ipaddress.IPv4Network


class SiteEntry(LedgerModel):
    slug: str = Field(description="informational: the slug when last planned")
    zone: str
    prefix6: Network6
    lans: dict[str, LanEntry] = Field(default_factory=lambda: {})


class DeviceEntry(LedgerModel):
    site_id: int
    loopback6: Address6
    loopback4: ipaddress.IPv4Address


class LinkEntry(LedgerModel):
    reserved6: Network6
    network4: ipaddress.IPv4Network
    interfaces: dict[str, str] = Field(
        default_factory=lambda: {}, description="hostname -> interface name at that end"
    )


class VmEntry(LedgerModel):
    site_id: int
    network: str
    ipv4: ipaddress.IPv4Address
    ipv6: Address6


class Ledger(LedgerModel):
    """Every allocation ``netauto plan`` has made for one province."""

    version: int = LEDGER_VERSION
    allocation6: ipaddress.IPv6Network | None = None
    pools4: dict[str, list[ipaddress.IPv4Network]] = Field(
        default_factory=lambda: {}, description="IPv4 blocks carved for loopbacks and p2p links"
    )
    sites: dict[int, SiteEntry] = Field(default_factory=lambda: {})
    devices: dict[str, DeviceEntry] = Field(default_factory=lambda: {})
    links: dict[str, LinkEntry] = Field(default_factory=lambda: {})
    vms: dict[str, VmEntry] = Field(default_factory=lambda: {})

    def flatten(self) -> dict[str, str]:
        """One ``key -> value`` line per allocation: what ``--diff`` compares.

        Examples:
            >>> led = Ledger(devices={"r1": DeviceEntry(
            ...     site_id=7, loopback6="2001:db8::7:1", loopback4="10.0.0.1")})
            >>> led.flatten()
            {'device r1 loopback4': '10.0.0.1', 'device r1 loopback6': '2001:db8::7:1'}
        """
        flat: dict[str, str] = {}
        for name, blocks in self.pools4.items():
            flat[f"pool {name}"] = " ".join(str(b) for b in blocks)
        for sid, site in self.sites.items():
            flat[f"site {sid} prefix6"] = ipv6_text(site.prefix6)
            for key, lan in site.lans.items():
                flat[f"site {sid} lan {key} ipv6"] = ipv6_text(lan.ipv6)
                flat[f"site {sid} lan {key} ipv4"] = str(lan.ipv4)
        for host, dev in self.devices.items():
            flat[f"device {host} loopback4"] = str(dev.loopback4)
            flat[f"device {host} loopback6"] = ipv6_text(dev.loopback6)
        for lid, link in self.links.items():
            flat[f"link {lid} reserved6"] = ipv6_text(link.reserved6)
            flat[f"link {lid} network4"] = str(link.network4)
            for host, ifname in link.interfaces.items():
                flat[f"link {lid} {host} interface"] = ifname
        for name, vm in self.vms.items():
            flat[f"vm {name} ipv4"] = str(vm.ipv4)
            flat[f"vm {name} ipv6"] = ipv6_text(vm.ipv6)
        return flat

    def to_yaml(self) -> str:
        """The ledger as YAML, keys sorted, one line per entry where it fits."""
        data = self.model_dump(mode="json")
        data["sites"] = {int(k): v for k, v in sorted(data["sites"].items(), key=_int_key)}
        for key in ("devices", "links", "vms", "pools4"):
            data[key] = dict(sorted(data[key].items()))
        body = _plain_yaml(data)
        if body is None:  # a value the fast writer is not sure about: let PyYAML decide
            body = yaml.dump(
                data, Dumper=_LedgerDumper, sort_keys=False, allow_unicode=True, width=WIDTH
            )
        return HEADER + body


WIDTH = 100
"""Line width of the ledger's YAML (PyYAML's ``width``)."""

_SAFE = re.compile(r"[A-Za-z0-9][A-Za-z0-9._/:-]*")
_RESOLVER = yaml.resolver.Resolver()


def _scalar(value: object, flow: bool) -> str | None:
    """``value`` exactly as PyYAML (libyaml's emitter) writes it, or None if unsure.

    Examples:
        >>> _scalar("2001:db8::/56", flow=False), _scalar("2001:db8::/56", flow=True)
        ('2001:db8::/56', "'2001:db8::/56'")
        >>> _scalar(7, flow=True), _scalar("eth0", flow=True), _scalar("yes", flow=False)
        ('7', 'eth0', None)
    """
    if type(value) is int:
        return str(value)
    if not isinstance(value, str) or not _SAFE.fullmatch(value) or value.endswith(":"):
        return None
    # No implicit type of YAML 1.1 (bool, int, float, null, timestamp) contains "/" or is a
    # word of more than five letters starting with a letter: only the rest is asked.
    if "/" not in value and not (value[0].isalpha() and len(value) > 5):
        tag = _RESOLVER.resolve(yaml.ScalarNode, value, (True, False))  # type: ignore[no-untyped-call]
        if tag != "tag:yaml.org,2002:str":
            return None  # "yes", "1.5", "12:30": PyYAML quotes these
    return f"'{value}'" if flow and ":" in value else value


def _plain_yaml(data: dict[str, Any]) -> str | None:
    """The ledger document as ``yaml.dump`` with :class:`_LedgerDumper` writes it.

    Builds the text directly (the representer is ~90 % of PyYAML's time here). Covers
    what a ledger holds: mappings, lists of scalars, ints, None and names/addresses; returns
    None when a value or a line length needs PyYAML's judgement. Tests compare both.
    """
    lines: list[str] = []
    texts: dict[str, str | None] = {}
    """Block-style text of each string seen: field names and interface names repeat (a
    237-router ledger writes 7,758 strings, 2,868 distinct)."""

    def scalar(value: object, flow: bool) -> str | None:
        if type(value) is not str:
            return _scalar(value, flow)
        if value in texts:
            plain = texts[value]
        else:
            plain = texts[value] = _scalar(value, flow=False)
        return f"'{plain}'" if flow and plain is not None and ":" in plain else plain

    def block(mapping: dict[Any, Any], indent: str) -> bool:
        for key, value in mapping.items():
            k = scalar(key, flow=False)
            if k is None:
                return False
            if value is None:
                lines.append(f"{indent}{k}: null")
            elif isinstance(value, dict):
                if not value:
                    lines.append(f"{indent}{k}: {{}}")
                elif all(not isinstance(v, dict | list) for v in value.values()):
                    text = flow(value, len(indent) + len(k) + 2)
                    if text is None:
                        return False
                    lines.append(f"{indent}{k}: {text}")
                else:
                    lines.append(f"{indent}{k}:")
                    if not block(value, indent + "  "):
                        return False
            elif isinstance(value, list):
                if not value:
                    lines.append(f"{indent}{k}: []")
                    continue
                lines.append(f"{indent}{k}:")
                for item in value:
                    v = scalar(item, flow=False)
                    if v is None:
                        return False
                    lines.append(f"{indent}- {v}")
            else:
                v = scalar(value, flow=False)
                if v is None:
                    return False
                lines.append(f"{indent}{k}: {v}")
        return True

    def flow(mapping: dict[Any, Any], column: int) -> str | None:
        parts: list[str] = []
        column += 1  # "{"
        for key, value in mapping.items():
            if column > WIDTH:  # libyaml would break the line here
                return None
            k, v = scalar(key, flow=True), scalar(value, flow=True)
            if k is None or v is None:
                return None
            item = f"{k}: {v}"
            parts.append(item)
            column += len(item) + 2  # the item, then ", " (or "}")
        return "{" + ", ".join(parts) + "}"

    if not block(data, ""):
        return None
    return "\n".join(lines) + "\n"


def _int_key(item: tuple[Any, Any]) -> int:
    return int(item[0])


class _LedgerDumper(getattr(yaml, "CSafeDumper", yaml.SafeDumper)):  # type: ignore[misc]
    """Block style for the structure, flow style for the small leaf mappings.

    libyaml's emitter when PyYAML has it (five times faster, the same bytes).
    """


def _represent_dict(dumper: yaml.SafeDumper, data: dict[Any, Any]) -> yaml.Node:
    leaf = all(not isinstance(v, dict | list) for v in data.values())
    return dumper.represent_mapping("tag:yaml.org,2002:map", data, flow_style=leaf and bool(data))


_LedgerDumper.add_representer(dict, _represent_dict)


def load_ledger(path: Path) -> Ledger | None:
    """Read a ledger file; None if it does not exist yet.

    Raises:
        InputError: the file is not valid YAML or not a ledger (with the field at fault).
    """
    if not path.exists():
        return None
    hint = (
        "the ledger is written by `netauto plan` and holds every allocation: restore it "
        f"from git (git checkout -- {path}), or rebuild it from the running network "
        "(`netauto import --write`)"
    )
    try:
        doc = read_yaml(path)  # the SoT's hardened reader: line numbers, no aliases bombs
    except InputError as exc:
        raise InputError(
            [
                dataclasses.replace(p, hint=f"{p.hint}; {hint}" if p.hint else hint)
                for p in exc.problems
            ]
        ) from None
    if doc.data is None:
        # An emptied ledger is a lost ledger: planning afresh would renumber the province.
        raise InputError(Problem(path, None, "", "the ledger is empty", hint))
    if not isinstance(doc.data, dict):
        raise InputError(Problem(path, 1, "", "a ledger must be a mapping", hint))
    try:
        ledger = Ledger.model_validate(doc.data)
    except ValidationError as exc:
        problems = []
        for error in exc.errors():
            where = locate(doc.locations, tuple(error["loc"]))
            problems.append(
                Problem(
                    path,
                    where.line if where else None,
                    format_path(error["loc"]),
                    error["msg"],
                    hint,
                )
            )
        raise InputError(problems) from None
    if ledger.version != LEDGER_VERSION:
        raise InputError(
            Problem(path, None, "version", f"unsupported ledger version {ledger.version}")
        )
    return ledger


def save_ledger(path: Path, ledger: Ledger, text: str | None = None) -> None:
    """Write the ledger atomically (temporary file + rename, flushed to disk).

    ``text``: ``ledger.to_yaml()`` when the caller already has it.
    """
    atomic_write(path, ledger.to_yaml() if text is None else text)
