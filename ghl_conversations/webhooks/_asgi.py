"""The ASGI integration: ``app.mount("/ghl", webhooks.asgi(on_event))`` in Starlette or FastAPI.

A plain ASGI 3 application (no framework imported), so it also runs under any ASGI server on its
own. It reads the raw body once, up to the limit, and answers with the same status codes as the
aiohttp handler.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

from ._delivery import (
    DEFAULT_MAX_BODY_SIZE,
    Answer,
    Callback,
    check_limit,
    deliver,
    not_allowed,
    too_large,
)
from ._verifier import Verifier

__all__ = ["ASGIApp", "asgi"]

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]
"""An ASGI 3 application: ``await app(scope, receive, send)``."""


class _Disconnected(Exception):
    """The client went away before the whole body arrived."""


def _headers(scope: Scope) -> dict[str, str]:
    headers: dict[str, str] = {}
    for name, value in scope.get("headers", ()):
        headers.setdefault(bytes(name).decode("latin-1").lower(), bytes(value).decode("latin-1"))
    return headers


async def _read_body(receive: Receive, headers: dict[str, str], limit: int) -> bytes | None:
    """The whole body, or None once it is known to exceed ``limit`` bytes."""
    declared = headers.get("content-length", "")
    if declared.isdigit() and int(declared) > limit:
        return None
    body = bytearray()
    while True:
        message = await receive()
        if message["type"] == "http.disconnect":
            raise _Disconnected
        body += message.get("body", b"")
        if len(body) > limit:
            return None
        if not message.get("more_body", False):
            return bytes(body)


async def _send(send: Send, answer: Answer, extra: tuple[tuple[bytes, bytes], ...] = ()) -> None:
    payload = answer.json()
    headers = [
        (b"content-type", b"application/json"),
        (b"content-length", str(len(payload)).encode()),
        *extra,
    ]
    await send({"type": "http.response.start", "status": answer.status, "headers": headers})
    await send({"type": "http.response.body", "body": payload})


async def _lifespan(receive: Receive, send: Send) -> None:
    while True:
        message = await receive()
        if message["type"] == "lifespan.startup":
            await send({"type": "lifespan.startup.complete"})
        elif message["type"] == "lifespan.shutdown":
            await send({"type": "lifespan.shutdown.complete"})
            return


class _WebhookApp:
    """The ASGI app ``asgi()`` returns: an object, not a function, so Starlette's ``Route``
    treats it as an ASGI app too."""

    def __init__(self, on_event: Callback, verifier: Verifier, limit: int) -> None:
        self.on_event = on_event
        self.verifier = verifier
        self.max_body_size = limit

    def __repr__(self) -> str:
        return f"webhooks.asgi({self.on_event!r}, verifier={self.verifier!r})"

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "lifespan":
            await _lifespan(receive, send)
            return
        if scope["type"] != "http":
            if scope["type"] == "websocket":
                await send({"type": "websocket.close", "code": 1008})
            return
        if scope.get("method") != "POST":
            await _send(send, not_allowed(), ((b"allow", b"POST"),))
            return
        headers = _headers(scope)
        try:
            raw = await _read_body(receive, headers, self.max_body_size)
        except _Disconnected:
            return
        if raw is None:
            await _send(send, too_large(self.max_body_size), ((b"connection", b"close"),))
            return
        await _send(send, await deliver(self.verifier, self.on_event, raw, headers))


def asgi(
    on_event: Callback,
    *,
    verifier: Verifier | None = None,
    max_body_size: int = DEFAULT_MAX_BODY_SIZE,
) -> ASGIApp:
    """An ASGI app answering HighLevel's deliveries: ``app.mount("/ghl", webhooks.asgi(on_event))``
    (the webhook URL is then ``.../ghl/``) or ``Route("/ghl", webhooks.asgi(on_event))``.

    ``verifier`` defaults to ``Verifier()`` (HighLevel's keys, 5-minute tolerance, in-memory replay
    store). 401 forged, unsigned or stale; 200 duplicate (callback not called again); 429 when the
    callback raises ``RetryLater``; 400 not a JSON object; 413 over ``max_body_size``; 405 for
    anything but POST; 500 when the callback fails otherwise.
    """
    checked = verifier if verifier is not None else Verifier()
    return _WebhookApp(on_event, checked, check_limit(max_body_size))
