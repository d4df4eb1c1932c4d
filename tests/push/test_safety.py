"""The push stage's safety parts: lock, audit log."""

from __future__ import annotations

from pathlib import Path

import pytest

from netauto.push import audit
from netauto.push.lock import PushLocked, push_lock


def test_second_push_is_refused_while_the_first_holds_the_lock(tmp_path: Path) -> None:
    with (
        push_lock(tmp_path),
        pytest.raises(PushLocked, match="another push is running"),
        push_lock(tmp_path),
    ):
        pass  # pragma: no cover
    with push_lock(tmp_path):  # released: a later push goes ahead
        pass


def test_audit_log_appends_json_lines(tmp_path: Path) -> None:
    record = audit.AuditRecord(
        when=audit.now(), who=audit.who(), action="push", target="lab", device="cm-a-r1",
        diff_sha256=audit.diff_hash("+x\n"), result="committed", changed=True,
    )
    audit.append(tmp_path, [record])
    audit.append(tmp_path, [record.model_copy(update={"device": "cm-b-r1"})])
    records = audit.read(tmp_path)
    assert [r.device for r in records] == ["cm-a-r1", "cm-b-r1"]
    assert len((tmp_path / audit.AUDIT_FILE).read_text().splitlines()) == 2
