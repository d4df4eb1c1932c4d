"""Staged rollout order (pure): canary first, then batches, edge before core.

Devices are ordered so that the one you reach the others through is changed last: commune
and department CPEs first, then hubs, then the data-centre core. The first device (or the
``canary`` ones) forms stage 0; the rest go in batches of at most ``batch`` devices of one
role.
"""

from __future__ import annotations

from collections.abc import Sequence

from pydantic import BaseModel, ConfigDict

ROLE_ORDER = {"cpe": 0, "router": 1, "hub": 2, "core": 3}


class Stage(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    index: int
    name: str
    hosts: list[str]


def stages(hosts: Sequence[tuple[str, str]], batch: int, canary: Sequence[str] = ()) -> list[Stage]:
    """Split ``(hostname, role)`` pairs into the rollout stages.

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
    """
    if batch < 1:
        raise ValueError("batch must be at least 1")
    # sorted() is stable: within one role the SoT order is kept.
    ordered = [name for name, _ in sorted(hosts, key=lambda item: ROLE_ORDER.get(item[1], 1))]
    chosen = [h for h in ordered if h in set(canary)] or ordered[:1]
    rest = [h for h in ordered if h not in chosen]
    roles = dict(hosts)
    result = [Stage(index=0, name="canary", hosts=chosen)] if chosen else []
    batch_hosts: list[str] = []
    for host in rest:
        # A batch never mixes roles: hubs wait for their communes, the core for the hubs,
        # so each device's post-check can expect its neighbours to be on their new config.
        if batch_hosts and (len(batch_hosts) == batch or roles[batch_hosts[-1]] != roles[host]):
            result.append(Stage(index=len(result), name=f"batch {len(result)}", hosts=batch_hosts))
            batch_hosts = []
        batch_hosts.append(host)
    if batch_hosts:
        result.append(Stage(index=len(result), name=f"batch {len(result)}", hosts=batch_hosts))
    return result
