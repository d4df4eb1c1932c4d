"""Render of imported (brownfield) devices: the candidate keeps the configuration they run.

The tiny SoT gets the ``imported`` section ``netauto import`` would write for the legacy lab
(:mod:`tests.render.legacy` builds it from :mod:`netauto.lab.legacy`'s as-built data); plan
keeps every as-built address and render must give every router its legacy configuration
back, IPv6 added. The FRR candidate is compared with the legacy lab's own ``frr.conf`` line
by line and through FRR's own reader (``frr-reload.py``'s comparison, as ``netauto diff``
and ``push`` use it); ``test_imported_lab.py`` does the same against real routers.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import cache
from pathlib import Path
from typing import Any

import pytest
import yaml

from netauto.errors import InputError
from netauto.lab.legacy import frr_config
from netauto.parse.readback import ConfigAddress
from netauto.plan import build_plan
from netauto.plan.models import Plan
from netauto.render.checks import check_rendered, read_config
from netauto.render.context import device_context
from netauto.render.engine import cli_text, render_all, render_device
from netauto.render.frrsyntax import check_frr_syntax, vtysh_path
from netauto.render.models import RenderedConfig, RenderOptions
from netauto.sot.models import (
    ImportedDistributeList,
    ImportedFilter,
    ImportedFilterEntry,
    ImportedInterface,
    ImportedOspf,
    ImportedStaticRoute,
    Platform,
    SoT,
)
from tests.conftest import CliResult
from tests.render.legacy import imported_sot
from tests.render.test_render import GOLDEN, _compare

PLATFORMS = ("frr", "cisco_ios", "huawei_vrp", "eos", "junos")
GOLDEN_PLATFORMS = ("frr", "cisco_ios", "huawei_vrp")
FRR_RELOAD = Path("/usr/lib/frr/frr-reload.py")
needs_frr = pytest.mark.skipif(
    vtysh_path() is None or not FRR_RELOAD.exists(), reason="FRR (vtysh, frr-reload.py) missing"
)


@cache
def rendered_for(platform: str) -> tuple[SoT, dict[str, RenderedConfig]]:
    sot, plan, _ = imported_sot(platform)
    configs = {r.hostname: r for r in render_all(sot, plan) if r.kind == "device"}
    return sot, configs


def block(text: str, header: str) -> list[str]:
    """The lines of the block opened by the line ``header`` (more indented ones after it)."""
    lines = text.splitlines()
    start = lines.index(header)
    depth = len(header) - len(header.lstrip())
    out: list[str] = []
    for line in lines[start + 1 :]:
        if line.strip() and len(line) - len(line.lstrip()) <= depth:
            break
        out.append(line.strip())
    return out


def blocks(text: str) -> dict[str, list[str]]:
    """An FRR config as {top-level line: its sub-lines}, comments, ``exit`` and ``end`` left
    out (a top-level statement is a block without sub-lines)."""
    out: dict[str, list[str]] = {}
    current: list[str] = []
    for line in text.splitlines():
        if not line.strip() or line.lstrip().startswith("!") or line.strip() in ("exit", "end"):
            continue
        if line[0].isspace():
            current.append(line.strip())
        else:
            current = out.setdefault(line, [])
    return out


# What each platform's templates write for an imported item (the test's own table).
INTERFACE = {
    "frr": "interface {}",
    "cisco_ios": "interface {}",
    "huawei_vrp": "interface {}",
    "eos": "interface {}",
    "junos": "    {} {{",
}
DESCRIPTION: dict[str, dict[str, Any]] = {
    "frr": {},
    "cisco_ios": {"ascii": True, "limit": 240, "drop": "?"},
    "huawei_vrp": {"ascii": True, "limit": 242, "drop": "?"},
    "eos": {"ascii": True, "limit": 240, "drop": "?"},
    "junos": {"ascii": True, "limit": 900, "quote": True},
}
END = {"junos": ";"}
SHUTDOWN = {"junos": "disable;"}
ROUTE = {
    "frr": "ip route {p}",
    "cisco_ios": "ip route {p.network_address} {p.netmask}",
    "huawei_vrp": "ip route-static {p.network_address} {p.netmask}",
    "eos": "ip route {p}",
    "junos": "route {p}",
}
REDISTRIBUTE_STATIC = {
    "frr": " redistribute static",
    "cisco_ios": " redistribute static subnets",
    "huawei_vrp": " import-route static",
    "eos": "   redistribute static",
}
DISTRIBUTE = {
    "frr": " distribute-list {} out static",
    "cisco_ios": " distribute-list {} out static",
    "huawei_vrp": " filter-policy acl-name {} export static",
}
FILTER = {
    "frr": "access-list {}",
    "cisco_ios": "ip access-list standard {}",
    "huawei_vrp": "acl name {} basic",
    "eos": "ip access-list standard {}",
}


def _header(platform: str, name: str) -> str:
    return INTERFACE[platform].format(name.split(".")[0] if platform == "junos" else name)


@pytest.mark.parametrize("platform", GOLDEN_PLATFORMS)
def test_golden_imported(platform: str) -> None:
    _, configs = rendered_for(platform)
    _compare(GOLDEN / f"{platform}-imported", list(configs.values()))


@pytest.mark.parametrize("platform", PLATFORMS)
def test_offline_checks_pass_and_render_is_deterministic(platform: str) -> None:
    sot, plan, _ = imported_sot(platform)
    first = render_all(sot, plan)
    assert render_all(sot, plan) == first
    assert check_rendered(plan, first, sot.imported) == []


@pytest.mark.parametrize("platform", PLATFORMS)
def test_every_imported_item_appears_in_the_candidate(platform: str) -> None:
    sot, configs = rendered_for(platform)
    seen = {"description": 0, "secondary": 0, "shutdown": 0, "route": 0, "filter": 0}
    for host, kept in sot.imported.devices.items():
        config = configs[host]
        text, facts = config.text, read_config(config)
        for iface in kept.interfaces:
            lines = block(text, _header(platform, iface.name))
            if iface.description:
                said = cli_text(iface.description, **DESCRIPTION[platform])
                assert f"description {said}{END.get(platform, '')}" in lines
                seen["description"] += 1
            for address in iface.secondary:
                name = iface.name + (".0" if platform == "junos" and "." not in iface.name else "")
                assert ConfigAddress.of(address) in facts.interfaces[name].ipv4, (host, name)
                seen["secondary"] += 1
            if iface.shutdown:
                assert SHUTDOWN.get(platform, "shutdown") in lines, (host, iface.name)
                seen["shutdown"] += 1
        for route in kept.static_routes:
            start = ROUTE[platform].format(p=route.prefix)
            assert any(x.strip().startswith(start + " ") for x in text.splitlines()), start
            seen["route"] += 1
        ospf = kept.ospf
        assert ospf is not None and ospf.router_id is not None
        assert f"router-id {ospf.router_id}" in text
        if "static" in ospf.redistribute and platform in REDISTRIBUTE_STATIC:
            assert REDISTRIBUTE_STATIC[platform] + "\n" in text
        for dlist in ospf.distribute_lists if platform in DISTRIBUTE else []:
            assert DISTRIBUTE[platform].format(dlist.name) + "\n" in text
        for kept_filter in kept.filters if platform in FILTER else []:
            assert FILTER[platform].format(kept_filter.name) in text
            seen["filter"] += 1
    # the legacy lab has each kind of item: descriptions on both ends of the 4 links, on the
    # 5 LANs and on the spare port, one secondary, one shut spare port, three static routes
    # (one a blackhole) and one access-list
    assert seen == {
        "description": 2 * 4 + 5 + 1,
        "secondary": 1,
        "shutdown": 1,
        "route": 3,
        "filter": 0 if platform == "junos" else 1,
    }


def test_the_frr_candidate_keeps_every_line_of_the_legacy_config() -> None:
    """Every line of each legacy router's frr.conf is in its candidate, in the same block."""
    _, _, built = imported_sot("frr")
    _, configs = rendered_for("frr")
    for router in built.routers:
        legacy = blocks(frr_config(router))
        candidate = blocks(configs[router.hostname].text)
        for head, lines in legacy.items():
            assert head in candidate, (router.hostname, head)
            missing = [x for x in lines if x not in candidate[head]]
            assert not missing, (router.hostname, head, missing)
    assert check_frr_syntax(list(configs.values())) == [] if vtysh_path() else True


@needs_frr
def test_frr_reads_the_candidate_as_the_legacy_config_plus_ipv6(tmp_path: Path) -> None:
    """FRR's own reader and frr-reload's comparison (what `netauto diff` and `push` use):
    against the legacy frr.conf, a candidate deletes nothing and adds only IPv6 (and lines
    FRR never shows)."""
    from netauto.drivers.frr.remote import NEVER_SHOWN, load_frr_reload, meaningful

    fr = load_frr_reload(str(FRR_RELOAD))
    vtysh = fr.Vtysh("/usr/bin", "/etc/frr", None, None)
    _, _, built = imported_sot("frr")
    _, configs = rendered_for("frr")
    assert check_frr_syntax(list(configs.values())) == []
    ipv6 = re.compile(r"\bipv6\b|\bospf6\b|^router ospf6$")
    for router in built.routers:
        loaded = []
        for name, text in (("legacy", frr_config(router)), ("new", configs[router.hostname].text)):
            path = tmp_path / f"{router.hostname}.{name}.conf"
            path.write_text(text)
            config = fr.Config(vtysh)
            config.load_from_file(str(path))
            loaded.append(config)
        to_add, to_del = fr.compare_context_objects(loaded[1], loaded[0])
        assert meaningful(fr, to_del, True) == [], router.hostname
        added = [text.splitlines()[-1] for text in meaningful(fr, to_add, False)]
        not_ipv6 = [x for x in added if not ipv6.search(x) and not NEVER_SHOWN.match(x.strip())]
        assert not_ipv6 == [], (router.hostname, not_ipv6)
        assert any("ipv6 address" in x for x in added)


HOSTILE = (
    "{{ 7*7 }} {% if true %}x{% endif %} 100% ! \"q\" 'x' \\ #c"
    "\u2028ip route 0.0.0.0/0 192.0.2.66\u0085end   spaced"
)


def _hostile(platform: str) -> tuple[SoT, Plan, dict[str, RenderedConfig]]:
    """The imported tiny SoT with :data:`HOSTILE` as every imported description of the hub
    and a site name that tries to start a line of its own."""
    sot, _, _ = imported_sot(platform)
    hub = sot.imported.devices["hub-01-r1"]
    interfaces = [
        i.model_copy(update={"description": HOSTILE}) if i.description else i
        for i in hub.interfaces
    ]
    devices = dict(sot.imported.devices)
    devices["hub-01-r1"] = hub.model_copy(update={"interfaces": interfaces})
    data = sot.model_dump(by_alias=True)
    for site in data["sites"]:
        if site["slug"] == "hub-01":
            site["name"] += "\nip route 0.0.0.0/0 192.0.2.67"
    data["imported"] = sot.imported.model_copy(update={"devices": devices}).model_dump()
    hostile = SoT.model_validate(data)
    plan = build_plan(hostile).plan
    return hostile, plan, {r.hostname: r for r in render_all(hostile, plan) if r.kind == "device"}


@pytest.mark.parametrize("platform", PLATFORMS)
def test_hostile_descriptions_come_out_inert(platform: str) -> None:
    sot, plan, configs = _hostile(platform)
    said = cli_text(HOSTILE, **DESCRIPTION[platform])
    assert "{{ 7*7 }}" in said and "x{% endif %}" in said  # printed, never evaluated
    assert "\u2028" not in said and "\u0085" not in said and "   " not in said
    lines = configs["hub-01-r1"].text.split("\n")
    described = [x.strip() for x in lines if "7*7" in x]
    assert described == [f"description {said}{END.get(platform, '')}"] * 5
    # nothing became a line of its own: not the route, not `end`, not the site name's route
    assert not any(x.strip().startswith(("ip route 0.0.0.0", "route 0.0.0.0")) for x in lines)
    ends = [x for x in lines if x.strip() in ("end", "return")]
    assert ends == ([] if platform == "junos" else [lines[-2]])
    if platform == "junos":
        assert '\\"q\\"' in said and "\\\\" in said
    if platform in ("cisco_ios", "huawei_vrp", "eos", "junos"):
        assert said.isascii() and "?" not in said
    assert check_rendered(plan, list(configs.values()), sot.imported) == []


@needs_frr
def test_hostile_descriptions_are_one_description_line_for_frr(tmp_path: Path) -> None:
    from netauto.drivers.frr.remote import load_frr_reload

    _, _, configs = _hostile("frr")
    hub = configs["hub-01-r1"]
    assert check_frr_syntax([hub]) == []
    fr = load_frr_reload(str(FRR_RELOAD))
    path = tmp_path / "hub.conf"
    path.write_text(hub.text)
    config = fr.Config(fr.Vtysh("/usr/bin", "/etc/frr", None, None))
    config.load_from_file(str(path))
    lines = config.contexts[("interface eth1",)].lines
    assert [x for x in lines if x.startswith("description")] == [f"description {cli_text(HOSTILE)}"]
    assert not any(key[0].startswith("ip route 0.0.0.0") for key in config.contexts)
    assert ImportedInterface(name="eth1", description=HOSTILE).description == HOSTILE


# --------------------------------------------------------------------------- context and checks


def _with_device(platform: Platform, host: str, **changes: Any) -> tuple[SoT, Plan]:
    """The imported tiny SoT with ``changes`` to one imported device, and its plan."""
    sot, _, _ = imported_sot(platform)
    devices = dict(sot.imported.devices)
    devices[host] = devices[host].model_copy(update=changes)
    data = sot.model_dump(by_alias=True)
    data["imported"] = sot.imported.model_copy(update={"devices": devices}).model_dump()
    changed = SoT.model_validate(data)
    return changed, build_plan(changed).plan


def test_static_routes_are_written_as_the_router_runs_them() -> None:
    routes = [
        ImportedStaticRoute(prefix="10.1.0.0/16", blackhole=True),
        ImportedStaticRoute(prefix="10.2.0.0/16", blackhole=True, interface="Null0", distance=254),
        ImportedStaticRoute(prefix="10.3.0.0/16", interface="null0"),
        ImportedStaticRoute(prefix="10.4.0.0/16", next_hop="172.16.0.2", interface="eth1"),
        ImportedStaticRoute(prefix="10.5.0.0/16", interface="eth1", distance=200),
    ]
    sot, plan = _with_device("frr", "hub-01-r1", static_routes=routes)
    text = render_device(sot, plan, "hub-01-r1").text
    assert [x for x in text.splitlines() if x.startswith("ip route")] == [
        "ip route 10.1.0.0/16 blackhole",
        "ip route 10.2.0.0/16 Null0 254",
        "ip route 10.3.0.0/16 Null0",
        "ip route 10.4.0.0/16 172.16.0.2 eth1",
        "ip route 10.5.0.0/16 eth1 200",
    ]
    assert check_frr_syntax([render_device(sot, plan, "hub-01-r1")]) == []
    ios, ios_plan = _with_device("cisco_ios", "hub-01-r1", static_routes=routes[1:2])
    assert (
        "ip route 10.2.0.0 255.255.0.0 Null0 254\n"
        in render_device(ios, ios_plan, "hub-01-r1").text
    )
    vrp, vrp_plan = _with_device("huawei_vrp", "hub-01-r1", static_routes=routes[1:2])
    vrp_text = render_device(vrp, vrp_plan, "hub-01-r1").text
    assert "ip route-static 10.2.0.0 255.255.0.0 NULL0 preference 254\n" in vrp_text


def test_a_static_route_going_nowhere_is_an_input_error() -> None:
    sot, plan = _with_device(
        "frr", "hub-01-r1", static_routes=[ImportedStaticRoute(prefix="10.9.0.0/16")]
    )
    with pytest.raises(InputError) as info:
        render_device(sot, plan, "hub-01-r1")
    problem = info.value.problems[0]
    assert problem.field == "imported.devices.hub-01-r1.static_routes.0"
    assert "no next hop, interface or blackhole" in problem.message


def test_filter_entries_keep_frrs_numbering_and_the_running_router_id_stays() -> None:
    acl = ImportedFilter(
        name="OLD",
        kind="prefix-list",
        entries=[
            ImportedFilterEntry(action="permit", prefix="10.0.0.0/8"),
            ImportedFilterEntry(seq=12, action="deny", prefix="10.1.0.0/16"),
            ImportedFilterEntry(action="deny"),
        ],
    )
    ospf = ImportedOspf(
        router_id="192.0.2.1",
        redistribute=["bgp", "static", "connected"],
        distribute_lists=[ImportedDistributeList(name="OLD", direction="in")],
    )
    sot, plan = _with_device("frr", "cm-anxuyen-r1", filters=[acl], ospf=ospf)
    context = device_context(sot, plan, "cm-anxuyen-r1")
    assert [e.seq for e in context.legacy.filters[0].entries] == [5, 12, 15]
    assert context.legacy.redistribute == ["connected", "static", "bgp"]  # FRR's order
    assert str(context.router_id) == "192.0.2.1"  # not the loopback: OSPF keeps its id
    text = render_device(sot, plan, "cm-anxuyen-r1").text
    assert "ip prefix-list OLD seq 15 deny any\n" in text
    assert " ospf router-id 192.0.2.1\n" in text and " ospf6 router-id 192.0.2.1\n" in text
    assert "distribute-list OLD" not in text  # FRR's ospfd has no `distribute-list in`
    options = RenderOptions(ebgp_sites=frozenset({"phuong-an-xuyen"}))
    # a router netauto already redistributes BGP on keeps one `redistribute bgp`
    hub, hub_plan = _with_device("frr", "hub-01-r1", ospf=ospf)
    assert device_context(hub, hub_plan, "hub-01-r1", options).legacy.redistribute == [
        "connected",
        "static",
    ]
    ospf_block = block(render_device(hub, hub_plan, "hub-01-r1", options).text, "router ospf")
    assert ospf_block[1:4] == ["redistribute connected", "redistribute static", "redistribute bgp"]


def test_an_interface_only_the_import_knows_is_kept_whole() -> None:
    spare = ImportedInterface(
        name="eth7", description="old uplink", secondary=["192.0.2.1/24", "198.51.100.1/24"]
    )
    sot, _, _ = imported_sot("frr")
    hub = sot.imported.devices["hub-01-r1"]
    sot, plan = _with_device("frr", "hub-01-r1", interfaces=[*hub.interfaces, spare])
    config = render_device(sot, plan, "hub-01-r1")
    assert block(config.text, "interface eth7") == [
        "description old uplink",
        "ip address 192.0.2.1/24",
        "ip address 198.51.100.1/24",
    ]
    # the address check expects its addresses; parity leaves the legacy port alone
    assert check_rendered(plan, [config], sot.imported) == []
    assert check_rendered(plan, [config]) != []  # without the import they are strays
    ios, ios_plan = _with_device(
        "cisco_ios", "hub-01-r1", interfaces=[spare.model_copy(update={"name": "Gi0/0/9"})]
    )
    ios_config = render_device(ios, ios_plan, "hub-01-r1")
    assert block(ios_config.text, "interface Gi0/0/9") == [
        "description old uplink",
        "ip address 192.0.2.1 255.255.255.0",
        "ip address 198.51.100.1 255.255.255.0 secondary",
        "no shutdown",
    ]
    assert check_rendered(ios_plan, [ios_config], ios.imported) == []


def test_the_address_check_holds_imported_secondaries_to_the_sot() -> None:
    sot, plan, _ = imported_sot("frr")
    config = render_device(sot, plan, "cm-anxuyen-r1")
    assert check_rendered(plan, [config], sot.imported) == []
    dropped = config.model_copy(
        update={"text": config.text.replace(" ip address 192.168.1.1/24\n", "")}
    )
    messages = [f.message for f in check_rendered(plan, [dropped], sot.imported)]
    assert messages == ["lan10: planned address 192.168.1.1/24 is missing from the config"]
    moved = config.model_copy(
        update={"text": config.text.replace("192.168.1.1/24", "192.168.9.1/24")}
    )
    messages = [f.message for f in check_rendered(plan, [moved], sot.imported)]
    assert any("lan10: 192.168.9.1/24 is not the plan's address" in m for m in messages)


@pytest.mark.parametrize(
    ("platform", "name", "header"),
    [
        ("huawei_vrp", "2001", "acl number 2001"),
        ("cisco_ios", "NA-SSH-V4", "ip access-list standard NA-SSH-V4"),
    ],
)
def test_an_imported_filter_with_the_name_of_netautos_own_is_refused(
    platform: Platform, name: str, header: str
) -> None:
    sot, plan = _with_device(
        platform,
        "hub-01-r1",
        filters=[ImportedFilter(name=name, entries=[ImportedFilterEntry(action="deny")])],
    )
    findings = check_rendered(plan, render_all(sot, plan, hosts=["hub-01-r1"]), sot.imported)
    assert [(f.check, f.severity) for f in findings] == [("blocks", "error")]
    assert findings[0].message.startswith(f"`{header}` opens 2 blocks")


def test_parity_still_reports_the_plans_own_ipv4_only_interfaces() -> None:
    sot, plan, _ = imported_sot("cisco_ios")
    devices = []
    for dev in plan.devices:
        if dev.hostname == "cm-anxuyen-r1":
            ifaces = [
                i.model_copy(update={"ipv6": None}) if i.lan == "wifi" else i
                for i in dev.interfaces
            ]
            dev = dev.model_copy(update={"interfaces": ifaces})
        devices.append(dev)
    broken = plan.model_copy(update={"devices": devices})
    rendered = render_all(sot, broken, hosts=["cm-anxuyen-r1"])
    findings = check_rendered(broken, rendered, sot.imported)
    assert [(f.check, f.severity) for f in findings] == [("parity", "error")]
    assert "GigabitEthernet0/1.20 has IPv4" in findings[0].message


def test_render_of_an_imported_inventory_through_the_command_line(
    cli: Callable[..., CliResult], inv: Path, tmp_path: Path
) -> None:
    """`netauto render` on a SoT with an `imported.yml` (as `netauto import --write` leaves
    it): validated, planned, rendered and checked (imported secondaries expected), written."""
    sot, _, _ = imported_sot("frr")
    section = {"imported": sot.imported.model_dump(mode="json", exclude_defaults=True)}
    (inv / "imported.yml").write_text(yaml.safe_dump(section, sort_keys=False))
    out = tmp_path / "configs"
    result = cli("-i", inv, "--state-dir", tmp_path / "state", "render", "-q", "-o", out)
    assert result.code == 0, result.err
    assert "0 errors, 0 warnings" in result.err
    _, configs = rendered_for("frr")
    for host, config in configs.items():
        assert (out / f"{host}.conf").read_text() == config.text
