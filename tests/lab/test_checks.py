"""Lab preconditions and small helpers that need no root."""

from __future__ import annotations

import pytest

from netauto.errors import InputError
from netauto.lab import runner
from netauto.lab.state import info
from netauto.lab.topology import build_topology
from netauto.plan import plan_for
from netauto.sot.loader import load_sot
from tests.conftest import TINY


def test_non_root_gets_a_clear_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(runner.os, "geteuid", lambda: 1000)
    with pytest.raises(InputError, match="netauto lab needs root") as caught:
        runner.require_root_and_tools()
    assert "sudo" in str(caught.value)


def test_missing_tool_names_its_package(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(runner.os, "geteuid", lambda: 0)
    monkeypatch.setattr(runner.shutil, "which", lambda tool: None if tool == "nc" else "/x")
    with pytest.raises(InputError, match="apt-get install netcat-openbsd"):
        runner.require_root_and_tools()


def test_info_without_a_lab_is_an_input_error() -> None:
    with pytest.raises(InputError, match="no lab is running here"):
        info("zz-")


def test_namespace_batch_makes_bridges_and_client_addresses() -> None:
    topo = build_topology(plan_for(TINY).plan, load_sot(TINY).sot, prefix="nt-")
    dc = runner.namespace_batch(topo, topo.host("dc-core-r1")).splitlines()
    assert dc[0] == "link add lan100 type bridge"
    assert "link set lan100-v1 master lan100" in dc
    assert "address add" not in "\n".join(dc), "routers get no addresses"
    client = runner.namespace_batch(topo, topo.host("c-cm-lyvanlam-r1-office")).splitlines()
    assert client[-2].startswith("route add default via ")
    assert client[-1].startswith("route add ::/0 via ")
