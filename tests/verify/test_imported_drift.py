"""Drift knows what the import keeps: a legacy secondary address is expected, not unknown."""

from __future__ import annotations

import shutil
from pathlib import Path

from netauto.plan import sot_and_plan
from netauto.verify.derive import derive_checks
from netauto.verify.run import drift_results
from tests.conftest import TINY


def test_an_imported_secondary_is_checked_and_not_reported_unknown(tmp_path: Path) -> None:
    inv = tmp_path / "inv"
    shutil.copytree(TINY, inv)
    (inv / "imported.yml").write_text(
        "imported:\n  devices:\n    cm-anxuyen-r1:\n      interfaces:\n"
        "        - {name: lan10, secondary: [192.168.1.1/24]}\n"
    )
    loaded, plan = sot_and_plan(inv)
    specs = [s for s in derive_checks(loaded.sot, plan) if s.kind == "drift"]
    mine = [s for s in specs if s.device == "cm-anxuyen-r1"]
    assert "drift:cm-anxuyen-r1:lan10:secondary:192.168.1.1/24" in {s.id for s in mine}
    device = plan.device("cm-anxuyen-r1")
    live: dict[str, dict[str, dict[str, dict[str, int]]]] = {}
    for iface in device.interfaces:
        for family, address in (("ipv4", iface.ipv4), ("ipv6", iface.ipv6)):
            if address is not None:
                live.setdefault(iface.name, {}).setdefault(family, {})[str(address.ip)] = {
                    "prefix_length": address.network.prefixlen
                }
    live["lan10"]["ipv4"]["192.168.1.1"] = {"prefix_length": 24}
    results = drift_results(mine, plan, "cm-anxuyen-r1", live)
    assert results and all(r.status == "pass" for r in results), [
        r.evidence for r in results if r.status != "pass"
    ]
    del live["lan10"]["ipv4"]["192.168.1.1"]
    missing = [r for r in drift_results(mine, plan, "cm-anxuyen-r1", live) if r.status == "fail"]
    assert [r.id for r in missing] == ["drift:cm-anxuyen-r1:lan10:secondary:192.168.1.1/24"]
