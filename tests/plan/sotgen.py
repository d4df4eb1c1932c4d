"""Synthetic SoTs for plan tests and the scale benchmark (built as models, no files)."""

from __future__ import annotations

import random
from typing import Any

from netauto.sot.models import SoT

FUNCTIONS = ("office", "wifi", "camera", "mgmt", "voice", "guest")


def province_dict(code: int = 96, allocation: str = "2001:db8:9600::/40") -> dict[str, Any]:
    """The fixed part of a synthetic province: data centre with two VMs."""
    return {
        "province": {"name": f"Province {code}", "code": code},
        "addressing": {
            "ipv6": {"allocation": allocation},
            "ipv4": {"supernets": [f"10.{code}.0.0/16"]},
        },
        "services": {"lgsp": {}, "portal": {}},
        "sites": [
            {
                "site_id": 1,
                "slug": "dc",
                "kind": "data-centre",
                "name": "DC",
                "devices": [{"hostname": "dc-r1"}],
                "lans": [{"function": "server", "name": "services", "vlan": 100}],
            }
        ],
        "links": [],
        "vms": [
            {"name": "vm-lgsp", "network": "services", "services": ["lgsp"]},
            {"name": "vm-portal", "network": "services", "services": ["portal"]},
        ],
    }


def add_hub(data: dict[str, Any], site_id: int, slug: str) -> None:
    data["sites"].append(
        {
            "site_id": site_id,
            "slug": slug,
            "kind": "hub",
            "name": slug,
            "devices": [{"hostname": f"{slug}-r1"}],
        }
    )
    data["links"].append({"id": f"l-{slug}", "a": "dc-r1", "b": f"{slug}-r1"})


def commune(site_id: int, hub: str, lans: int = 2, code: str | None = None) -> dict[str, Any]:
    """A commune site with one router and ``lans`` LANs."""
    return {
        "site_id": site_id,
        "slug": f"c{site_id}",
        "kind": "commune",
        "name": f"Commune {site_id}",
        "commune_code": code or f"{site_id % 100000:05d}",
        "hub": hub,
        "devices": [{"hostname": f"c{site_id}-r1"}],
        "lans": [
            {"function": FUNCTIONS[i % len(FUNCTIONS)], "name": f"lan{i}", "vlan": 10 * (i + 1)}
            for i in range(lans)
        ],
    }


def uplink(site_id: int, hub: str) -> dict[str, Any]:
    """The WAN link of commune ``site_id``; its id hangs off the site, not the hub."""
    return {"id": f"l-c{site_id}", "a": f"{hub}-r1", "b": f"c{site_id}-r1"}


def province(
    communes: int, hubs: int = 10, seed: int = 0, code: int = 96, lans: int = 2
) -> dict[str, Any]:
    """A province dict: ``hubs`` hubs, ``communes`` communes with sparse random site ids."""
    rng = random.Random(seed)
    data = province_dict(code, f"2001:db8:{code:02d}00::/40")
    hub_slugs = [f"hub-{h:02d}" for h in range(1, hubs + 1)]
    for h, slug in enumerate(hub_slugs, start=1):
        add_hub(data, 10 + h, slug)
    ids = rng.sample(range(1000, 100_000), communes)
    for n, sid in enumerate(ids):
        hub = hub_slugs[n % hubs]
        data["sites"].append(commune(sid, hub, lans))
        data["links"].append(uplink(sid, hub))
    return data


def to_sot(data: dict[str, Any]) -> SoT:
    return SoT.model_validate(data)
