"""Property tests over random SoTs: structure, determinism and stability of the plan."""

from __future__ import annotations

import copy
import random
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from netauto.plan import build_plan
from netauto.plan.ledger import Ledger
from tests.plan.invariants import check_plan
from tests.plan.sotgen import add_hub, commune, province_dict, to_sot, uplink

ALLOCATIONS = ("2001:db8:9600::/40", "2001:db8:960::/44", "2001:db8:96::/48")


@st.composite
def provinces(draw: st.DrawFn) -> dict[str, Any]:
    """A random valid province: 1-3 hubs, 0-20 communes with sparse ids, 1-4 LANs each."""
    allocation = draw(st.sampled_from(ALLOCATIONS))
    data = province_dict(96, allocation)
    hubs = [f"hub-{h}" for h in range(1, draw(st.integers(1, 3)) + 1)]
    for n, hub in enumerate(hubs, start=1):
        add_hub(data, 10 + n, hub)
    room = 12 if allocation.endswith("/48") else 20  # a /48 has 16 /56s per zone
    ids = draw(st.lists(st.integers(100, 999_999), max_size=room, unique=True))
    for sid in ids:
        site = commune(sid, draw(st.sampled_from(hubs)), draw(st.integers(1, 4)))
        data["sites"].append(site)
        data["links"].append(uplink(sid, site["hub"]))
    return data


def address_keys(ledger: Ledger) -> dict[str, str]:
    """Every address in a ledger (interface names left out)."""
    return {k: v for k, v in ledger.flatten().items() if not k.endswith(" interface")}


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(provinces())
def test_structure_and_determinism(data: dict[str, Any]) -> None:
    sot = to_sot(data)
    first = build_plan(sot)
    check_plan(sot, first.plan)
    assert build_plan(sot).plan == first.plan
    shuffled = copy.deepcopy(data)
    random.Random(1).shuffle(shuffled["sites"])
    random.Random(2).shuffle(shuffled["links"])
    assert build_plan(to_sot(shuffled)).ledger == first.ledger
    again = build_plan(sot, first.ledger)
    assert again.changes == [] and again.plan == first.plan


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(provinces(), st.data())
def test_stability_under_insert_reparent_merge_rename(
    data: dict[str, Any], draw: st.DataObject
) -> None:
    sot = to_sot(data)
    before = build_plan(sot)
    after_data = copy.deepcopy(data)
    communes = [s for s in after_data["sites"] if s["kind"] == "commune"]
    hubs = [s["slug"] for s in after_data["sites"] if s["kind"] == "hub"]
    used = {s["site_id"] for s in after_data["sites"]}
    # Insert new communes at random positions.
    for sid in draw.draw(st.lists(st.integers(100, 999_999), max_size=3, unique=True)):
        if sid in used:
            continue
        hub = draw.draw(st.sampled_from(hubs))
        pos = draw.draw(st.integers(0, len(after_data["sites"])))
        after_data["sites"].insert(pos, commune(sid, hub, 2))
        after_data["links"].insert(
            draw.draw(st.integers(0, len(after_data["links"]))), uplink(sid, hub)
        )
    if communes:
        # Re-parent one commune: new hub, same link id.
        moved = draw.draw(st.sampled_from(communes))
        new_hub = draw.draw(st.sampled_from(hubs))
        moved["hub"] = new_hub
        for link in after_data["links"]:
            if link["id"] == f"l-c{moved['site_id']}":
                link["a"] = f"{new_hub}-r1"
        # Merge: a second commune now belongs to the first one's commune code.
        if len(communes) >= 2:
            a, b = communes[0], communes[1]
            b["commune_code"] = a["commune_code"]
            b["commune_role"] = "annex"
            b["merged_from"] = [{"name": b["name"]}]
        # Rename: new slug and name.
        renamed = draw.draw(st.sampled_from(communes))
        renamed["slug"] = f"renamed-{renamed['site_id']}"
        renamed["name"] = "Xã Mới"
    after = build_plan(to_sot(after_data), before.ledger)
    check_plan(to_sot(after_data), after.plan)
    old, new = address_keys(before.ledger), address_keys(after.ledger)
    assert {k: new.get(k) for k in old} == old
    assert all(c.action == "add" for c in after.changes if not c.key.endswith(" interface"))


@settings(max_examples=30, deadline=None)
@given(provinces(), st.integers(0, 19))
def test_removed_site_stays_reserved_until_prune(data: dict[str, Any], victim: int) -> None:
    communes = [s for s in data["sites"] if s["kind"] == "commune"]
    if not communes:
        return
    gone = communes[victim % len(communes)]
    before = build_plan(to_sot(data))
    smaller = copy.deepcopy(data)
    smaller["sites"] = [s for s in smaller["sites"] if s["site_id"] != gone["site_id"]]
    smaller["links"] = [lk for lk in smaller["links"] if lk["id"] != f"l-c{gone['site_id']}"]
    kept = build_plan(to_sot(smaller), before.ledger)
    assert kept.changes == []
    assert kept.ledger == before.ledger
    pruned = build_plan(to_sot(smaller), before.ledger, prune=True)
    assert pruned.changes and all(c.action == "free" for c in pruned.changes)
    assert gone["site_id"] not in pruned.ledger.sites
