"""The ``routing`` policy option of a site (``ospf`` by default, or ``ebgp``)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from netauto.sot.loader import load_sot
from tests.conftest import CliResult


def _set_routing(inv: Path, value: str) -> None:
    hub = inv / "hub-01.yml"
    text = hub.read_text()
    hub.write_text(text.replace("    hub: hub-01\n", f"    hub: hub-01\n    routing: {value}\n", 1))


def test_routing_defaults_to_ospf(tiny: Path) -> None:
    assert {s.routing for s in load_sot(tiny).sot.sites} == {"ospf"}


def test_routing_ebgp_is_read_from_the_site(inv: Path) -> None:
    _set_routing(inv, "ebgp")
    routing = {s.slug: s.routing for s in load_sot(inv).sot.sites}
    assert routing["phuong-an-xuyen"] == "ebgp"
    assert [slug for slug, r in routing.items() if r == "ebgp"] == ["phuong-an-xuyen"]


def test_unknown_routing_names_file_line_field_and_choices(
    inv: Path, cli: Callable[..., CliResult]
) -> None:
    _set_routing(inv, "bgp")
    result = cli("-i", inv, "validate")
    assert result.code == 2, result.out + result.err
    assert "Traceback" not in result.err
    assert "hub-01.yml:8" in result.err
    assert "sites[0].routing" in result.err or "sites.0.routing" in result.err
    assert "ebgp" in result.err
