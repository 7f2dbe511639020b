"""Signature verification, freshness and replay checks, and the aiohttp handler."""

from __future__ import annotations

import base64
import binascii
import datetime as _dt
import inspect
import logging
from collections.abc import Awaitable, Callable, Mapping
from typing import Any

import orjson

from .._clock import Clock, SystemClock
from .._dates import parse_wire_datetime
from .._errors import InvalidSignatureError
from .._models import structure
from ._events import (
    EVENT_TYPES,
    WebhookEvent,
)
from ._replay import MemoryReplayStore, ReplayStore

logger = logging.getLogger("ghl_conversations.webhooks")

#: HighLevel's published Ed25519 webhook key (SPKI, base64 DER).
GHL_ED25519_PUBLIC_KEY = "MCowBQYDK2VwAyEAi2HR1srL4o18O8BRa7gVJY7G7bupbN3H9AwJrHCDiOg="
SIGNATURE_HEADER = "x-ghl-signature"
LEGACY_SIGNATURE_HEADER = "x-wh-signature"

KeyInput = str | bytes | Any


class ReplayedWebhookError(InvalidSignatureError):
    """This ``webhookId`` was already accepted: a duplicate delivery."""


class RetryLater(Exception):
    """Raise from your callback to have HighLevel deliver the event again (answers 429)."""


def _crypto() -> Any:
    try:
        from cryptography.hazmat.primitives import serialization
    except ImportError:  # pragma: no cover - depends on the environment
        raise ImportError(
            "webhook verification needs 'cryptography': pip install ghl-conversations[webhooks]"
        ) from None
    return serialization


def load_public_key(key: KeyInput) -> Any:
    """A public key from PEM text/bytes, base64 SPKI DER, or a ``cryptography`` key object."""
    if not isinstance(key, (str, bytes)):
        return key
    serialization = _crypto()
    data = key.encode() if isinstance(key, str) else key
    if b"-----BEGIN" in data:
        return serialization.load_pem_public_key(data)
    try:
        return serialization.load_der_public_key(base64.b64decode(data, validate=True))
    except (binascii.Error, ValueError) as exc:
        raise ValueError("public key must be PEM or base64 DER (SPKI)") from exc


_DEFAULT_KEYS: dict[str, Any] = {}


def _ed25519_key(public_key: KeyInput | None) -> Any:
    if public_key is not None:
        return load_public_key(public_key)
    if "ed25519" not in _DEFAULT_KEYS:
        _DEFAULT_KEYS["ed25519"] = load_public_key(GHL_ED25519_PUBLIC_KEY)
    return _DEFAULT_KEYS["ed25519"]


def _header(headers: Mapping[str, str], name: str) -> str | None:
    for key, value in headers.items():
        if key.lower() == name:
            return value
    return None


def _signature_bytes(value: str) -> bytes:
    try:
        return base64.b64decode(value.strip(), validate=True)
    except (binascii.Error, ValueError):
        raise InvalidSignatureError("the webhook signature is not valid base64") from None


def verify(
    raw_body: bytes,
    headers: Mapping[str, str],
    *,
    public_key: KeyInput | None = None,
    legacy_public_key: KeyInput | None = None,
) -> str:
    """Check the signature over the exact raw bytes; return which header verified it.

    Raises ``InvalidSignatureError`` for a missing, malformed or wrong signature.
    """
    if not isinstance(raw_body, (bytes, bytearray)):
        raise TypeError("verify() needs the raw request body as bytes, before any JSON parsing")
    from cryptography.exceptions import InvalidSignature
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.asymmetric import ed25519, padding, rsa

    signature = _header(headers, SIGNATURE_HEADER)
    if signature is not None:
        key = _ed25519_key(public_key)
        if not isinstance(key, ed25519.Ed25519PublicKey):
            raise ValueError("public_key must be an Ed25519 public key")
        try:
            key.verify(_signature_bytes(signature), bytes(raw_body))
        except InvalidSignature:
            raise InvalidSignatureError("the x-ghl-signature does not match the body") from None
        return SIGNATURE_HEADER
    legacy = _header(headers, LEGACY_SIGNATURE_HEADER)
    if legacy is not None:
        if legacy_public_key is None:
            raise InvalidSignatureError(
                "only a legacy x-wh-signature was sent: pass legacy_public_key= "
                "(HighLevel's published RSA key, PEM) to accept it"
            )
        key = load_public_key(legacy_public_key)
        if not isinstance(key, rsa.RSAPublicKey):
            raise ValueError("legacy_public_key must be an RSA public key")
        try:
            key.verify(
                _signature_bytes(legacy), bytes(raw_body), padding.PKCS1v15(), hashes.SHA256()
            )
        except InvalidSignature:
            raise InvalidSignatureError("the x-wh-signature does not match the body") from None
        return LEGACY_SIGNATURE_HEADER
    raise InvalidSignatureError("the webhook carries no x-ghl-signature or x-wh-signature")


def _event_time(value: Any) -> _dt.datetime | None:
    if value is None:
        return None
    if isinstance(value, (int, float)) and not isinstance(value, bool) and value < 10**11:
        value = value * 1000  # epoch seconds
    try:
        return parse_wire_datetime(value)
    except (ValueError, TypeError):
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


async def parse(
    raw_body: bytes,
    headers: Mapping[str, str],
    *,
    public_key: KeyInput | None = None,
    legacy_public_key: KeyInput | None = None,
    tolerance: float = 300.0,
    replay_store: ReplayStore | None = None,
    clock: Clock | None = None,
) -> WebhookEvent:
    """Verify, check freshness (``timestamp`` within ``tolerance`` seconds) and replay, decode.

    Raises ``InvalidSignatureError`` (bad signature, stale timestamp) or its subclass
    ``ReplayedWebhookError`` (a ``webhookId`` seen before, when a ``replay_store`` is given).
    """
    verify(raw_body, headers, public_key=public_key, legacy_public_key=legacy_public_key)
    event = decode(raw_body)
    sent_at = _event_time(event.timestamp)
    if sent_at is not None:
        now = (clock or SystemClock()).time()
        age = now - sent_at.timestamp()
        if abs(age) > tolerance:
            raise InvalidSignatureError(
                f"the webhook timestamp is {age:.0f}s off (tolerance {tolerance:.0f}s): "
                "stale or replayed"
            )
    replayed = (
        replay_store is not None
        and event.webhook_id
        and not await replay_store.first_time(event.webhook_id)
    )
    if replayed:
        raise ReplayedWebhookError(f"webhook {event.webhook_id!r} was already received")
    return event


Callback = Callable[[WebhookEvent], Awaitable[None] | None]


def handler(
    on_event: Callback,
    *,
    public_key: KeyInput | None = None,
    legacy_public_key: KeyInput | None = None,
    tolerance: float = 300.0,
    replay_store: ReplayStore | None = None,
    clock: Clock | None = None,
) -> Callable[[Any], Awaitable[Any]]:
    """An aiohttp.web handler: ``app.router.add_post("/ghl", webhooks.handler(on_event))``.

    401 bad signature or stale; 400 not JSON; 200 duplicate (callback not called again); 429 when
    the callback raises ``RetryLater``; 500 when it raises anything else; 200 otherwise.
    """
    from aiohttp import web

    store = replay_store if replay_store is not None else MemoryReplayStore(clock=clock)

    async def handle(request: web.Request) -> web.Response:
        raw = await request.read()
        try:
            event = await parse(
                raw,
                request.headers,
                public_key=public_key,
                legacy_public_key=legacy_public_key,
                tolerance=tolerance,
                replay_store=store,
                clock=clock,
            )
        except ReplayedWebhookError:
            return web.json_response({"status": "duplicate"}, status=200)
        except InvalidSignatureError as exc:
            logger.warning("rejected a webhook: %s", exc)
            return web.json_response({"error": str(exc)}, status=401)
        except ValueError as exc:
            return web.json_response({"error": str(exc)}, status=400)
        try:
            outcome = on_event(event)
            if inspect.isawaitable(outcome):
                await outcome
        except RetryLater:
            if event.webhook_id:
                await store.forget(event.webhook_id)
            return web.json_response({"status": "retry"}, status=429)
        except Exception:
            logger.exception("the webhook callback failed for %s", event.type)
            if event.webhook_id:
                await store.forget(event.webhook_id)
            return web.json_response({"error": "callback failed"}, status=500)
        return web.json_response({"status": "ok"}, status=200)

    return handle
