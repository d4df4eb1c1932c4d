"""Device credentials: from the environment or a 0600 file, never from the SoT.

Order: ``NETAUTO_USERNAME`` / ``NETAUTO_PASSWORD`` (and ``NETAUTO_SSH_KEY``) in the
environment, else the file given with ``--credentials`` (YAML with ``username``, ``password``,
``key_file``), which must not be readable by group or others. Values are never printed,
logged or stored; :class:`Credentials` hides them from ``repr``.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

import yaml
from pydantic import BaseModel, ConfigDict, Field, SecretStr, ValidationError

from netauto.errors import InputError, Problem


class Credentials(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    username: str | None = None
    password: SecretStr | None = Field(None, repr=False)
    key_file: Path | None = None


def from_env(env: dict[str, str]) -> Credentials | None:
    """Credentials from environment variables, or None when none are set.

    Examples:
        >>> from_env({}) is None
        True
        >>> c = from_env({"NETAUTO_USERNAME": "ops", "NETAUTO_PASSWORD": "s3cret"})
        >>> c.username, "s3cret" in repr(c)
        ('ops', False)
    """
    username = env.get("NETAUTO_USERNAME")
    password = env.get("NETAUTO_PASSWORD")
    key = env.get("NETAUTO_SSH_KEY")
    if not (username or password or key):
        return None
    return Credentials(
        username=username,
        password=SecretStr(password) if password else None,
        key_file=Path(key) if key else None,
    )


def from_file(path: Path) -> Credentials:
    """Credentials from a YAML file that only its owner can read (mode 0600 or 0400)."""
    try:
        info = path.stat()
    except OSError as exc:
        raise InputError(
            Problem(path, None, "", f"cannot read credentials: {exc.strerror}")
        ) from None
    if info.st_mode & (stat.S_IRWXG | stat.S_IRWXO):
        raise InputError(
            Problem(
                path,
                None,
                "",
                f"credentials file is mode {stat.S_IMODE(info.st_mode):04o}; expected 0600",
                f"chmod 600 {path}",
            )
        )
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        return Credentials.model_validate(data)
    except (yaml.YAMLError, UnicodeDecodeError, ValidationError) as exc:
        # The message names the file only: it must never echo a secret value.
        kind = type(exc).__name__
        raise InputError(
            Problem(
                path,
                None,
                "",
                f"unreadable credentials file ({kind})",
                "expected YAML with username, password and/or key_file",
            )
        ) from None


def load(file: Path | None, env: dict[str, str] | None = None) -> Credentials:
    """The credentials to use: environment first, then ``file``, else empty."""
    found = from_env(dict(os.environ) if env is None else env)
    if found is not None:
        return found
    if file is not None:
        return from_file(file)
    return Credentials()
