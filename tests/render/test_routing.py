"""eBGP per site as a SoT policy option (``routing: ebgp``) and the ``--ebgp-site`` override."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from netauto.plan import build_plan
from netauto.render.engine import render_all
from netauto.render.models import RenderOptions
from netauto.sot.loader import load_sot
from netauto.sot.models import SoT
from tests.conftest import CliResult

HOSTS = ["hub-01-r1", "cm-anxuyen-r1", "cm-lyvanlam-r1"]


def with_routing(sot: SoT, **routing: str) -> SoT:
    """``sot`` with ``routing`` set on the sites named (slug with '_' for '-')."""
    wanted = {slug.replace("_", "-"): value for slug, value in routing.items()}
    sites = [s.model_copy(update={"routing": wanted.get(s.slug, s.routing)}) for s in sot.sites]
    return sot.model_copy(update={"sites": sites})


@pytest.fixture(scope="module")
def tiny_sot() -> SoT:
    return load_sot(Path(__file__).parents[1] / "data" / "tiny").sot


def texts(sot: SoT, options: RenderOptions | None = None) -> dict[str, str]:
    plan = build_plan(sot).plan
    return {c.hostname: c.text for c in render_all(sot, plan, hosts=HOSTS, options=options)}


def test_sot_routing_ebgp_renders_as_the_flag_does(tiny_sot: SoT) -> None:
    by_flag = texts(tiny_sot, RenderOptions(ebgp_sites=frozenset({"phuong-an-xuyen"})))
    by_sot = texts(with_routing(tiny_sot, phuong_an_xuyen="ebgp"))
    assert by_sot == by_flag
    assert "router bgp 4200001001" in by_sot["cm-anxuyen-r1"]
    assert "router bgp 4200000010" in by_sot["hub-01-r1"]
    assert "router bgp" not in by_sot["cm-lyvanlam-r1"]


def test_flag_adds_sites_to_those_of_the_sot(tiny_sot: SoT) -> None:
    sot = with_routing(tiny_sot, phuong_an_xuyen="ebgp")
    both = texts(sot, RenderOptions(ebgp_sites=frozenset({"phuong-ly-van-lam"})))
    assert "router bgp 4200001001" in both["cm-anxuyen-r1"]
    assert "router bgp 4200001002" in both["cm-lyvanlam-r1"]
    hub = both["hub-01-r1"]
    assert hub.count("remote-as 4200001001") == 2 and hub.count("remote-as 4200001002") == 2


def test_ospf_default_renders_no_bgp(tiny_sot: SoT) -> None:
    assert texts(with_routing(tiny_sot, phuong_an_xuyen="ospf")) == texts(tiny_sot)
    assert not any("router bgp" in t for t in texts(tiny_sot).values())


def test_cli_renders_bgp_from_the_sot(
    inv: Path, tmp_path: Path, cli: Callable[..., CliResult]
) -> None:
    hub = inv / "hub-01.yml"
    hub.write_text(hub.read_text().replace("hub: hub-01\n", "hub: hub-01\n    routing: ebgp\n", 1))
    out = tmp_path / "configs"
    result = cli("-i", inv, "--state-dir", tmp_path / "state", "render", "-q", "-o", out)
    assert result.code == 0, result.err
    assert "router bgp 4200001001" in (out / "cm-anxuyen-r1.conf").read_text()
    assert "router bgp" not in (out / "cm-tanthanh-r1.conf").read_text()
