"""The one webhook verifier every integration uses: signature, freshness, replay, typed event."""

from __future__ import annotations

import base64
import binascii
import datetime as _dt
from collections.abc import Mapping
from typing import Any

import orjson

from .._clock import Clock, SystemClock
from .._dates import parse_wire_datetime
from .._errors import InvalidSignatureError
from .._models import structure
from ._events import EVENT_TYPES, WebhookEvent
from ._keys import KeysInput, ed25519_keys, require_cryptography, rsa_keys
from ._replay import MemoryReplayStore, ReplayStore

__all__ = [
    "DEFAULT_TOLERANCE",
    "LEGACY_SIGNATURE_HEADER",
    "SIGNATURE_HEADER",
    "ReplayedWebhookError",
    "Verifier",
    "decode",
]

SIGNATURE_HEADER = "x-ghl-signature"
"""The current header: Ed25519 over the exact raw body, base64."""

LEGACY_SIGNATURE_HEADER = "x-wh-signature"
"""The header HighLevel is retiring: RSA PKCS#1 v1.5 SHA-256 over the raw body, base64."""

DEFAULT_TOLERANCE = 300.0
"""Seconds a delivery's ``timestamp`` may be off before it is refused as stale (5 minutes)."""

_UNSIGNED = "n/a"  # what HighLevel sends in a signature header of an unsigned request


class ReplayedWebhookError(InvalidSignatureError):
    """This ``webhookId`` was already accepted: a duplicate delivery."""


class _NoReplayCheck:
    """A replay store that remembers nothing (the module-level ``parse`` without a store)."""

    async def first_time(self, webhook_id: str) -> bool:
        return True

    async def forget(self, webhook_id: str) -> None:
        return None


NO_REPLAY_CHECK: ReplayStore = _NoReplayCheck()


def _header(headers: Mapping[str, str], name: str) -> str | None:
    for key, value in headers.items():
        if key.lower() == name:
            text = value.strip()
            return None if not text or text.lower() == _UNSIGNED else text
    return None


def _signature_bytes(value: str) -> bytes:
    try:
        return base64.b64decode(value, validate=True)
    except (binascii.Error, ValueError):
        raise InvalidSignatureError("the webhook signature is not valid base64") from None


def _event_time(value: Any) -> _dt.datetime | None:
    if value is None:
        return None
    if isinstance(value, (int, float)) and not isinstance(value, bool) and value < 10**11:
        value = value * 1000  # epoch seconds
    try:
        return parse_wire_datetime(value)
    except (ValueError, TypeError, OverflowError):
        raise InvalidSignatureError(f"the webhook timestamp {value!r} is not a date") from None


def decode(raw_body: bytes) -> WebhookEvent:
    """The typed event of a payload (no verification): unknown types give a ``WebhookEvent``."""
    try:
        data = orjson.loads(raw_body)
    except orjson.JSONDecodeError as exc:
        raise ValueError(f"the webhook body is not JSON: {exc}") from None
    if not isinstance(data, dict):
        raise ValueError("the webhook body is not a JSON object")
    cls = EVENT_TYPES.get(str(data.get("type")), WebhookEvent)
    return structure(data, cls)


class Verifier:
    """Everything that decides whether a delivery is genuine, shared by every framework.

    ``public_keys`` verify ``x-ghl-signature`` (Ed25519; HighLevel's published key by default) and
    ``legacy_public_keys`` the retiring ``x-wh-signature`` (RSA; HighLevel's published key by
    default). Give several keys during a rotation: a signature valid under any of them passes.
    ``legacy=False`` refuses legacy signatures, and ``legacy_sunset`` (an aware datetime) refuses
    them from that moment on, read from ``clock``. A delivery whose ``timestamp`` is more than
    ``tolerance`` seconds off is refused as stale; a ``webhookId`` already accepted is refused as
    a replay (``replay_store``: in memory by default, remembering ids for as long as a delivery
    stays fresh; share a Redis-backed one across processes).

    Created once per app: it loads the keys up front, so a missing ``cryptography`` or a wrong
    key fails at start-up, never per delivery.
    """

    def __init__(
        self,
        *,
        public_keys: KeysInput | None = None,
        legacy_public_keys: KeysInput | None = None,
        legacy: bool = True,
        legacy_sunset: _dt.datetime | None = None,
        tolerance: float = DEFAULT_TOLERANCE,
        replay_store: ReplayStore | None = None,
        clock: Clock | None = None,
    ) -> None:
        require_cryptography()
        if tolerance <= 0:
            raise ValueError("tolerance must be a positive number of seconds")
        if legacy_sunset is not None and legacy_sunset.tzinfo is None:
            raise ValueError("legacy_sunset must be a timezone-aware datetime")
        self._keys = ed25519_keys(public_keys)
        self._legacy_keys = rsa_keys(legacy_public_keys) if legacy else ()
        self.legacy = legacy
        self.legacy_sunset = legacy_sunset
        self.tolerance = float(tolerance)
        self.clock: Clock = clock or SystemClock()
        if replay_store is None:
            # A delivery is fresh for 2 x tolerance around its timestamp: remember it that long.
            replay_store = MemoryReplayStore(ttl=max(600.0, 2 * self.tolerance), clock=self.clock)
        self.replay_store: ReplayStore = replay_store

    def __repr__(self) -> str:
        if not self.legacy:
            legacy = "off"
        elif self.legacy_sunset is not None:
            legacy = f"until {self.legacy_sunset.isoformat()}"
        else:
            legacy = "on"
        return (
            f"Verifier({len(self._keys)} Ed25519 key(s), {len(self._legacy_keys)} RSA key(s), "
            f"legacy {legacy}, tolerance {self.tolerance:.0f}s)"
        )

    def _legacy_refusal(self) -> str | None:
        if not self.legacy:
            return "legacy x-wh-signature deliveries are turned off (legacy=False)"
        sunset = self.legacy_sunset
        if sunset is not None and self.clock.time() >= sunset.timestamp():
            return f"legacy x-wh-signature deliveries are no longer accepted since {sunset}"
        return None

    def verify(self, raw_body: bytes, headers: Mapping[str, str]) -> str:
        """Check the signature over the exact raw bytes; return the header that verified it.

        Raises ``InvalidSignatureError`` for a missing (or ``N/A``), malformed or wrong signature.
        """
        if not isinstance(raw_body, (bytes, bytearray, memoryview)):
            raise TypeError("verify() needs the raw request body as bytes, before any JSON parsing")
        from cryptography.exceptions import InvalidSignature
        from cryptography.hazmat.primitives import hashes
        from cryptography.hazmat.primitives.asymmetric import padding

        body = bytes(raw_body)
        signature = _header(headers, SIGNATURE_HEADER)
        if signature is not None:
            signed = _signature_bytes(signature)
            for key in self._keys:
                try:
                    key.verify(signed, body)
                except InvalidSignature:
                    continue
                return SIGNATURE_HEADER
            raise InvalidSignatureError("the x-ghl-signature does not match the body")
        legacy = _header(headers, LEGACY_SIGNATURE_HEADER)
        if legacy is not None:
            refusal = self._legacy_refusal()
            if refusal is not None:
                raise InvalidSignatureError(refusal)
            signed = _signature_bytes(legacy)
            for key in self._legacy_keys:
                try:
                    key.verify(signed, body, padding.PKCS1v15(), hashes.SHA256())
                except InvalidSignature:
                    continue
                return LEGACY_SIGNATURE_HEADER
            raise InvalidSignatureError(
                "the x-wh-signature does not match the body under the legacy RSA key(s) "
                "(HighLevel's by default; pass legacy_public_key= for another)"
            )
        raise InvalidSignatureError(
            "the webhook carries no x-ghl-signature or x-wh-signature (missing, empty or N/A)"
        )

    def check_fresh(self, event: WebhookEvent) -> None:
        """Refuse an event whose ``timestamp`` is more than ``tolerance`` seconds off the clock."""
        sent_at = _event_time(event.timestamp)
        if sent_at is None:
            return
        age = self.clock.time() - sent_at.timestamp()
        if abs(age) > self.tolerance:
            raise InvalidSignatureError(
                f"the webhook timestamp is {age:.0f}s off (tolerance {self.tolerance:.0f}s): "
                "stale or replayed"
            )

    async def parse(self, raw_body: bytes, headers: Mapping[str, str]) -> WebhookEvent:
        """Verify, check freshness and replay, then return the typed event.

        Raises ``InvalidSignatureError`` (forged, unsigned, stale), its subclass
        ``ReplayedWebhookError`` (a ``webhookId`` accepted before) or ``ValueError`` (a signed body
        that is not a JSON object). Nothing is decoded before the signature has passed.
        """
        self.verify(raw_body, headers)
        event = decode(bytes(raw_body))
        self.check_fresh(event)
        if event.webhook_id and not await self.replay_store.first_time(event.webhook_id):
            raise ReplayedWebhookError(f"webhook {event.webhook_id!r} was already received")
        return event

    async def forget(self, event: WebhookEvent) -> None:
        """Let this event's ``webhookId`` through again: it failed, and HighLevel retries it."""
        if event.webhook_id:
            await self.replay_store.forget(event.webhook_id)
