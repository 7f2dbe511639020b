"""Verified, typed HighLevel webhooks for bots, and an aiohttp handler that answers them correctly.

```python
from aiohttp import web
from ghl_conversations import webhooks

async def on_event(event: webhooks.WebhookEvent) -> None:
    if isinstance(event, webhooks.MessageEvent) and event.is_inbound:
        ...

app = web.Application()
app.router.add_post("/ghl", webhooks.handler(on_event))
```

Signatures: ``x-ghl-signature`` is Ed25519 over the exact raw body (HighLevel's published key is
the default); the legacy ``x-wh-signature`` is RSA PKCS#1 v1.5 SHA-256 and needs
``legacy_public_key=`` (HighLevel's published RSA key, PEM). Needs the ``cryptography`` package
(``pip install ghl-conversations[webhooks]``).

The handler answers 401 for a bad signature or a stale timestamp, 200 without calling you again
for a replayed ``webhookId``, and 429 when your callback raises ``RetryLater`` (HighLevel retries
only 429s).
"""

from .._errors import InvalidSignatureError
from .._models import to_dict
from ._events import (
    AppInstallEvent,
    ConversationUnreadUpdateEvent,
    MessageEvent,
    ProviderOutboundMessageEvent,
    WebhookEvent,
)
from ._replay import MemoryReplayStore, ReplayStore
from ._verify import (
    GHL_ED25519_PUBLIC_KEY,
    ReplayedWebhookError,
    RetryLater,
    handler,
    parse,
    verify,
)

__all__ = [
    "GHL_ED25519_PUBLIC_KEY",
    "AppInstallEvent",
    "ConversationUnreadUpdateEvent",
    "InvalidSignatureError",
    "MemoryReplayStore",
    "MessageEvent",
    "ProviderOutboundMessageEvent",
    "ReplayStore",
    "ReplayedWebhookError",
    "RetryLater",
    "WebhookEvent",
    "handler",
    "parse",
    "to_dict",
    "verify",
]
