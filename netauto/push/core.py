"""Push one device safely, through the Napalm driver contract.

The procedure, for every platform:

1. load the rendered config as a *replace* candidate and compare: no diff → ``unchanged``;
2. dry-run (the default) → discard the candidate, report ``would-change`` with the diff;
3. with ``commit``, refuse (``refused``, nothing changed) a candidate that removes or changes an
   IPv4 line the device has, or removes a line netauto does not own, unless allowed (the
   structured diff of :mod:`netauto.parse.configdiff`, see :func:`push_device`);
4. commit with commit-confirm (``revert_in``): natively where the driver has it, emulated
   otherwise (keep the running config, commit, and on failure replace it back);
5. post-check the device (routing adjacencies must not regress, adjacencies to peers already
   on the new config must come up); confirm when it holds, roll back when it does not (a
   guarded rollout first waits for its wave's verdict, :mod:`netauto.push.guard`).

An FRR router's host firewall (:mod:`netauto.push.hostfw`) is staged with the driver and
committed with the config, under the same revert timer: a device ends with both old or both
new, and one whose new firewall cuts the push's session reverts by itself.

A device therefore ends either on its old config or on its new, checked one. Results are data
(:class:`DeviceResult`), never log lines.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any, Literal, Protocol, cast

from pydantic import BaseModel, ConfigDict

from netauto import platforms
from netauto.parse.configdiff import ConfigDiff, compare
from netauto.push import hostfw

Outcome = Literal[
    "unchanged", "would-change", "committed", "rolled-back", "failed", "unreachable", "skipped",
    "refused",
]  # fmt: skip
class ConfigDriver(Protocol):
    """The part of Napalm's ``NetworkDriver`` a push uses."""

    def load_replace_candidate(
        self, filename: str | None = None, config: str | None = None
    ) -> None:
        """Load a full configuration as the candidate."""

    def compare_config(self) -> str:
        """Diff between running config and candidate."""

    def commit_config(self, message: str = "", revert_in: int | None = None) -> None:
        """Apply the candidate (reverting after ``revert_in`` s unless confirmed)."""

    def confirm_commit(self) -> None:
        """Keep a commit made with ``revert_in``."""

    def discard_config(self) -> None:
        """Drop the candidate."""

    def rollback(self) -> None:
        """Go back to the config before the last commit."""

    def get_config(self, retrieve: str = "all", full: bool = False, sanitized: bool = False) -> Any:
        """Running/startup/candidate configs."""


class PostCheck(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    ok: bool
    detail: str = ""


class DeviceResult(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    host: str
    platform: str
    stage: str = ""
    outcome: Outcome
    diff: str = ""
    error: str = ""
    rolled_back: bool = False
    post_check: str = ""
    duration_s: float = 0.0
    summary: str = ""
    """One line: ``+12 -0 ~1; IPv4 lines removed or changed: 0`` (see ``config_diff``)."""
    config_diff: ConfigDiff | None = None
    """The structured diff running config → candidate, when the device's config changes."""
    guard: str = ""
    """Why ``push --commit`` refuses (or refused) this device; "" when it does not."""

    @property
    def failed(self) -> bool:
        return self.outcome in ("failed", "rolled-back", "unreachable", "refused")

    @property
    def changed(self) -> bool:
        return self.outcome == "committed"


def push_device(
    driver: ConfigDriver,
    host: str,
    platform: str,
    candidate: str,
    *,
    commit: bool,
    revert_in: int = 120,
    post_check: Callable[[], PostCheck] | None = None,
    before_commit: Callable[[], None] | None = None,
    firewall: str | None = None,
    stage: str = "",
    allow_ipv4_change: bool = False,
    prune_legacy: bool = False,
    hold: Callable[[], str | None] | None = None,
) -> DeviceResult:
    """Diff, and with ``commit`` apply, ``candidate`` on one device (see the module doc).

    ``before_commit`` runs once the device is known to change, right before the commit (the
    post-check's baseline: adjacencies up at that moment must stay up); an error there leaves
    the device untouched and is reported as ``failed``.
    ``firewall`` is the host firewall ruleset of an FRR router (see :mod:`netauto.push.hostfw`);
    the driver must then offer its calls (:class:`~netauto.push.hostfw.FirewallBox`). A
    change of the firewall alone is a commit too (with commit-confirm: the timer covers it).
    Errors raised while loading, comparing or committing leave the device on its old
    configuration and are reported as ``failed``.

    When the config changes, the device's running config is read and diffed against the
    candidate (:func:`netauto.parse.configdiff.compare`): the result's ``diff`` is that
    unified diff (plus the firewall's), ``summary``/``config_diff`` say what it does, and
    ``guard`` why a commit is refused: an IPv4 line removed or changed (unless
    ``allow_ipv4_change``), a line netauto does not own removed (unless ``prune_legacy``), or
    a configuration syntax the diff cannot read (unless ``allow_ipv4_change``).
    ``hold`` runs once the post-check passed, before the confirm (a guarded rollout waits
    there for its wave's verdict); a reason it returns rolls the device back instead.
    """
    start = time.monotonic()
    review: dict[str, Any] = {}  # summary, config_diff, guard: in every result once known

    def result(outcome: Outcome, **fields: Any) -> DeviceResult:
        return DeviceResult(
            host=host,
            platform=platform,
            stage=stage,
            outcome=outcome,
            duration_s=round(time.monotonic() - start, 3),
            **{**review, **fields},
        )

    shell = cast(hostfw.FirewallBox, driver) if firewall is not None else None
    try:
        driver.load_replace_candidate(config=candidate)
        config_diff = driver.compare_config()
        fw_diff = hostfw.diff(shell, firewall, host) if shell and firewall is not None else ""
        structured = _structured(driver, platform, candidate) if config_diff.strip() else None
    except Exception as exc:  # a driver error: the device is untouched
        _quietly(driver.discard_config)
        return result("failed", error=_describe(exc))
    if not (config_diff + fw_diff).strip():
        _quietly(driver.discard_config)
        return result("unchanged")
    review.update(_review(platform, structured, bool(config_diff.strip()), bool(fw_diff),
                          allow_ipv4_change, prune_legacy))  # fmt: skip
    shown = structured.unified(f"{host} (running)", f"{host} (candidate)") if structured else ""
    parts = (shown or config_diff, fw_diff)
    diff = "".join(part.rstrip("\n") + "\n" for part in parts if part.strip())
    if not commit:
        _quietly(driver.discard_config)
        return result("would-change", diff=diff)
    if review["guard"]:  # before anything changes on the device
        _quietly(driver.discard_config)
        return result("refused", diff=diff, error=review["guard"])

    native = platforms.get(platform).commit_confirm == "native"
    committed = bool(config_diff.strip()) or bool(fw_diff)
    backup = ""
    try:
        if before_commit is not None:
            before_commit()
        if shell is not None and firewall is not None and fw_diff:
            hostfw.stage(shell, firewall)  # applied by the commit, under its revert timer
        if not committed:
            driver.discard_config()
        elif native:
            driver.commit_config(message="netauto push", revert_in=revert_in)
        else:
            backup = str(driver.get_config(retrieve="running").get("running", ""))
            driver.commit_config(message="netauto push")
    except Exception as exc:
        _quietly(driver.discard_config)
        return result("failed", diff=diff, error=_describe(exc))

    def undo() -> None:  # the driver's rollback also restores a committed firewall
        if not committed:
            return
        if native:
            driver.rollback()
        else:
            driver.load_replace_candidate(config=backup)
            driver.commit_config(message="netauto rollback")

    check = post_check() if post_check is not None else PostCheck(ok=True, detail="no post-check")
    veto = hold() if check.ok and hold is not None else None
    if veto is not None:
        try:
            undo()
        except Exception as exc:
            return result("failed", diff=diff, post_check=check.detail,
                          error=f"{veto}; rollback failed: {_describe(exc)}")  # fmt: skip
        return result("rolled-back", diff=diff, rolled_back=True, post_check=check.detail,
                      error=veto)  # fmt: skip
    if check.ok:
        try:
            if native and committed:
                driver.confirm_commit()
        except Exception as exc:
            return result(
                "failed",
                diff=diff,
                error=f"confirm failed: {_describe(exc)}",
                post_check=check.detail,
            )
        return result("committed", diff=diff, post_check=check.detail)

    try:
        undo()
    except Exception as exc:
        return result(
            "failed",
            diff=diff,
            rolled_back=False,
            post_check=check.detail,
            error=f"post-check failed and rollback failed: {_describe(exc)}",
        )
    return result(
        "rolled-back",
        diff=diff,
        rolled_back=True,
        post_check=check.detail,
        error=f"post-check failed: {check.detail}",
    )


def _structured(driver: ConfigDriver, platform: str, candidate: str) -> ConfigDiff | None:
    """The structured diff from the device's running config, where its syntax is readable."""
    if platforms.get(platform).reader != "ios_like":
        return None
    running = driver.get_config(retrieve="running").get("running", "")
    return compare(str(running), candidate)


def _review(
    platform: str,
    structured: ConfigDiff | None,
    config_changes: bool,
    firewall_changes: bool,
    allow_ipv4_change: bool,
    prune_legacy: bool,
) -> dict[str, Any]:
    """``summary``, ``config_diff`` and ``guard`` of a device that changes.

    Examples:
        >>> _review("junos", None, True, False, False, False)["guard"]
        'cannot check IPv4 lines of junos configurations (--allow-ipv4-change)'
        >>> _review("frr", None, False, True, False, False)
        {'summary': 'host firewall changes', 'config_diff': None, 'guard': ''}
    """
    guard = ""
    if structured is not None:
        guard = structured.refusal(allow_ipv4_change, prune_legacy)
    elif config_changes and not allow_ipv4_change:
        guard = f"cannot check IPv4 lines of {platform} configurations (--allow-ipv4-change)"
    parts = [structured.summary() if structured else ""]
    parts.append("host firewall changes" if firewall_changes else "")
    summary = "; ".join(part for part in parts if part)
    return {"summary": summary, "config_diff": structured, "guard": guard}


def _describe(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    first = text[0] if text else ""
    return f"{type(exc).__name__}: {first}"[:500] if first else type(exc).__name__


def _quietly(action: Callable[[], Any]) -> None:
    try:
        action()
    except Exception:  # best effort cleanup; the result already says what failed
        return
