"""ghl-conversations: an asyncio-first SDK for the HighLevel (GoHighLevel) Conversations API.

```python
import ghl_conversations as ghl

async with ghl.Client(token="pit-...") as client:
    async for msg in client.messages.export(location_id="loc", channel="SMS"):
        ...
```
"""

from ._auth import (
    LocationTokenExchange,
    MemoryTokenStore,
    OAuthRefresher,
    StaticToken,
    TokenProvider,
    TokenSet,
    TokenStore,
)
from ._client import DEFAULT_BASE_URL, Client
from ._clock import Clock, ManualClock, SystemClock
from ._converter import structure, to_dict
from ._enums import Direction, MessageSource, MessageStatus, MessageType, OpenStrEnum
from ._errors import (
    APIConnectionError,
    APIStatusError,
    APITimeoutError,
    AuthenticationError,
    BadRequestError,
    CursorExpiredError,
    GHLError,
    InvalidSignatureError,
    NotFoundError,
    PayloadTooLargeError,
    PermissionDeniedError,
    RateLimitError,
    ServerError,
    UnprocessableEntityError,
    UnsupportedMediaTypeError,
)
from ._export import MessageExport
from ._files import ALLOWED_EXTENSIONS
from ._hooks import Hooks, RateLimitWaitEvent, RequestEvent, ResponseEvent, RetryEvent
from ._http import API_VERSION
from ._models import (
    CallData,
    CancelScheduledResult,
    CompleteUploadResult,
    Conversation,
    ConversationResult,
    ConversationSearchPage,
    Email,
    ExportPage,
    ForwardConfig,
    InitiateUploadResult,
    Message,
    MessageError,
    MessageMeta,
    MessagesPage,
    ProcessMessageResult,
    SendMessageResult,
    SubscriptionAction,
    SuccessResult,
    TranscriptionSentence,
    UploadResult,
)
from ._pagination import ConversationMessages, ConversationSearch, Page, PagedIterator
from ._ratelimit import RateLimitConfig
from ._retry import RetryPolicy
from ._transport import AiohttpTransport, FormPart, Request, Response, Timeout, Transport
from ._version import __version__

__all__ = [
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
    "NotFoundError",
    "OAuthRefresher",
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
    "UnprocessableEntityError",
    "UnsupportedMediaTypeError",
    "UploadResult",
    "__version__",
    "structure",
    "to_dict",
]
