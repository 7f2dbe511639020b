"""HighLevel's published webhook keys, and loading keys given as PEM, base64 DER or objects.

``cryptography`` is imported only here, lazily, so ``import ghl_conversations`` never needs it; the
first thing that needs a key raises one clear ``ImportError`` naming the extra to install.
"""

from __future__ import annotations

import base64
import binascii
import functools
from collections.abc import Iterable
from typing import Any

__all__ = [
    "CRYPTOGRAPHY_MISSING",
    "GHL_ED25519_PUBLIC_KEY",
    "GHL_RSA_PUBLIC_KEY",
    "KeyInput",
    "KeysInput",
    "ed25519_keys",
    "load_public_key",
    "require_cryptography",
    "rsa_keys",
]

#: HighLevel's published Ed25519 webhook key (SPKI, base64 DER): verifies ``x-ghl-signature``.
GHL_ED25519_PUBLIC_KEY = "MCowBQYDK2VwAyEAi2HR1srL4o18O8BRa7gVJY7G7bupbN3H9AwJrHCDiOg="

#: HighLevel's published 4096-bit RSA key (PEM): verifies the legacy ``x-wh-signature``.
#: Copies circulating with one changed letter exist; a test pins this text's SHA-256.
GHL_RSA_PUBLIC_KEY = """\
-----BEGIN PUBLIC KEY-----
MIICIjANBgkqhkiG9w0BAQEFAAOCAg8AMIICCgKCAgEAokvo/r9tVgcfZ5DysOSC
Frm602qYV0MaAiNnX9O8KxMbiyRKWeL9JpCpVpt4XHIcBOK4u3cLSqJGOLaPuXw6
dO0t6Q/ZVdAV5Phz+ZtzPL16iCGeK9po6D6JHBpbi989mmzMryUnQJezlYJ3DVfB
csedpinheNnyYeFXolrJvcsjDtfAeRx5ByHQmTnSdFUzuAnC9/GepgLT9SM4nCpv
uxmZMxrJt5Rw+VUaQ9B8JSvbMPpez4peKaJPZHBbU3OdeCVx5klVXXZQGNHOs8gF
3kvoV5rTnXV0IknLBXlcKKAQLZcY/Q9rG6Ifi9c+5vqlvHPCUJFT5XUGG5RKgOKU
J062fRtN+rLYZUV+BjafxQauvC8wSWeYja63VSUruvmNj8xkx2zE/Juc+yjLjTXp
IocmaiFeAO6fUtNjDeFVkhf5LNb59vECyrHD2SQIrhgXpO4Q3dVNA5rw576PwTzN
h/AMfHKIjE4xQA1SZuYJmNnmVZLIZBlQAF9Ntd03rfadZ+yDiOXCCs9FkHibELhC
HULgCsnuDJHcrGNd5/Ddm5hxGQ0ASitgHeMZ0kcIOwKDOzOU53lDza6/Y09T7sYJ
PQe7z0cvj7aE4B+Ax1ZoZGPzpJlZtGXCsu9aTEGEnKzmsFqwcSsnw3JB31IGKAyk
T1hhTiaCeIY/OwwwNUY2yvcCAwEAAQ==
-----END PUBLIC KEY-----
"""

#: The message of the ``ImportError`` raised when the ``[webhooks]`` extra is missing.
CRYPTOGRAPHY_MISSING = (
    "verifying HighLevel webhooks needs the 'cryptography' package: "
    "pip install 'ghl-conversations[webhooks]'"
)

KeyInput = str | bytes | Any
"""A public key: PEM text or bytes, base64 SPKI DER, or a ``cryptography`` public key object."""

KeysInput = KeyInput | Iterable[KeyInput]
"""One key, or several (old and new during a rotation)."""


def require_cryptography() -> None:
    """Raise the clear ``ImportError`` now if ``cryptography`` is not installed."""
    try:
        import cryptography.hazmat.primitives.asymmetric  # noqa: F401
    except ImportError:
        raise ImportError(CRYPTOGRAPHY_MISSING) from None


def load_public_key(key: KeyInput) -> Any:
    """A public key from PEM text/bytes, base64 SPKI DER, or a ``cryptography`` key object."""
    require_cryptography()
    if not isinstance(key, (str, bytes)):
        return key
    from cryptography.hazmat.primitives import serialization

    data = key.encode() if isinstance(key, str) else key
    if b"-----BEGIN" in data:
        return serialization.load_pem_public_key(data)
    try:
        return serialization.load_der_public_key(base64.b64decode(data, validate=True))
    except (binascii.Error, ValueError) as exc:
        raise ValueError("public key must be PEM or base64 DER (SPKI)") from exc


def _as_list(keys: KeysInput) -> list[KeyInput]:
    if isinstance(keys, (str, bytes)) or not isinstance(keys, Iterable):
        return [keys]
    listed = list(keys)
    if not listed:
        raise ValueError("give at least one public key (or turn the signature kind off)")
    return listed


@functools.cache
def _load_shipped(text: str) -> Any:
    """A shipped key, loaded once (looked up by its text, so each call reads the constant)."""
    return load_public_key(text)


def _load(keys: KeysInput) -> tuple[Any, ...]:
    if keys is GHL_ED25519_PUBLIC_KEY or keys is GHL_RSA_PUBLIC_KEY:
        return (_load_shipped(keys),)
    return tuple(map(load_public_key, _as_list(keys)))


def ed25519_keys(keys: KeysInput | None) -> tuple[Any, ...]:
    """Loaded Ed25519 keys (HighLevel's when ``keys`` is None); ``ValueError`` for another type."""
    require_cryptography()
    from cryptography.hazmat.primitives.asymmetric import ed25519

    loaded = _load(GHL_ED25519_PUBLIC_KEY if keys is None else keys)
    if not all(isinstance(key, ed25519.Ed25519PublicKey) for key in loaded):
        raise ValueError("public_key must be an Ed25519 public key (x-ghl-signature)")
    return loaded


def rsa_keys(keys: KeysInput | None) -> tuple[Any, ...]:
    """Loaded RSA keys (HighLevel's legacy key when ``keys`` is None); ``ValueError`` otherwise."""
    require_cryptography()
    from cryptography.hazmat.primitives.asymmetric import rsa

    loaded = _load(GHL_RSA_PUBLIC_KEY if keys is None else keys)
    if not all(isinstance(key, rsa.RSAPublicKey) for key in loaded):
        raise ValueError("legacy_public_key must be an RSA public key (x-wh-signature)")
    return loaded
