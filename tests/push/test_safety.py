"""The push stage's safety parts: lock, audit log, credentials."""

from __future__ import annotations

from pathlib import Path

import pytest

from netauto.errors import InputError
from netauto.push import audit, credentials
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


def test_credentials_file_must_be_private(tmp_path: Path) -> None:
    file = tmp_path / "creds.yml"
    file.write_text("username: ops\npassword: hunter2\n")
    file.chmod(0o644)
    with pytest.raises(InputError, match="expected 0600") as info:
        credentials.load(file, env={})
    assert "hunter2" not in str(info.value)
    file.chmod(0o600)
    creds = credentials.load(file, env={})
    assert creds.username == "ops"
    assert "hunter2" not in repr(creds) and "hunter2" not in str(creds)


def test_environment_wins_over_file(tmp_path: Path) -> None:
    creds = credentials.load(tmp_path / "missing.yml", env={"NETAUTO_USERNAME": "env-user"})
    assert creds.username == "env-user"


def test_broken_credentials_file_never_echoes_its_content(tmp_path: Path) -> None:
    file = tmp_path / "creds.yml"
    file.write_text("password: [unclosed s3cret\n")
    file.chmod(0o600)
    with pytest.raises(InputError) as info:
        credentials.load(file, env={})
    assert "s3cret" not in str(info.value)
