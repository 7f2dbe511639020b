"""The attempt loop over a transport: one retry decision, rate limiter, token refresh and hooks."""

from ._core import (
    API_VERSION,
    CallOptions,
    HTTPCore,
    WireCall,
)
from ._decision import (
    Action,
    Decision,
    RetryCondition,
    decide,
)
from ._hooks import (
    Hooks,
    RateLimitWaitEvent,
    RequestEvent,
    ResponseEvent,
    RetryEvent,
)
from ._ratelimit import (
    RateLimitConfig,
    RateLimiter,
)
from ._retry import (
    RetryPolicy,
)

__all__ = [
    "API_VERSION",
    "Action",
    "CallOptions",
    "Decision",
    "HTTPCore",
    "Hooks",
    "RateLimitConfig",
    "RateLimitWaitEvent",
    "RateLimiter",
    "RequestEvent",
    "ResponseEvent",
    "RetryCondition",
    "RetryEvent",
    "RetryPolicy",
    "WireCall",
    "decide",
]
