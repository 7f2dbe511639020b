"""When to retry and how long to wait: the policy alone, no I/O.

Idempotent calls (GET, PUT, DELETE) retry on connection errors, timeouts, 408, 409, 429 and 5xx.
Calls that create something (send a message...) retry only when the request provably never left
(the connection was refused) or the server refused it unprocessed (429): HighLevel has no
idempotency key, and a retried send after a 500 can text a contact twice.
"""

from __future__ import annotations

import random

import attrs

from .._errors import (
    APIConnectionError,
    APIResponseValidationError,
    APIStatusError,
    RateLimitError,
)

__all__ = ["RetryPolicy"]

RETRY_STATUSES = frozenset({408, 409, 429, 500, 502, 503, 504})


@attrs.frozen
class RetryPolicy:
    """``min(initial * 2**n, max_delay)`` seconds with jitter; ``Retry-After`` wins when given."""

    initial_delay: float = 0.5
    max_delay: float = 8.0
    jitter: float = 0.25
    #: A ``Retry-After`` longer than this is not waited out: the error is raised at once.
    max_retry_after: float = 60.0

    def backoff(self, attempt: int, rng: random.Random | None = None) -> float:
        base = min(self.initial_delay * (2**attempt), self.max_delay)
        spread: float = (rng or random).uniform(-self.jitter, self.jitter)
        return float(max(0.0, base * (1.0 + spread)))

    def should_retry(self, error: Exception, *, idempotent: bool) -> bool:
        if isinstance(error, APIConnectionError):
            return idempotent or not error.request_sent
        if isinstance(error, RateLimitError):
            return error.retry_after is None or error.retry_after <= self.max_retry_after
        if isinstance(error, APIStatusError):
            return idempotent and error.status in RETRY_STATUSES
        if isinstance(error, APIResponseValidationError):
            return idempotent
        return False

    def delay_for(self, error: Exception, attempt: int, rng: random.Random | None = None) -> float:
        if isinstance(error, RateLimitError) and error.retry_after is not None:
            return error.retry_after
        return self.backoff(attempt, rng)
