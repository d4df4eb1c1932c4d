"""Credentials: from the environment or a private file, never echoed."""

from __future__ import annotations

from pathlib import Path

import pytest

from netauto.connect import credentials
from netauto.errors import InputError


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
