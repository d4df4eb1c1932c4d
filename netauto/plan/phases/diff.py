"""Phase diff: what changed between the old ledger and the new one (``plan --diff``)."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict

from netauto.plan.ledger import Ledger
from netauto.plan.state import PlanState


class Change(BaseModel):
    """One line of ``netauto plan --diff``."""

    model_config = ConfigDict(frozen=True, defer_build=True)

    action: Literal["add", "change", "free"]
    key: str
    old: str | None = None
    new: str | None = None

    def __str__(self) -> str:
        if self.action == "add":
            return f"+ {self.key}: {self.new}"
        if self.action == "free":
            return f"- {self.key}: {self.old}"
        return f"~ {self.key}: {self.old} -> {self.new}"


def run(state: PlanState) -> None:
    """Compare the ledgers. Reads ``old`` and ``ledger``; writes ``changes``."""
    assert state.ledger is not None, "the assemble phase runs first"
    state.changes = diff_ledgers(state.old, state.ledger)


def diff_ledgers(old: Ledger, new: Ledger) -> list[Change]:
    """Every allocation added, changed or freed between two ledgers, in key order.

    Examples:
        >>> from netauto.plan.ledger import DeviceEntry
        >>> a = Ledger(devices={"r1": DeviceEntry(
        ...     site_id=1, loopback6="2001:db8::1:1", loopback4="10.0.0.1")})
        >>> b = Ledger(devices={"r1": DeviceEntry(
        ...     site_id=1, loopback6="2001:db8::1:1", loopback4="10.0.0.2")})
        >>> [str(c) for c in diff_ledgers(a, b)]
        ['~ device r1 loopback4: 10.0.0.1 -> 10.0.0.2']
        >>> diff_ledgers(b, b)
        []
    """
    before, after = old.flatten(), new.flatten()
    changes: list[Change] = []
    for key in sorted(before.keys() | after.keys()):
        was, now = before.get(key), after.get(key)
        if was == now:
            continue
        if was is None:
            changes.append(Change(action="add", key=key, new=now))
        elif now is None:
            changes.append(Change(action="free", key=key, old=was))
        else:
            changes.append(Change(action="change", key=key, old=was, new=now))
    return changes
