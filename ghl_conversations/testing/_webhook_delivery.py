"""Webhooks from the fake: events as HighLevel sends them, signed by a ``WebhookSigner`` with a
key of this fake's own (so another fake's signature does not verify), POSTed to your bot.

The signer is made on first use: ``cryptography`` (the ``webhooks`` extra) is needed only then.
"""

from __future__ import annotations

from typing import Any

import orjson

from .._clock import Clock
from ._signing import WebhookSigner

__all__ = ["WebhookDelivery"]


class WebhookDelivery:
    """Builds, signs and delivers webhook events for one fake."""

    def __init__(self, location_id: str, clock: Clock) -> None:
        self.location_id = location_id
        self.clock = clock
        self._signer: WebhookSigner | None = None

    @property
    def signer(self) -> WebhookSigner:
        """The signer (and so ``signer.verifier()``) of this fake's webhooks."""
        if self._signer is None:
            from cryptography.hazmat.primitives.asymmetric import ed25519

            self._signer = WebhookSigner(
                ed25519_private_key=ed25519.Ed25519PrivateKey.generate(),
                clock=self.clock,
                location_id=self.location_id,
            )
        return self._signer

    async def send(self, url: str, event: dict[str, Any]) -> int:
        """POST ``event``, signed, to ``url``; the status it answered."""
        import aiohttp

        body = orjson.dumps(event)
        headers = {"Content-Type": "application/json", **self.signer.sign(body)}
        async with (
            aiohttp.ClientSession() as session,
            session.post(url, data=body, headers=headers) as response,
        ):
            return response.status
