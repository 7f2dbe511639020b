"""ghl-conversations: an asyncio-first SDK for the HighLevel (GoHighLevel) Conversations API.

```python
import ghl_conversations as ghl

async with ghl.Client(token="pit-...") as client:
    async for msg in client.messages.export(location_id="loc", channel="SMS"):
        ...
```

The layers, top to bottom; data flows down, never back up, and each folder is one layer:

```
cli/ temporal/ dlt/  the command line; fleet export on Temporal; the dlt warehouse source
testing/             FakeHighLevel (an in-process HighLevel), webhook signer, pytest fixtures
webhooks/            one Verifier; aiohttp handler, ASGI app, FastAPI dependency; typed events
_resources/          client.conversations / .messages / ... generated from the endpoint table
_pagination/         async iterators: export cursor (checkpoints), lastMessageId, startAfterDate
_operations/         THE endpoint table: rows, request encoding, response decoding, constants
_models/             attrs models, open enums, the cattrs converter (camelCase wire <-> snake_case)
_pipeline/           the attempt loop: one retry decision, rate limiter, token refresh, hooks
_auth/               token providers, OAuth refresh, token stores (memory, SQLite, PostgreSQL)
_transport/          the HTTP seam: request/response types, aiohttp transport, MockTransport
_errors, _dates, _clock   the exception tree, the one date module, the injectable clock
```

Names are imported on first use (PEP 562), so ``import ghl_conversations`` (and the CLI's
``--help``) stays fast and loads no HTTP stack until a client is made.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from ._version import __version__

if TYPE_CHECKING:
    from ._auth import (
        LocationTokenExchange,
        MemoryTokenStore,
        OAuthRefresher,
        PostgresTokenStore,
        SQLiteTokenStore,
        StaticToken,
        TokenProvider,
        TokenSet,
        TokenStore,
    )
    from ._client import (
        DEFAULT_BASE_URL,
        Client,
    )
    from ._clock import (
        Clock,
        ManualClock,
        SystemClock,
    )
    from ._errors import (
        APIConnectionError,
        APIResponseValidationError,
        APIStatusError,
        APITimeoutError,
        AuthenticationError,
        BadRequestError,
        ClientClosedError,
        CursorExpiredError,
        ErrorKind,
        GHLError,
        InvalidSignatureError,
        NoProgressError,
        NotFoundError,
        PayloadTooLargeError,
        PermissionDeniedError,
        RateLimitError,
        ServerError,
        UnprocessableEntityError,
        UnsupportedMediaTypeError,
    )
    from ._models import (
        CallData,
        CancelScheduledResult,
        CompleteUploadResult,
        Conversation,
        ConversationResult,
        ConversationSearchPage,
        Direction,
        Email,
        ExportPage,
        ForwardConfig,
        InitiateUploadResult,
        Message,
        MessageError,
        MessageMeta,
        MessageSource,
        MessagesPage,
        MessageStatus,
        MessageType,
        OpenStrEnum,
        ProcessMessageResult,
        SendMessageResult,
        SubscriptionAction,
        SuccessResult,
        TranscriptionSentence,
        UploadResult,
        structure,
        to_dict,
    )
    from ._operations import (
        ALLOWED_EXTENSIONS,
    )
    from ._pagination import (
        ConversationMessages,
        ConversationSearch,
        MessageExport,
        Page,
        PagedIterator,
    )
    from ._pipeline import (
        API_VERSION,
        Hooks,
        RateLimitConfig,
        RateLimitWaitEvent,
        RequestEvent,
        ResponseEvent,
        RetryEvent,
        RetryPolicy,
    )
    from ._transport import (
        AiohttpTransport,
        FormPart,
        MockTransport,
        Request,
        Response,
        Timeout,
        Transport,
        TransportStats,
    )

#: Public name -> the private module that defines it.
_LAZY_NAMES: dict[str, str] = {
    "ALLOWED_EXTENSIONS": "._operations",
    "APIConnectionError": "._errors",
    "APIResponseValidationError": "._errors",
    "APIStatusError": "._errors",
    "APITimeoutError": "._errors",
    "API_VERSION": "._pipeline",
    "AiohttpTransport": "._transport",
    "AuthenticationError": "._errors",
    "BadRequestError": "._errors",
    "CallData": "._models",
    "CancelScheduledResult": "._models",
    "Client": "._client",
    "ClientClosedError": "._errors",
    "Clock": "._clock",
    "CompleteUploadResult": "._models",
    "Conversation": "._models",
    "ConversationMessages": "._pagination",
    "ConversationResult": "._models",
    "ConversationSearch": "._pagination",
    "ConversationSearchPage": "._models",
    "CursorExpiredError": "._errors",
    "DEFAULT_BASE_URL": "._client",
    "Direction": "._models",
    "Email": "._models",
    "ErrorKind": "._errors",
    "ExportPage": "._models",
    "FormPart": "._transport",
    "ForwardConfig": "._models",
    "GHLError": "._errors",
    "Hooks": "._pipeline",
    "InitiateUploadResult": "._models",
    "InvalidSignatureError": "._errors",
    "LocationTokenExchange": "._auth",
    "ManualClock": "._clock",
    "MemoryTokenStore": "._auth",
    "Message": "._models",
    "MessageError": "._models",
    "MessageExport": "._pagination",
    "MessageMeta": "._models",
    "MessageSource": "._models",
    "MessageStatus": "._models",
    "MessageType": "._models",
    "MessagesPage": "._models",
    "MockTransport": "._transport",
    "NoProgressError": "._errors",
    "NotFoundError": "._errors",
    "OAuthRefresher": "._auth",
    "OpenStrEnum": "._models",
    "Page": "._pagination",
    "PagedIterator": "._pagination",
    "PayloadTooLargeError": "._errors",
    "PermissionDeniedError": "._errors",
    "PostgresTokenStore": "._auth",
    "ProcessMessageResult": "._models",
    "RateLimitConfig": "._pipeline",
    "RateLimitError": "._errors",
    "RateLimitWaitEvent": "._pipeline",
    "Request": "._transport",
    "RequestEvent": "._pipeline",
    "Response": "._transport",
    "ResponseEvent": "._pipeline",
    "RetryEvent": "._pipeline",
    "RetryPolicy": "._pipeline",
    "SQLiteTokenStore": "._auth",
    "SendMessageResult": "._models",
    "ServerError": "._errors",
    "StaticToken": "._auth",
    "SubscriptionAction": "._models",
    "SuccessResult": "._models",
    "SystemClock": "._clock",
    "Timeout": "._transport",
    "TokenProvider": "._auth",
    "TokenSet": "._auth",
    "TokenStore": "._auth",
    "TranscriptionSentence": "._models",
    "Transport": "._transport",
    "TransportStats": "._transport",
    "UnprocessableEntityError": "._errors",
    "UnsupportedMediaTypeError": "._errors",
    "UploadResult": "._models",
    "structure": "._models",
    "to_dict": "._models",
}


def __getattr__(name: str) -> Any:
    """Import a public name's module on first use and cache the name here."""
    module_name = _LAZY_NAMES.get(name)
    if module_name is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(module_name, __name__), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))


__all__ = [
    "APIResponseValidationError",
    "ClientClosedError",
    "NoProgressError",
    "ALLOWED_EXTENSIONS",
    "API_VERSION",
    "DEFAULT_BASE_URL",
    "APIConnectionError",
    "APIStatusError",
    "APITimeoutError",
    "AiohttpTransport",
    "AuthenticationError",
    "BadRequestError",
    "CallData",
    "CancelScheduledResult",
    "Client",
    "Clock",
    "CompleteUploadResult",
    "Conversation",
    "ConversationMessages",
    "ConversationResult",
    "ConversationSearch",
    "ConversationSearchPage",
    "CursorExpiredError",
    "Direction",
    "Email",
    "ErrorKind",
    "ExportPage",
    "FormPart",
    "ForwardConfig",
    "GHLError",
    "Hooks",
    "InitiateUploadResult",
    "InvalidSignatureError",
    "LocationTokenExchange",
    "ManualClock",
    "MemoryTokenStore",
    "Message",
    "MessageError",
    "MessageExport",
    "MessageMeta",
    "MessageSource",
    "MessageStatus",
    "MessageType",
    "MessagesPage",
    "MockTransport",
    "NotFoundError",
    "OAuthRefresher",
    "PostgresTokenStore",
    "SQLiteTokenStore",
    "OpenStrEnum",
    "Page",
    "PagedIterator",
    "PayloadTooLargeError",
    "PermissionDeniedError",
    "ProcessMessageResult",
    "RateLimitConfig",
    "RateLimitError",
    "RateLimitWaitEvent",
    "Request",
    "RequestEvent",
    "Response",
    "ResponseEvent",
    "RetryEvent",
    "RetryPolicy",
    "SendMessageResult",
    "ServerError",
    "StaticToken",
    "SubscriptionAction",
    "SuccessResult",
    "SystemClock",
    "Timeout",
    "TokenProvider",
    "TokenSet",
    "TokenStore",
    "TranscriptionSentence",
    "Transport",
    "TransportStats",
    "UnprocessableEntityError",
    "UnsupportedMediaTypeError",
    "UploadResult",
    "__version__",
    "structure",
    "to_dict",
]
