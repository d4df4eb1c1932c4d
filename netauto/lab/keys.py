"""SSH keys made by the lab (ed25519, OpenSSH format): never the machine's own keys."""

from __future__ import annotations

from dataclasses import dataclass

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey


@dataclass(frozen=True)
class KeyPair:
    private: str
    public: str


def new_keypair(comment: str) -> KeyPair:
    """A fresh ed25519 key pair as OpenSSH private key text and an ``authorized_keys`` line.

    Examples:
        >>> pair = new_keypair("netauto-lab")
        >>> pair.public.startswith("ssh-ed25519 ") and pair.public.endswith(" netauto-lab")
        True
        >>> pair.private.startswith("-----BEGIN OPENSSH PRIVATE KEY-----")
        True
    """
    key = Ed25519PrivateKey.generate()
    private = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.OpenSSH,
        serialization.NoEncryption(),
    ).decode()
    public = (
        key.public_key()
        .public_bytes(serialization.Encoding.OpenSSH, serialization.PublicFormat.OpenSSH)
        .decode()
    )
    return KeyPair(private=private, public=f"{public} {comment}")
