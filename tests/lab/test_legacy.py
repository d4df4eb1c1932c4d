"""The as-built (pre-netauto) network of ``netauto lab up --legacy``.

Pure tests on the tiny SoT, the bundled example and generated provinces; FRR's own parser
on every rendered config; and one real lab (marker ``lab``, prefix ``nl-``) on the tiny SoT.
"""

from __future__ import annotations

import ipaddress as ip
import json
import os
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from netauto.errors import InputError
from netauto.lab import hostfiles, legacy, runner
from netauto.lab.legacy import AsBuilt, LegacyBlocks, as_built, legacy_topology
from netauto.lab.state import LabInfo, info
from netauto.lab.topology import build_topology
from netauto.plan import build_plan, plan_for
from netauto.plan.models import Plan
from netauto.render.vtysh import vtysh_path
from netauto.sot.loader import load_sot
from netauto.sot.models import SoT
from tests.conftest import EXAMPLE, ROOT, TINY, CliResult
from tests.plan.sotgen import province, to_sot

PREFIX = "nl-"


def _load(directory: Path) -> tuple[SoT, Plan]:
    return load_sot(directory).sot, plan_for(directory).plan


SOURCES = {"tiny": TINY, "example": EXAMPLE}


@pytest.fixture(scope="module", params=sorted(SOURCES))
def sot_plan(request: pytest.FixtureRequest) -> tuple[SoT, Plan]:
    return _load(SOURCES[request.param])


@pytest.fixture(scope="module")
def tree() -> tuple[SoT, Plan]:
    """As big as the 237-router tree of ``benchmarks/lab_scale.py --tree``, sparse site ids."""
    sot = to_sot(province(226, hubs=10, seed=7))
    return sot, build_plan(sot).plan


def _router_addresses(built: AsBuilt) -> dict[str, set[str]]:
    return {r.hostname: {str(a) for i in r.interfaces for a in i.addresses} for r in built.routers}


# --------------------------------------------------------------------------- pure


@pytest.mark.parametrize("source", sorted(SOURCES))
def test_same_sot_same_network(source: str) -> None:
    first, second = as_built(*_load(SOURCES[source])), as_built(*_load(SOURCES[source]))
    assert first == second
    assert first.model_dump_json() == second.model_dump_json()
    assert legacy.frr_configs(first) == legacy.frr_configs(second)


def test_list_order_does_not_matter() -> None:
    """Numbering follows site_id, hostname, link key and VM name, never list position."""
    sot, plan = _load(TINY)
    shuffled = sot.model_copy(
        update={
            "sites": list(reversed(sot.sites)),
            "links": list(reversed(sot.links)),
            "vms": list(reversed(sot.vms)),
        }
    )
    again = as_built(shuffled, build_plan(shuffled).plan)
    assert again == as_built(sot, plan)


def test_no_address_from_the_plan_or_the_supernets(sot_plan: tuple[SoT, Plan]) -> None:
    sot, plan = sot_plan
    built = as_built(sot, plan)
    planned = {i.ipv4.ip for d in plan.devices for i in d.interfaces if i.ipv4} | {
        vm.ipv4.ip for vm in plan.vms
    }
    supernets = list(sot.addressing.ipv4.supernets)
    used = [a.network for a in built.addresses()]
    used += [s.prefix for r in built.routers for s in r.static_routes]
    assert used
    for net in used:
        assert not any(net.overlaps(s) for s in supernets), net
        assert not any(addr in net for addr in planned), net
    assert not {a.ip for a in built.addresses()} & planned


def test_every_address_is_unique(sot_plan: tuple[SoT, Plan]) -> None:
    built = as_built(*sot_plan)
    addresses = [a.ip for a in built.addresses()]
    assert len(addresses) == len(set(addresses))
    lans = [lan.network for lan in built.lans]
    assert len(set(lans)) == len(lans)
    assert all(not a.overlaps(b) for n, a in enumerate(lans) for b in lans[n + 1 :])


def test_link_ends_share_one_30(sot_plan: tuple[SoT, Plan]) -> None:
    sot, plan = sot_plan
    built = as_built(sot, plan)
    networks = set()
    for link in plan.links:
        a = built.router(link.a.device).interface(link.a.interface)
        b = built.router(link.b.device).interface(link.b.interface)
        assert a.primary is not None and b.primary is not None
        assert a.primary.network == b.primary.network
        assert a.primary.network.prefixlen == 30 and a.primary.ip != b.primary.ip
        assert (a.peer, b.peer) == (link.b.device, link.a.device)
        assert a.point_to_point and a.ospf and not a.passive
        networks.add(a.primary.network)
    assert len(networks) == len(plan.links)


def test_loopbacks_lans_and_gateways(sot_plan: tuple[SoT, Plan]) -> None:
    sot, plan = sot_plan
    built = as_built(sot, plan)
    for router in built.routers:
        assert router.loopback.network.prefixlen == 32
        assert router.ospf.router_id == router.loopback.ip
        assert router.interface("lo").addresses == [router.loopback]
    for lan in built.lans:
        iface = built.router(lan.router).interface(lan.interface)
        assert iface.primary == ip.IPv4Interface(f"{lan.gateway}/24")
        assert iface.passive and iface.ospf
    for entry in built.hosts:
        lan = next(x for x in built.lans if (x.router, x.key) == (entry.router, entry.lan))
        assert entry.gateway == lan.gateway and entry.address.ip in lan.network.hosts()
        assert entry.address.network == lan.network
    assert {h.name for h in built.hosts if h.kind == "vm"} == {vm.name for vm in plan.vms}


def test_the_lab_wiring_is_the_plans(sot_plan: tuple[SoT, Plan]) -> None:
    """Every interface the lab wires is configured, with the same name; plus the spare."""
    sot, plan = sot_plan
    built = as_built(sot, plan)
    topo = legacy_topology(build_topology(plan, sot, prefix=PREFIX), built)
    for host in topo.hosts:
        if host.kind != "router":
            continue
        router = built.router(host.name)
        configured = {i.name for i in router.interfaces if i.role != "spare"}
        assert configured == {*host.interfaces, "lo"}
        assert host.spare_interfaces == router.spare_interfaces
        assert not set(host.spare_interfaces) & set(host.interfaces)


def test_quirks(sot_plan: tuple[SoT, Plan]) -> None:
    sot, plan = sot_plan
    built = as_built(sot, plan)
    blocks = built.blocks
    kinds = {s.slug: s.kind for s in plan.sites}
    core = next(r for r in built.routers if kinds[r.site] == "data-centre")
    server = next(x for x in built.lans if x.router == core.hostname)
    assert [(s.prefix, s.next_hop in server.network) for s in core.static_routes] == [
        (blocks.legacy_servers, True),
        (blocks.backup, True),
    ]
    (acl,) = core.access_lists
    assert [(e.action, e.prefix) for e in acl.entries] == [
        ("permit", blocks.legacy_servers),
        ("deny", None),
    ]
    assert core.ospf.redistribute_static and core.ospf.distribute_list == acl.name

    hubs = [r for r in built.routers if kinds[r.site] == "hub"]
    assert hubs
    for hub in hubs:
        (summary,) = hub.static_routes
        assert summary.next_hop is None and hub.ospf.redistribute_static
        served = {s.slug for s in plan.sites if s.hub == hub.site} | {hub.site}
        region_lans = [x.network for x in built.lans if x.site in served]
        assert all(n.subnet_of(summary.prefix) for n in region_lans)
    others = [r for r in built.routers if r not in hubs and r != core]
    assert all(not r.static_routes and not r.access_lists for r in others)

    secondaries = [(r.hostname, i) for r in built.routers for i in r.interfaces if i.secondaries]
    assert len(secondaries) == 1
    assert secondaries[0][1].secondaries == [ip.IPv4Interface(f"{blocks.secondary[1]}/24")]
    assert kinds[built.router(secondaries[0][0]).site] == "commune"

    down = [(r.hostname, i) for r in built.routers for i in r.interfaces if not i.enabled]
    assert len(down) == 1 and down[0][0] == hubs[0].hostname
    assert down[0][1].role == "spare" and down[0][1].description and not down[0][1].addresses

    circuits = {link.key: link.circuit_id for link in sot.links if link.circuit_id}
    for router in built.routers:
        for iface in router.interfaces:
            if iface.role == "wan":
                assert iface.link_id is not None
                cid = circuits.get(iface.link_id, f"NA{plan.province_code:02d}-")
                assert iface.description.startswith(cid), iface.description
                assert f"to {iface.peer} {iface.peer_interface}" in iface.description
    assert {q.kind for q in built.quirks} == {
        "static-route", "blackhole", "filter", "description", "secondary", "shutdown",
    }  # fmt: skip


def test_tiny_as_built_scheme() -> None:
    """The documented scheme, on the tiny SoT (README, 'The legacy lab')."""
    built = as_built(*_load(TINY))
    assert [str(r.loopback) for r in built.routers] == [
        "172.31.0.1/32", "172.31.0.2/32", "172.31.0.3/32", "172.31.0.4/32", "172.31.0.5/32",
    ]  # fmt: skip
    hub = built.router("hub-01-r1")
    assert str(hub.interface("eth1").primary) == "172.16.0.1/30"  # l-1001, the first link
    assert hub.interface("eth1").description == "VNPT-CM-1001 to cm-anxuyen-r1 eth0"
    assert hub.interface("eth4").enabled is False
    assert [str(a) for a in built.router("cm-anxuyen-r1").interface("lan10").addresses] == [
        "172.20.4.1/24",
        "192.168.1.1/24",
    ]
    assert [(str(h.address), str(h.gateway)) for h in built.hosts if h.kind == "vm"] == [
        ("172.20.0.11/24", "172.20.0.1"),
        ("172.20.0.12/24", "172.20.0.1"),
    ]
    assert [str(r.prefix) for r in built.regions] == ["172.20.0.0/24", "172.20.4.0/22"]


def test_a_province_as_big_as_the_tree(tree: tuple[SoT, Plan]) -> None:
    sot, plan = tree
    built = as_built(sot, plan)
    assert len(built.routers) == 237 and len(built.lans) == 453
    addresses = [a.ip for a in built.addresses()]
    assert len(addresses) == len(set(addresses))
    prefixes = [r.prefix for r in built.regions]
    assert all(not a.overlaps(b) for n, a in enumerate(prefixes) for b in prefixes[n + 1 :])
    assert all(p.subnet_of(built.blocks.lans) for p in prefixes)
    assert len(legacy.frr_configs(built)) == 237


def test_too_big_is_refused(tree: tuple[SoT, Plan]) -> None:
    small = LegacyBlocks(
        **{
            **legacy.DEFAULT_BLOCKS.model_dump(),
            "loopbacks": ip.IPv4Network("172.31.0.0/24"),
            "lans": ip.IPv4Network("172.20.0.0/22"),
        }
    )
    with pytest.raises(InputError) as caught:
        as_built(*tree, blocks=small)
    text = str(caught.value)
    assert "loopbacks" not in text  # 237 routers fit in a /24
    assert "/24s of LANs" in text and "172.20.0.0/22 holds 4" in text
    assert "lab --legacy" in text and "hint:" in text


def test_overlap_with_the_sot_is_refused() -> None:
    sot, _ = _load(TINY)
    ipv4 = sot.addressing.ipv4.model_copy(update={"supernets": [ip.IPv4Network("172.16.0.0/12")]})
    addressing = sot.addressing.model_copy(update={"ipv4": ipv4})
    clash = sot.model_copy(update={"addressing": addressing})
    with pytest.raises(InputError, match=r"as-built block links 172\.16\.0\.0/16 overlaps"):
        as_built(clash, build_plan(clash).plan)


def test_legacy_topology(sot_plan: tuple[SoT, Plan]) -> None:
    sot, plan = sot_plan
    green = build_topology(plan, sot, prefix=PREFIX)
    built = as_built(sot, plan)
    topo = legacy_topology(green, built)
    assert topo.legacy and not green.legacy and topo.fingerprint() != green.fingerprint()
    assert [h.name for h in topo.hosts] == [h.name for h in green.hosts]
    assert topo.veths == green.veths and topo.bridges == green.bridges
    for host, before in zip(topo.hosts, green.hosts, strict=True):
        assert host.daemons == before.daemons  # ospf6d too: a later dual-stack push needs it
        if host.kind == "router":
            assert host.lldpd and host.startup_config == legacy.frr_config(built.router(host.name))
            assert not host.addresses
        else:
            entry = built.host(host.name)
            assert host.addresses == [entry.address] and host.gateway4 == entry.gateway
            assert host.gateway6 is None and host.services == before.services
    assert all(h.startup_config is None and not h.lldpd for h in green.hosts)


def test_runner_files_for_a_legacy_router() -> None:
    sot, plan = _load(TINY)
    topo = legacy_topology(build_topology(plan, sot, prefix=PREFIX), as_built(sot, plan))
    hub = topo.host("hub-01-r1")
    batch = runner.namespace_batch(topo, hub)
    assert "tuntap add dev eth4 mode tap\n" in batch and "link set eth4 up" not in batch
    script = hostfiles.start_script(Path("/run/netauto/nl"), hub, "python3", Path("r.py"))
    assert script.index("ospfd") < script.index("vtysh -b") < script.index("lldpd")
    assert hostfiles.frr_conf(hub) == hub.startup_config
    green = build_topology(plan, sot, prefix=PREFIX).host("hub-01-r1")
    plain = hostfiles.start_script(Path("/run/netauto/nl"), green, "python3", Path("r.py"))
    assert "vtysh -b" not in plain and "lldpd" not in plain


def test_descriptions_are_one_safe_line() -> None:
    sot, _ = _load(TINY)
    evil = sot.links[0].model_copy(update={"circuit_id": "CID-1\n interface x\n shutdown"})
    hostile = sot.model_copy(update={"links": [evil, *sot.links[1:]]})
    built = as_built(hostile, build_plan(hostile).plan)
    router = built.router(evil.a.device)
    text = legacy.frr_config(router)
    assert " description CID-1 interface x shutdown to " in text
    assert text.count("\n shutdown\n") == len(router.spare_interfaces)
    assert "\n interface x\n" not in text


VTYSH = vtysh_path()


@pytest.mark.skipif(VTYSH is None, reason="FRR's vtysh is not installed")
@pytest.mark.parametrize("source", ["tiny", "example"])
def test_every_config_passes_vtysh_dryrun(source: str, tmp_path: Path) -> None:
    built = as_built(*_load(SOURCES[source]))
    configs = legacy.frr_configs(built)
    assert len(configs) == len(built.routers)
    assert VTYSH is not None
    for hostname, text in configs.items():
        path = tmp_path / f"{hostname}.conf"
        path.write_text(text)
        proc = subprocess.run(
            [VTYSH, "--dryrun", "-f", str(path)],
            capture_output=True, text=True, timeout=60, check=False,
        )  # fmt: skip
        assert proc.returncode == 0 and not proc.stdout.strip(), (hostname, proc.stdout)


def test_lab_up_help_names_legacy(cli: Callable[..., CliResult]) -> None:
    result = cli("lab", "up", "--help")
    assert result.code == 0 and "--legacy" in result.out


# --------------------------------------------------------------------------- the real lab


def _usable() -> str | None:
    if os.geteuid() != 0:
        return "needs root"
    try:
        runner.require_root_and_tools()
    except Exception as exc:
        return str(exc)
    if not Path(hostfiles.LLDPD).exists():
        return "lldpd is not installed"
    return None


NETAUTO = [sys.executable, "-m", "netauto.cli"]
lab = pytest.mark.lab
skip_lab = pytest.mark.skipif(_usable() is not None, reason=str(_usable()))


def _leftovers(prefix: str) -> list[str]:
    from tests.lab.test_lab import leftovers

    return leftovers(prefix)


def _exec(lab_info: LabInfo, host: str, *argv: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        lab_info.exec_argv(host, list(argv)), capture_output=True, text=True, timeout=30,
        check=False,
    )  # fmt: skip


def _until(check: Callable[[], bool], timeout: float = 90.0) -> bool:
    deadline = time.monotonic() + timeout
    while not check():
        if time.monotonic() > deadline:
            return False
        time.sleep(1)
    return True


class Running:
    def __init__(self, lab_info: LabInfo, built: AsBuilt, up_output: str, seconds: float):
        self.info, self.built, self.up_output, self.seconds = lab_info, built, up_output, seconds


@pytest.fixture(scope="module")
def legacy_lab() -> Iterator[Running]:
    """``netauto lab up --legacy --prefix nl-`` on the tiny SoT (removed afterwards)."""
    assert not runner.lab_namespaces(PREFIX), "a lab nl- is already on this machine"
    started = time.monotonic()
    try:
        proc = subprocess.run(
            [*NETAUTO, "-i", str(TINY), "lab", "up", "--legacy", "--prefix", PREFIX],
            capture_output=True, text=True, timeout=300, check=False, cwd=ROOT,
        )  # fmt: skip
        seconds = time.monotonic() - started
        assert proc.returncode == 0, proc.stderr
        yield Running(info(PREFIX), as_built(*_load(TINY)), proc.stdout, seconds)
    finally:
        runner.down(PREFIX)


@lab
@skip_lab
def test_lab_json_records_the_legacy_lab(legacy_lab: Running) -> None:
    lab_info = legacy_lab.info
    assert lab_info.legacy and lab_info.as_built is not None
    assert AsBuilt.model_validate_json(lab_info.as_built.read_text()) == legacy_lab.built
    assert "legacy (as-built IPv4, OSPFv2)" in legacy_lab.up_output
    status = runner.status(PREFIX)
    assert status.ok and status.legacy
    routers = [h for h in status.hosts if h.kind == "router"]
    assert routers and all(h.daemons.get("lldpd") for h in routers)
    print(f"lab up --legacy on the tiny SoT: {legacy_lab.seconds:.1f} s")


@lab
@skip_lab
def test_ospf_is_full_on_every_link(legacy_lab: Running) -> None:
    lab_info = legacy_lab.info
    links = {
        r.hostname: sum(i.role == "wan" for i in r.interfaces) for r in legacy_lab.built.routers
    }

    def full() -> bool:
        for router in lab_info.routers:
            out = _exec(lab_info, router.name, "vtysh", "-c", "show ip ospf neighbor json").stdout
            neighbours = json.loads(out or "{}").get("neighbors", {})
            states = [n.get("nbrState", "") for entries in neighbours.values() for n in entries]
            if len(states) != links[router.name] or not all(s.startswith("Full") for s in states):
                return False
        return True

    assert _until(full), "OSPFv2 adjacencies did not all reach Full"


@lab
@skip_lab
def test_a_lan_client_reaches_every_vm_over_ipv4(legacy_lab: Running) -> None:
    lab_info, built = legacy_lab.info, legacy_lab.built
    client = "c-cm-lyvanlam-r1-office"
    vms = [h for h in built.hosts if h.kind == "vm"]
    for vm in vms:
        assert _until(
            lambda vm=vm: (
                _exec(lab_info, client, "ping", "-c1", "-W1", str(vm.address.ip)).returncode == 0
            )
        ), f"{client} cannot ping {vm.name} {vm.address.ip}"
    lgsp = built.host("dc-lgsp-01").address.ip
    banner = _exec(lab_info, client, "nc", "-w", "3", str(lgsp), "443").stdout
    assert banner == "netauto-lab dc-lgsp-01 lgsp tcp/443\n"


@lab
@skip_lab
def test_routers_carry_exactly_the_as_built_addresses(legacy_lab: Running) -> None:
    lab_info = legacy_lab.info
    expected = _router_addresses(legacy_lab.built)

    def kernel(name: str) -> set[str]:
        data = json.loads(_exec(lab_info, name, "ip", "-j", "-4", "address").stdout)
        return {
            f"{a['local']}/{a['prefixlen']}"
            for link in data
            for a in link["addr_info"]
            if a["local"] != "127.0.0.1"
        }

    assert _until(lambda: all(kernel(r.name) == expected[r.name] for r in lab_info.routers), 30)
    assert "192.168.1.1/24" in kernel("cm-anxuyen-r1")  # the secondary
    spare = json.loads(_exec(lab_info, "hub-01-r1", "ip", "-j", "link", "show", "eth4").stdout)
    assert spare and "UP" not in spare[0]["flags"] and spare[0]["operstate"] == "DOWN"


@lab
@skip_lab
def test_running_config_is_the_as_built_config(legacy_lab: Running) -> None:
    """What the routers run is the rendered as-built config (comments aside)."""
    lab_info = legacy_lab.info

    def lines(text: str) -> list[str]:
        return [x for x in text.splitlines() if x and not x.startswith("!")]

    for router in lab_info.routers:
        running = _exec(lab_info, router.name, "vtysh", "-c", "show running-config").stdout
        body = running.split("frr version", 1)[1].split("\n", 1)[1]
        rendered = legacy.frr_config(legacy_lab.built.router(router.name))
        assert lines(body) == lines(rendered), router.name
    core = _exec(lab_info, "dc-core-r1", "vtysh", "-c", "show running-config").stdout
    assert "ip route 192.168.50.0/24 172.20.0.250" in core
    assert " distribute-list LEGACY-REDIST out static" in core
    hub = _exec(lab_info, "hub-01-r1", "vtysh", "-c", "show running-config").stdout
    assert " description VNPT-CM-1001 to cm-anxuyen-r1 eth0" in hub
    assert "interface eth4\n description SPARE - not in use\n shutdown\n" in hub


@lab
@skip_lab
def test_the_filter_keeps_the_backup_network_local(legacy_lab: Running) -> None:
    lab_info = legacy_lab.info

    def routes(name: str) -> dict[str, object]:
        out = _exec(lab_info, name, "vtysh", "-c", "show ip route json").stdout
        return dict(json.loads(out or "{}"))

    assert _until(lambda: "192.168.50.0/24" in routes("cm-tanthanh-r1"))
    assert "192.168.51.0/24" not in routes("cm-tanthanh-r1")
    assert "192.168.51.0/24" in routes("dc-core-r1")
    assert "172.20.4.0/22" in routes("dc-core-r1")  # the hub's summary, redistributed


@lab
@skip_lab
def test_lldp_lists_the_neighbours(legacy_lab: Running) -> None:
    lab_info, built = legacy_lab.info, legacy_lab.built
    hub = built.router("hub-01-r1")
    expected = {i.name: (i.peer, i.peer_interface) for i in hub.interfaces if i.role == "wan"}

    def neighbours() -> dict[str, tuple[str, str]]:
        out = _exec(lab_info, "hub-01-r1", "lldpcli", "-f", "json", "show", "neighbors").stdout
        table = json.loads(out or "{}").get("lldp", {}).get("interface", [])
        entries = table if isinstance(table, list) else [table]
        found = {}
        for entry in entries:
            for ifname, data in entry.items():
                (chassis,) = data["chassis"]
                found[ifname] = (chassis, data["port"]["id"]["value"])
        return found

    assert _until(lambda: neighbours() == expected, 60), neighbours()


@lab
@skip_lab
def test_vms_and_clients_have_no_global_ipv6(legacy_lab: Running) -> None:
    lab_info = legacy_lab.info
    for host in lab_info.vms + lab_info.clients:
        data = json.loads(_exec(lab_info, host.name, "ip", "-j", "-6", "address").stdout)
        scopes = {a["scope"] for link in data for a in link["addr_info"]}
        assert scopes <= {"link", "host"}, host.name
        route = _exec(lab_info, host.name, "ip", "-6", "route", "show", "default").stdout
        assert not route.strip(), host.name
        v4 = json.loads(_exec(lab_info, host.name, "ip", "-j", "-4", "address").stdout)
        mine = {f"{a['local']}/{a['prefixlen']}" for link in v4 for a in link["addr_info"]}
        assert mine - {"127.0.0.1/8"} == {str(legacy_lab.built.host(host.name).address)}


@lab
@skip_lab
def test_down_leaves_nothing(legacy_lab: Running) -> None:
    first = subprocess.run([*NETAUTO, "lab", "down", "--prefix", PREFIX], capture_output=True,
                           text=True, timeout=120, check=False, cwd=ROOT)  # fmt: skip
    assert first.returncode == 0, first.stderr
    assert _leftovers(PREFIX) == []


@pytest.mark.parametrize("subset", [{"hubs": 0}, {"sites": ["xa-tan-thanh"]}])
def test_a_subset_lab_keeps_the_provinces_numbering(subset: dict[str, object]) -> None:
    """``--hubs``/``--sites`` pick routers; their as-built config is the whole province's."""
    sot, plan = _load(TINY)
    built = as_built(sot, plan)
    topo = legacy_topology(build_topology(plan, sot, prefix=PREFIX, **subset), built)  # type: ignore[arg-type]
    routers = [h for h in topo.hosts if h.kind == "router"]
    assert routers and len(routers) < len(built.routers)
    for host in routers:
        assert host.startup_config == legacy.frr_config(built.router(host.name))
    for host in topo.hosts:
        if host.kind != "router":
            assert host.addresses == [built.host(host.name).address]
