"""`netauto push --guard`: what is refused before anything is touched (no lab needed)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from netauto.connect import targets
from netauto.sot.models import SoT
from tests.conftest import TINY, CliResult

Cli = Callable[..., CliResult]


class NoClientsTarget:
    """A target like production: routers, no LAN clients to probe from."""

    name = "ng-noclients"
    needs_root = False

    def __init__(self, options: targets.TargetOptions) -> None:
        self.options = options

    def open_nornir(self, sot: SoT, workers: int) -> tuple[Any, list[str]]:
        return None, ["cm-anxuyen-r1", "cm-lyvanlam-r1", "cm-tanthanh-r1", "hub-01-r1",
                      "dc-core-r1"]  # fmt: skip

    def hosts(self) -> dict[str, str] | None:
        return None

    def sites(self) -> set[str] | None:
        return None

    def clients(self) -> list[targets.LanClient]:
        return []

    def vm_access(self) -> targets.VmAccess:
        return targets.VmAccess()


@pytest.fixture
def no_clients() -> Iterator[str]:
    targets.register(NoClientsTarget.name, NoClientsTarget)
    yield NoClientsTarget.name
    targets._REGISTRY.pop(NoClientsTarget.name, None)


@pytest.mark.parametrize(
    ("args", "field", "message"),
    [
        (["--guard"], "--guard", "needs --commit"),
        (["--guard", "--commit", "--vms"], "--guard", "guards router rollouts, not --vms"),
        (["--guard", "--commit", "--settle", "60", "--revert-in", "65"], "--revert-in",
         "must be longer than --settle + "),
    ],
)  # fmt: skip
def test_guard_preconditions(cli: Cli, args: list[str], field: str, message: str) -> None:
    res = cli("-i", TINY, "push", *args)
    assert res.code == 2
    assert field in res.err and message in res.err


def test_guard_on_a_target_without_lan_clients_says_it_is_not_there_yet(
    cli: Cli, no_clients: str, tmp_path: Path
) -> None:
    configs, state = tmp_path / "configs", tmp_path / "state"
    assert cli("-i", TINY, "--state-dir", state, "render", "-q", "-o", configs).code == 0
    res = cli("-i", TINY, "--state-dir", state, "push", "--commit", "--guard", "-t", no_clients,
              "--configs", configs)  # fmt: skip
    assert res.code == 2
    text = " ".join(res.err.split())
    assert "no LAN client to probe from for 3 communes (phuong-an-xuyen," in text
    assert "LAN gateway addresses (production) is not implemented yet" in text
    assert not (state / "audit.jsonl").exists()
