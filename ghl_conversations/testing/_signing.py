"""Sign webhooks the way HighLevel does, with a test key pair, to test handlers for real.

HighLevel's private keys are, of course, unknown; this signer holds a test Ed25519 key (for
``x-ghl-signature``) and a test RSA key (for the legacy ``x-wh-signature``), and builds a
``Verifier`` that trusts exactly those keys, so a test runs the real verification path.

```python
signer = WebhookSigner()
body, headers = signer.delivery("InboundMessage", body="hi", contactId="c1")
event = await signer.verifier().parse(body, headers)
```
"""

from __future__ import annotations

import base64
import datetime as _dt
import functools
import uuid
from typing import TYPE_CHECKING, Any

import orjson

from .._clock import Clock, SystemClock

if TYPE_CHECKING:
    from ..webhooks import Verifier

__all__ = ["WebhookSigner"]

TEST_LOCATION_ID = "loc_webhook_test"


def _require_cryptography() -> None:
    try:
        import cryptography.hazmat.primitives.asymmetric  # noqa: F401
    except ImportError:
        from ..webhooks import CRYPTOGRAPHY_MISSING

        raise ImportError(CRYPTOGRAPHY_MISSING) from None


@functools.cache
def _shared_ed25519() -> Any:
    from cryptography.hazmat.primitives.asymmetric import ed25519

    return ed25519.Ed25519PrivateKey.generate()


@functools.cache
def _shared_rsa() -> Any:
    from cryptography.hazmat.primitives.asymmetric import rsa

    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


def _pem(private_key: Any) -> str:
    from cryptography.hazmat.primitives import serialization

    pem: bytes = private_key.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    return pem.decode()


class WebhookSigner:
    """Makes genuinely signed webhook deliveries with test keys (Ed25519 and legacy RSA).

    By default every signer of a process shares one test key pair (an RSA key takes a moment to
    make); pass your own private keys, or use ``WebhookSigner.with_new_keys()`` for a signer whose
    signatures another signer's verifier must refuse. ``clock`` dates the events it builds.
    """

    def __init__(
        self,
        *,
        ed25519_private_key: Any = None,
        rsa_private_key: Any = None,
        clock: Clock | None = None,
        location_id: str = TEST_LOCATION_ID,
    ) -> None:
        _require_cryptography()
        self._ed25519 = ed25519_private_key or _shared_ed25519()
        self._rsa = rsa_private_key or _shared_rsa()
        self.clock: Clock = clock or SystemClock()
        self.location_id = location_id

    @classmethod
    def with_new_keys(cls, *, clock: Clock | None = None) -> WebhookSigner:
        """A signer with freshly generated keys, unknown to every other signer."""
        from cryptography.hazmat.primitives.asymmetric import ed25519, rsa

        return cls(
            ed25519_private_key=ed25519.Ed25519PrivateKey.generate(),
            rsa_private_key=rsa.generate_private_key(public_exponent=65537, key_size=2048),
            clock=clock,
        )

    def __repr__(self) -> str:
        return f"WebhookSigner(location_id={self.location_id!r})"

    @property
    def public_key_pem(self) -> str:
        """The public Ed25519 key (PEM): what verifies this signer's ``x-ghl-signature``."""
        return _pem(self._ed25519)

    @property
    def legacy_public_key_pem(self) -> str:
        """The public RSA key (PEM): what verifies this signer's legacy ``x-wh-signature``."""
        return _pem(self._rsa)

    def sign(self, body: bytes) -> dict[str, str]:
        """The ``x-ghl-signature`` header (Ed25519) that makes ``body`` genuine."""
        return {"x-ghl-signature": base64.b64encode(self._ed25519.sign(bytes(body))).decode()}

    def sign_legacy(self, body: bytes) -> dict[str, str]:
        """The legacy ``x-wh-signature`` header (RSA PKCS#1 v1.5, SHA-256) for ``body``."""
        from cryptography.hazmat.primitives import hashes
        from cryptography.hazmat.primitives.asymmetric import padding

        signature = self._rsa.sign(bytes(body), padding.PKCS1v15(), hashes.SHA256())
        return {"x-wh-signature": base64.b64encode(signature).decode()}

    def event(self, type: str = "InboundMessage", **fields: Any) -> dict[str, Any]:
        """A payload as HighLevel sends it: ``type``, ``locationId``, a ``timestamp`` from the
        clock and a fresh ``webhookId``, then ``fields`` (camelCase, as on the wire)."""
        now = _dt.datetime.fromtimestamp(self.clock.time(), _dt.UTC)
        return {
            "type": type,
            "locationId": self.location_id,
            "timestamp": now.isoformat(timespec="milliseconds").replace("+00:00", "Z"),
            "webhookId": uuid.uuid4().hex,
            **fields,
        }

    def delivery(
        self, event: str | dict[str, Any] = "InboundMessage", *, legacy: bool = False, **fields: Any
    ) -> tuple[bytes, dict[str, str]]:
        """The raw body and headers of a signed delivery (an event dict, or a type and fields)."""
        payload = self.event(event, **fields) if isinstance(event, str) else {**event, **fields}
        body = orjson.dumps(payload)
        signature = self.sign_legacy(body) if legacy else self.sign(body)
        return body, {"content-type": "application/json", **signature}

    def verifier(self, **options: Any) -> Verifier:
        """A ``webhooks.Verifier`` trusting this signer's keys (and only them), on its clock.

        ``options`` are the Verifier's other arguments (``tolerance``, ``replay_store``, ...).
        """
        from ..webhooks import Verifier

        options.setdefault("clock", self.clock)
        return Verifier(
            public_keys=self.public_key_pem,
            legacy_public_keys=self.legacy_public_key_pem,
            **options,
        )
