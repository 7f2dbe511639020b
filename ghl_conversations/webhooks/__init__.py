"""Verified, typed HighLevel webhooks for bots, with one verifier for every framework.

```python
from aiohttp import web
from ghl_conversations import webhooks

async def on_event(event: webhooks.WebhookEvent) -> None:
    if isinstance(event, webhooks.MessageEvent) and event.is_inbound:
        ...

app = web.Application()
app.router.add_post("/ghl", webhooks.handler(on_event))          # aiohttp
# starlette_or_fastapi_app.mount("/ghl", webhooks.asgi(on_event))  # any ASGI framework
# FastAPI route: event = Depends(webhooks.fastapi.verified_event())
```

``Verifier`` holds the keys (HighLevel's Ed25519 key for ``x-ghl-signature`` and its legacy RSA
key for ``x-wh-signature`` by default; several at once during a rotation; legacy off or with a
sunset date), the timestamp tolerance (5 minutes) and the replay store, and verifies the exact
raw bytes. A signature header reading ``N/A`` counts as missing. Needs the ``cryptography``
package (``pip install 'ghl-conversations[webhooks]'``); without it creating a verifier, handler
or ASGI app raises a clear ``ImportError``.

Every integration answers 401 for a forged, unsigned or stale delivery, 200 without calling you
again for a replayed ``webhookId``, 429 when your callback raises ``RetryLater`` (HighLevel
retries only 429s), 400 for a body that is not a JSON object and 413 over the body limit.
"""

from typing import Any

from .._errors import InvalidSignatureError
from .._models import to_dict
from ._aiohttp import handler
from ._asgi import ASGIApp, asgi
from ._delivery import DEFAULT_MAX_BODY_SIZE, Callback, RetryLater
from ._events import (
    AppInstallEvent,
    ConversationUnreadUpdateEvent,
    MessageEvent,
    ProviderOutboundMessageEvent,
    WebhookEvent,
)
from ._keys import CRYPTOGRAPHY_MISSING, GHL_ED25519_PUBLIC_KEY, GHL_RSA_PUBLIC_KEY, load_public_key
from ._replay import MemoryReplayStore, ReplayStore
from ._verifier import (
    DEFAULT_TOLERANCE,
    LEGACY_SIGNATURE_HEADER,
    SIGNATURE_HEADER,
    ReplayedWebhookError,
    Verifier,
    decode,
)
from ._verify import parse, verify

__all__ = [
    "CRYPTOGRAPHY_MISSING",
    "DEFAULT_MAX_BODY_SIZE",
    "DEFAULT_TOLERANCE",
    "GHL_ED25519_PUBLIC_KEY",
    "GHL_RSA_PUBLIC_KEY",
    "LEGACY_SIGNATURE_HEADER",
    "SIGNATURE_HEADER",
    "ASGIApp",
    "AppInstallEvent",
    "Callback",
    "ConversationUnreadUpdateEvent",
    "InvalidSignatureError",
    "MemoryReplayStore",
    "MessageEvent",
    "ProviderOutboundMessageEvent",
    "ReplayStore",
    "ReplayedWebhookError",
    "RetryLater",
    "Verifier",
    "WebhookEvent",
    "asgi",
    "decode",
    "handler",
    "load_public_key",
    "parse",
    "to_dict",
    "verify",
]


def __getattr__(name: str) -> Any:
    """``webhooks.fastapi`` on first use, so importing this package never imports FastAPI."""
    if name == "fastapi":
        import importlib

        return importlib.import_module(".fastapi", __name__)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
