"""Request hooks: plain callbacks a user connects to metrics, tracing or audit logs.

Events carry the operation, path, location, attempt and timing, never headers or tokens. A hook
that raises is logged and ignored: observability must not break the call it observes.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

import attrs

__all__ = ["Hooks", "RateLimitWaitEvent", "RequestEvent", "ResponseEvent", "RetryEvent"]

logger = logging.getLogger("ghl_conversations")


@attrs.frozen
class RequestEvent:
    operation_id: str
    method: str
    path: str
    location_id: str | None
    attempt: int


@attrs.frozen
class ResponseEvent:
    operation_id: str
    method: str
    path: str
    location_id: str | None
    attempt: int
    status: int | None
    elapsed: float
    error: str | None = None


@attrs.frozen
class RetryEvent:
    operation_id: str
    method: str
    path: str
    location_id: str | None
    attempt: int
    delay: float
    reason: str


@attrs.frozen
class RateLimitWaitEvent:
    operation_id: str
    location_id: str | None
    seconds: float


@attrs.define
class Hooks:
    """Lists of callbacks, one list per event; append your own."""

    on_request: list[Callable[[RequestEvent], Any]] = attrs.field(factory=list)
    on_response: list[Callable[[ResponseEvent], Any]] = attrs.field(factory=list)
    on_retry: list[Callable[[RetryEvent], Any]] = attrs.field(factory=list)
    on_rate_limit_wait: list[Callable[[RateLimitWaitEvent], Any]] = attrs.field(factory=list)

    def emit(self, callbacks: list[Callable[[Any], Any]], event: object) -> None:
        for callback in callbacks:
            try:
                callback(event)
            except Exception:
                logger.exception("a ghl_conversations hook raised; ignoring it")
