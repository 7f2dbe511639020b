"""FastAPI: a dependency that verifies the raw body and hands your route the typed event.

```python
from fastapi import Depends, FastAPI
from ghl_conversations import webhooks
from ghl_conversations.webhooks.fastapi import verified_event

app = FastAPI()
ghl_event = verified_event()  # one Verifier (keys, tolerance, replay store) for the app


@app.post("/ghl")
async def hook(event: webhooks.WebhookEvent = Depends(ghl_event)) -> dict[str, str]:
    if isinstance(event, webhooks.MessageEvent) and event.is_inbound:
        ...
    return {"status": "ok"}
```

Same answers as the other integrations: 401 forged, unsigned or stale; 200 for a duplicate
without running the route; 400 not a JSON object; 413 over ``max_body_size``; 429 when the route
raises ``webhooks.RetryLater``. Needs ``pip install 'ghl-conversations[fastapi]'``.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from typing import TYPE_CHECKING

from ._delivery import (
    DEFAULT_MAX_BODY_SIZE,
    Answer,
    RetryLater,
    check_limit,
    too_large,
    verified,
)
from ._events import WebhookEvent
from ._verifier import Verifier

if TYPE_CHECKING:
    from starlette.requests import Request

__all__ = ["verified_event"]

_FASTAPI_MISSING = (
    "the FastAPI webhook dependency needs FastAPI: pip install 'ghl-conversations[fastapi]'"
)


async def _read_limited(request: Request, limit: int) -> bytes | None:
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > limit:
        return None
    body = bytearray()
    async for chunk in request.stream():
        body += chunk
        if len(body) > limit:
            return None
    return bytes(body)


def verified_event(
    verifier: Verifier | None = None, *, max_body_size: int = DEFAULT_MAX_BODY_SIZE
) -> Callable[[Request], AsyncIterator[WebhookEvent]]:
    """A dependency giving the route a verified, fresh, first-seen ``WebhookEvent``.

    ``verifier`` defaults to ``Verifier()`` (HighLevel's keys). Create the dependency once and
    reuse it, so its replay store sees every delivery. If the route raises ``RetryLater`` the
    answer is 429 and the ``webhookId`` is forgotten, so HighLevel's retry is processed again.
    """
    try:
        from fastapi import HTTPException
        from starlette.requests import Request as _Request
    except ImportError:
        raise ImportError(_FASTAPI_MISSING) from None
    checked = verifier if verifier is not None else Verifier()
    limit = check_limit(max_body_size)

    def refuse(answer: Answer) -> HTTPException:
        detail = answer.body.get("error") or answer.body.get("status", "")
        return HTTPException(status_code=answer.status, detail=detail)

    async def ghl_webhook_event(request: Request) -> AsyncIterator[WebhookEvent]:
        raw = await _read_limited(request, limit)
        if raw is None:
            raise refuse(too_large(limit))
        event = await verified(checked, raw, request.headers)
        if isinstance(event, Answer):
            raise refuse(event)
        try:
            yield event
        except RetryLater:
            await checked.forget(event)
            raise refuse(Answer(429, {"status": "retry"})) from None
        except BaseException:
            await checked.forget(event)
            raise

    # FastAPI reads the parameter's type to inject the request; the class is imported only here.
    ghl_webhook_event.__annotations__["request"] = _Request
    return ghl_webhook_event
