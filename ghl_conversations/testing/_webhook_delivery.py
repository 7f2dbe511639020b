"""Webhooks from the fake: events shaped as HighLevel sends them, signed with the fake's own
Ed25519 key (one per fake, so another fake's signature does not verify), POSTed to your bot."""

from __future__ import annotations

import base64
import uuid
from collections.abc import Callable
from typing import Any

import orjson

__all__ = ["WebhookDelivery"]


class WebhookDelivery:
    """Builds, signs and delivers webhook events for one fake."""

    def __init__(self, location_id: str, now_iso: Callable[[], str]) -> None:
        self.location_id = location_id
        self._now_iso = now_iso
        self._key: Any = None

    def _private_key(self) -> Any:
        if self._key is None:
            from cryptography.hazmat.primitives.asymmetric import ed25519

            self._key = ed25519.Ed25519PrivateKey.generate()
        return self._key

    @property
    def public_key_pem(self) -> str:
        """The public half of the signing key, PEM encoded."""
        from cryptography.hazmat.primitives import serialization

        pem: bytes = (
            self._private_key()
            .public_key()
            .public_bytes(
                serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
            )
        )
        return pem.decode()

    def sign(self, body: bytes) -> dict[str, str]:
        """The ``x-ghl-signature`` header that makes ``body`` genuine."""
        signature = self._private_key().sign(body)
        return {"x-ghl-signature": base64.b64encode(signature).decode()}

    def event(self, type: str, **fields: Any) -> dict[str, Any]:
        """A payload with ``type``, ``locationId``, ``timestamp`` and ``webhookId`` filled in."""
        return {
            "type": type,
            "locationId": self.location_id,
            "timestamp": self._now_iso(),
            "webhookId": uuid.uuid4().hex,
            **fields,
        }

    async def send(self, url: str, event: dict[str, Any]) -> int:
        """POST ``event``, signed, to ``url``; the status it answered."""
        import aiohttp

        body = orjson.dumps(event)
        headers = {"Content-Type": "application/json", **self.sign(body)}
        async with (
            aiohttp.ClientSession() as session,
            session.post(url, data=body, headers=headers) as response,
        ):
            return response.status
