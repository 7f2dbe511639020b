"""The aiohttp integration: ``app.router.add_post("/ghl", webhooks.handler(on_event))``."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING

from .._clock import Clock
from ._delivery import DEFAULT_MAX_BODY_SIZE, Answer, Callback, check_limit, deliver, too_large
from ._keys import KeysInput
from ._replay import ReplayStore
from ._verifier import DEFAULT_TOLERANCE, Verifier

if TYPE_CHECKING:
    from aiohttp import web

__all__ = ["handler"]


async def _read_limited(request: web.Request, limit: int) -> bytes | None:
    """The whole body, or None as soon as it is known to exceed ``limit`` bytes."""
    declared = request.content_length
    if declared is not None and declared > limit:
        return None
    body = bytearray()
    async for chunk in request.content.iter_chunked(65_536):
        body += chunk
        if len(body) > limit:
            return None
    return bytes(body)


def handler(
    on_event: Callback,
    *,
    verifier: Verifier | None = None,
    public_key: KeysInput | None = None,
    legacy_public_key: KeysInput | None = None,
    tolerance: float = DEFAULT_TOLERANCE,
    replay_store: ReplayStore | None = None,
    clock: Clock | None = None,
    max_body_size: int = DEFAULT_MAX_BODY_SIZE,
) -> Callable[[web.Request], Awaitable[web.Response]]:
    """An aiohttp.web handler: ``app.router.add_post("/ghl", webhooks.handler(on_event))``.

    401 bad signature, unsigned or stale; 400 not JSON; 413 over ``max_body_size``; 200 duplicate
    (callback not called again); 429 when the callback raises ``RetryLater``; 500 when it raises
    anything else; 200 otherwise. Pass a ``verifier`` or the keyword arguments of one.
    """
    from aiohttp import web

    if verifier is None:
        verifier = Verifier(
            public_keys=public_key,
            legacy_public_keys=legacy_public_key,
            tolerance=tolerance,
            replay_store=replay_store,
            clock=clock,
        )
    elif (public_key, legacy_public_key, replay_store, clock) != (None, None, None, None) or (
        tolerance != DEFAULT_TOLERANCE
    ):
        raise TypeError("pass either verifier= or the arguments of one (keys, clock...), not both")
    limit = check_limit(max_body_size)
    checked = verifier

    def respond(answer: Answer) -> web.Response:
        return web.json_response(dict(answer.body), status=answer.status)

    async def handle(request: web.Request) -> web.Response:
        raw = await _read_limited(request, limit)
        if raw is None:
            return respond(too_large(limit))
        return respond(await deliver(checked, on_event, raw, request.headers))

    return handle
