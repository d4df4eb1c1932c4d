"""The read-back of rendered configs that the offline checks use."""

from __future__ import annotations

from netauto.parse.readback import ConfigFacts, read_nft
from netauto.plan import sot_and_plan
from netauto.render.checked import render_checked
from netauto.render.checks import check_parity, check_rendered, read_config
from tests.conftest import EXAMPLE


def test_a_closed_path_without_its_ipv6_twin_is_a_parity_warning() -> None:
    """nftables closes paths with ``reject``: those entries count for parity too."""
    loaded, plan = sot_and_plan(EXAMPLE)
    rendered, findings = render_checked(loaded.sot, plan)
    assert not findings
    config = next(c for c in rendered if c.platform == "frr" and " reject with" in c.extra[0].text)
    nft = config.extra[0].text
    facts = read_config(config)
    assert {f.action for f in facts.filters} == {"permit", "deny"}
    assert not check_parity(config.hostname, facts)
    v6_rejects = [line for line in nft.splitlines() if "ip6 daddr" in line and "reject" in line]
    assert v6_rejects
    stripped = ConfigFacts(interfaces=facts.interfaces)
    read_nft("\n".join(line for line in nft.splitlines() if line not in v6_rejects), stripped)
    warnings = check_parity(config.hostname, stripped)
    assert warnings and all(w.severity == "warning" and "deny" in w.message for w in warnings)
    assert check_rendered(plan, [config]) == []
