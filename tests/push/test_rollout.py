"""Stage order of a rollout (netauto.push.rollout), on the bundled example's roles."""

from __future__ import annotations

import pytest

from netauto.push.rollout import stages

HOSTS = [
    ("dc-core-r1", "core"),
    ("hub-01-r1", "hub"),
    ("hub-02-r1", "hub"),
    *[(f"cm-{n:02d}-r1", "cpe") for n in range(1, 8)],
]


def flat(order: str) -> list[tuple[str, list[str]]]:
    return [(s.name, s.hosts) for s in stages(HOSTS, batch=3, order=order)]  # type: ignore[arg-type]


def test_edge_first_changes_the_core_last() -> None:
    result = flat("edge-first")
    assert result[0] == ("canary", ["cm-01-r1"])
    assert result[-1] == ("batch 4", ["dc-core-r1"])
    assert [h for _, hosts in result for h in hosts][-3:] == [
        "hub-01-r1",
        "hub-02-r1",
        "dc-core-r1",
    ]


def test_core_first_keeps_an_edge_canary_then_core_hubs_communes() -> None:
    result = flat("core-first")
    assert result[0] == ("canary", ["cm-01-r1"])
    assert result[1] == ("batch 1", ["dc-core-r1"])
    assert result[2] == ("batch 2", ["hub-01-r1", "hub-02-r1"])
    communes = [h for _, hosts in result[3:] for h in hosts]
    assert communes == [f"cm-{n:02d}-r1" for n in range(2, 8)]
    assert all(len(hosts) <= 3 for _, hosts in result)


@pytest.mark.parametrize("order", ["edge-first", "core-first"])
def test_every_device_once_and_roles_never_mixed(order: str) -> None:
    result = stages(HOSTS, batch=4, order=order)  # type: ignore[arg-type]
    names = [h for s in result for h in s.hosts]
    assert sorted(names) == sorted(h for h, _ in HOSTS)
    roles = dict(HOSTS)
    assert all(len({roles[h] for h in s.hosts}) == 1 for s in result)


def test_unknown_order_is_refused() -> None:
    with pytest.raises(ValueError, match="order must be one of"):
        stages(HOSTS, batch=3, order="random")  # type: ignore[arg-type]
