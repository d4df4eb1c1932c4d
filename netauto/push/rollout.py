"""Staged rollout order (pure): canary first, then batches of one role each.

Two orders:

* ``edge-first`` (the default of a plain push): the device you reach the others through is
  changed last: commune and department CPEs first, then hubs, then the data-centre core.
* ``core-first`` (the default of a guarded migration, ``push --guard``): the core, then the
  hubs, then the communes. A migration only adds (IPv6 beside the IPv4 the guard watches),
  so the core is not at risk, and each commune's IPv6 reaches the data centre as soon as
  its own wave is done. It also spreads routing work: each wave brings up only the
  adjacencies of its own devices to neighbours already migrated, instead of every hub
  meeting all its communes at once when it is migrated last.

The canary is the same in both: the first edge device (or the ``canary`` ones), alone in
stage 0. The rest go in batches of at most ``batch`` devices of one role.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Literal

from pydantic import BaseModel, ConfigDict

ROLE_ORDER = {"cpe": 0, "router": 1, "hub": 2, "core": 3}
Order = Literal["edge-first", "core-first"]
ORDERS: tuple[Order, ...] = ("edge-first", "core-first")


class Stage(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    index: int
    name: str
    hosts: list[str]


def stages(
    hosts: Sequence[tuple[str, str]],
    batch: int,
    canary: Sequence[str] = (),
    order: Order = "edge-first",
) -> list[Stage]:
    """Split ``(hostname, role)`` pairs into the rollout stages, in ``order``.

    Examples:
        >>> hs = [("dc-core-r1", "core"), ("hub-01-r1", "hub"), ("cm-a-r1", "cpe"),
        ...       ("cm-b-r1", "cpe"), ("cm-c-r1", "cpe")]
        >>> for stage in stages(hs, batch=2):
        ...     print(stage.name, stage.hosts)
        canary ['cm-a-r1']
        batch 1 ['cm-b-r1', 'cm-c-r1']
        batch 2 ['hub-01-r1']
        batch 3 ['dc-core-r1']
        >>> [s.hosts for s in stages(hs, batch=10, canary=["hub-01-r1"])]
        [['hub-01-r1'], ['cm-a-r1', 'cm-b-r1', 'cm-c-r1'], ['dc-core-r1']]
        >>> for stage in stages(hs, batch=2, order="core-first"):
        ...     print(stage.name, stage.hosts)
        canary ['cm-a-r1']
        batch 1 ['dc-core-r1']
        batch 2 ['hub-01-r1']
        batch 3 ['cm-b-r1', 'cm-c-r1']
    """
    if batch < 1:
        raise ValueError("batch must be at least 1")
    if order not in ORDERS:
        raise ValueError(f"order must be one of {', '.join(ORDERS)}")
    # sorted() is stable: within one role the SoT order is kept.
    ordered = [name for name, _ in sorted(hosts, key=lambda item: ROLE_ORDER.get(item[1], 1))]
    chosen = [h for h in ordered if h in set(canary)] or ordered[:1]
    if order == "core-first":
        ordered = [n for n, _ in sorted(hosts, key=lambda item: -ROLE_ORDER.get(item[1], 1))]
    rest = [h for h in ordered if h not in chosen]
    roles = dict(hosts)
    result = [Stage(index=0, name="canary", hosts=chosen)] if chosen else []
    batch_hosts: list[str] = []
    for host in rest:
        # A batch never mixes roles, so each device's post-check can expect the neighbours
        # of the roles before it to be on their new config.
        if batch_hosts and (len(batch_hosts) == batch or roles[batch_hosts[-1]] != roles[host]):
            result.append(Stage(index=len(result), name=f"batch {len(result)}", hosts=batch_hosts))
            batch_hosts = []
        batch_hosts.append(host)
    if batch_hosts:
        result.append(Stage(index=len(result), name=f"batch {len(result)}", hosts=batch_hosts))
    return result
