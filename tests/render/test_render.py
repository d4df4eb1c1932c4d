"""Render: golden files per platform, determinism, offline checks, template errors."""

from __future__ import annotations

import difflib
import ipaddress
import os
import shutil
from pathlib import Path

import pytest

from netauto.errors import InputError
from netauto.plan import build_plan
from netauto.plan.models import Plan
from netauto.render.checks import check_rendered
from netauto.render.engine import default_template_dir, render_all, render_device
from netauto.render.frrsyntax import check_frr_syntax, vtysh_path
from netauto.render.models import RenderedConfig, RenderOptions
from netauto.sot.loader import load_sot
from netauto.sot.models import SoT
from tests.render.variants import platform_variant

GOLDEN = Path(__file__).parent / "golden"
VENDORS = ("cisco_ios", "junos", "eos", "huawei_vrp")
UPDATE = os.environ.get("NETAUTO_UPDATE_GOLDEN") == "1"


@pytest.fixture(scope="module")
def tiny_sot() -> SoT:
    return load_sot(Path(__file__).parents[1] / "data" / "tiny").sot


def hand_plan(sot: SoT) -> Plan:
    """The plan stage's plan of ``sot`` (fresh ledger: deterministic)."""
    return build_plan(sot).plan


def _sot_for(tiny_sot: SoT, platform: str) -> SoT:
    return tiny_sot if platform == "frr" else platform_variant(tiny_sot, platform)  # type: ignore[arg-type]


def _compare(folder: Path, rendered: list[RenderedConfig]) -> None:
    """Compare every rendered file with its golden copy; show a unified diff on mismatch."""
    produced = {f.filename: f.text for r in rendered for f in r.files()}
    if UPDATE:
        shutil.rmtree(folder, ignore_errors=True)
        folder.mkdir(parents=True)
        for name, text in produced.items():
            (folder / name).write_text(text, encoding="utf-8")
    expected = {p.name: p.read_text(encoding="utf-8") for p in sorted(folder.iterdir())}
    assert sorted(produced) == sorted(expected), "set of rendered files changed"
    for name, text in produced.items():
        if text != expected[name]:
            diff = "".join(
                difflib.unified_diff(
                    expected[name].splitlines(keepends=True),
                    text.splitlines(keepends=True),
                    f"golden/{folder.name}/{name}",
                    f"rendered/{name}",
                )
            )
            pytest.fail(
                f"{name} differs from its golden file (NETAUTO_UPDATE_GOLDEN=1 to accept):\n{diff}"
            )


@pytest.mark.parametrize("platform", ["frr", *VENDORS])
def test_golden(tiny_sot: SoT, platform: str) -> None:
    sot = _sot_for(tiny_sot, platform)
    plan = hand_plan(sot)
    rendered = [r for r in render_all(sot, plan) if r.kind == "device"]
    assert {r.platform for r in rendered} == {platform}
    _compare(GOLDEN / platform, rendered)


def test_golden_linux_vms(tiny_sot: SoT) -> None:
    plan = hand_plan(tiny_sot)
    _compare(GOLDEN / "linux", [r for r in render_all(tiny_sot, plan) if r.kind == "vm"])


def test_every_platform_folder_has_golden_files() -> None:
    folders = {p.name for p in default_template_dir().iterdir() if p.is_dir()}
    assert folders == {"frr", *VENDORS, "linux"}
    golden = {p.name for p in GOLDEN.iterdir()}
    imported = {name for name in golden if name.endswith("-imported")}  # test_imported.py
    assert golden - imported == folders
    assert {name.removesuffix("-imported") for name in imported} <= folders


@pytest.mark.parametrize("platform", ["frr", *VENDORS])
def test_offline_checks_pass_and_render_is_deterministic(tiny_sot: SoT, platform: str) -> None:
    sot = _sot_for(tiny_sot, platform)
    plan = hand_plan(sot)
    first = render_all(sot, plan)
    assert render_all(sot, plan) == first
    assert check_rendered(plan, first) == []


def test_templates_used_are_listed(tiny_sot: SoT) -> None:
    config = render_device(tiny_sot, hand_plan(tiny_sot), "cm-anxuyen-r1")
    assert "frr/device.j2" in config.templates
    assert "frr/lan.j2" in config.templates
    assert [f.filename for f in config.files()] == ["cm-anxuyen-r1.conf", "cm-anxuyen-r1.nft"]


def test_policy_filters_commune_lans(tiny_sot: SoT) -> None:
    plan = hand_plan(tiny_sot)
    nft = render_device(tiny_sot, plan, "cm-anxuyen-r1").extra[0].text
    lgsp = next(v for v in plan.vms if v.name == "dc-lgsp-01")
    other = plan.site("phuong-ly-van-lam").lans[0]
    own = plan.site("phuong-an-xuyen").lans[0]
    assert f"ip daddr {lgsp.ipv4.ip}/32 tcp dport 443 accept" in nft
    assert f"ip6 daddr {lgsp.ipv6.ip}/128 tcp dport 443 accept" in nft
    lines = nft.splitlines()
    dropped = [
        (n, ipaddress.ip_network(x.split()[2])) for n, x in enumerate(lines) if " reject " in x
    ]
    permitted = [
        (n, ipaddress.ip_network(x.split()[2])) for n, x in enumerate(lines) if "own site" in x
    ]
    # Other communes' LANs are dropped (collapsed prefixes may cover several); the site's
    # own LANs are permitted first, so they keep talking to each other.
    for net in (other.ipv4, other.ipv6):
        assert any(net.version == d.version and net.subnet_of(d) for _, d in dropped)  # type: ignore[arg-type]
    for net in (own.ipv4, own.ipv6):
        first_drop = min(n for n, d in dropped if d.version == net.version and d.overlaps(net))
        assert any(
            n < first_drop and p.version == net.version and net.subnet_of(p)  # type: ignore[arg-type]
            for n, p in permitted
        )
    hub = render_device(tiny_sot, plan, "hub-01-r1")
    assert "chain forward" not in hub.extra[0].text  # no LANs, no policy; SSH limit only


def _replace_interface(plan: Plan, host: str, name: str, **changes: object) -> Plan:
    devices = []
    for dev in plan.devices:
        if dev.hostname == host:
            ifaces = [i.model_copy(update=changes) if i.name == name else i for i in dev.interfaces]
            dev = dev.model_copy(update={"interfaces": ifaces})
        devices.append(dev)
    return plan.model_copy(update={"devices": devices})


def test_address_check_catches_a_config_that_disagrees_with_the_plan(tiny_sot: SoT) -> None:
    plan = hand_plan(tiny_sot)
    eth0 = plan.device("cm-anxuyen-r1").interface("eth0")
    lan10 = plan.device("cm-anxuyen-r1").interface("lan10")
    assert eth0.ipv4 is not None and lan10.ipv4 is not None
    wrong = _replace_interface(plan, "cm-anxuyen-r1", "eth0", ipv4=None)
    rendered = render_all(tiny_sot, wrong, hosts=["cm-anxuyen-r1"])
    # Checked against the real plan, the config lacks eth0's IPv4 address.
    messages = [str(f) for f in check_rendered(plan, rendered)]
    assert any(f"eth0: planned address {eth0.ipv4} is missing" in m for m in messages), messages
    # A config carrying an address the plan does not give is caught too.
    moved = lan10.ipv4 + 8
    text = rendered[0].text.replace(f" ip address {lan10.ipv4}", f" ip address {moved}")
    tampered = rendered[0].model_copy(update={"text": text})
    messages = [str(f) for f in check_rendered(plan, [tampered])]
    assert any(f"lan10: {moved} is not the plan's address" in m for m in messages), messages


def test_parity_reports_ipv4_only_leftovers(tiny_sot: SoT) -> None:
    plan = _replace_interface(hand_plan(tiny_sot), "cm-anxuyen-r1", "lan20", ipv6=None)
    lan20 = plan.device("cm-anxuyen-r1").interface("lan20")
    rendered = render_all(tiny_sot, plan, hosts=["cm-anxuyen-r1"])
    findings = check_rendered(plan, rendered)
    assert [(f.check, f.severity, f.message) for f in findings] == [
        ("parity", "error", f"interface lan20 has IPv4 ({lan20.ipv4}) but no IPv6 address")
    ]
    v4_only = tiny_sot.model_copy(
        update={"policy": [p.model_copy(update={"families": ["ipv4"]}) for p in tiny_sot.policy]}
    )
    findings = check_rendered(plan, render_all(v4_only, plan, hosts=["cm-anxuyen-r1"]))
    leftovers = [f for f in findings if f.severity == "warning"]
    assert leftovers and all("IPv4-only" in f.message for f in leftovers)


def test_ebgp_site_option_renders_dual_stack_sessions(tiny_sot: SoT) -> None:
    plan = hand_plan(tiny_sot)
    options = RenderOptions(ebgp_sites=frozenset({"phuong-an-xuyen"}))
    for platform in ("frr", *VENDORS):
        sot = _sot_for(tiny_sot, platform)
        vplan = hand_plan(sot)
        rendered = render_all(sot, vplan, hosts=["cm-anxuyen-r1", "hub-01-r1"], options=options)
        assert check_rendered(vplan, rendered) == [], platform
        assert str(4_200_001_001) in rendered[0].text and str(4_200_000_010) in rendered[0].text
    cpe = render_device(tiny_sot, plan, "cm-anxuyen-r1", options).text
    hub_end = plan.device("hub-01-r1").interface("eth1").ipv4
    assert hub_end is not None
    assert "router ospf" not in cpe and f"neighbor {hub_end.ip} remote-as 4200000010" in cpe


@pytest.mark.lab
@pytest.mark.skipif(vtysh_path() is None, reason="FRR (vtysh) is not installed")
def test_frr_parser_accepts_every_frr_config(tiny_sot: SoT) -> None:
    plan = hand_plan(tiny_sot)
    options = RenderOptions(ebgp_sites=frozenset({"phuong-an-xuyen"}))
    assert check_frr_syntax(render_all(tiny_sot, plan)) == []
    assert check_frr_syntax(render_all(tiny_sot, plan, options=options)) == []
    hub, cpe = (render_device(tiny_sot, plan, h) for h in ("hub-01-r1", "cm-anxuyen-r1"))
    bad = cpe.model_copy(update={"text": cpe.text.replace("ip forwarding", "ip frobnicate")})
    findings = check_frr_syntax([hub, bad])
    assert [f.hostname for f in findings] == ["cm-anxuyen-r1"]
    assert "cm-anxuyen-r1.conf:" in findings[0].message and "ip frobnicate" in findings[0].message


def test_template_error_names_template_file_and_line(tmp_path: Path, tiny_sot: SoT) -> None:
    templates = tmp_path / "templates"
    shutil.copytree(default_template_dir(), templates)
    lan = templates / "frr" / "lan.j2"
    lines = lan.read_text().splitlines(keepends=True)
    lines.insert(2, " description {{ l.no_such_field }}\n")
    lan.write_text("".join(lines))
    with pytest.raises(InputError) as info:
        render_device(tiny_sot, hand_plan(tiny_sot), "cm-anxuyen-r1", template_dir=templates)
    problem = info.value.problems[0]
    assert str(problem.file).endswith("frr/lan.j2") and problem.line == 3
    assert "no_such_field" in problem.message


def test_template_syntax_error_names_template_file_and_line(tmp_path: Path, tiny_sot: SoT) -> None:
    templates = tmp_path / "templates"
    shutil.copytree(default_template_dir(), templates)
    (templates / "frr" / "routing.j2").write_text("router ospf\n{% if d.ospf %}\n oops\n")
    with pytest.raises(InputError) as info:
        render_device(tiny_sot, hand_plan(tiny_sot), "hub-01-r1", template_dir=templates)
    problem = info.value.problems[0]
    assert str(problem.file).endswith("frr/routing.j2") and problem.line == 3
