"""The retry decision: after a failed attempt, retry after a delay, refresh the token, or raise.

This is the only place that decides. It owns the retry budget (``max_retries``), which errors
are worth another attempt (``RetryPolicy`` and the operation's own ``retry_when`` kinds), the
refresh of an expired access token (which does not use up a retry), ``Retry-After`` (a value over
the policy's cap is raised at once rather than waited out) and the delay after a 429, which the
pipeline both sleeps and holds the whole rate bucket for, so the wait logged is the wait taken.

Idempotent calls (GET, PUT, DELETE) retry on connection errors, timeouts, invalid answers,
408, 409, 429 and 5xx. Calls that create something (send a message...) retry only when the request
provably never left (the connection was refused) or the server refused it unprocessed (429):
HighLevel has no idempotency key, and a retried send after a 500 can text a contact twice.
"""

from __future__ import annotations

import enum
import random
from collections.abc import Iterable

import attrs

from .._errors import (
    APIConnectionError,
    APIResponseValidationError,
    APIStatusError,
    ErrorKind,
    RateLimitError,
    classify,
)
from ._retry import RetryPolicy

__all__ = ["Action", "Decision", "RetryCondition", "decide"]

RETRY_STATUSES = frozenset({408, 409, 429, 500, 502, 503, 504})

#: An operation's extra retry condition: an ``ErrorKind``, or the older ``(status, message)``
#: form, whose message is read by ``classify`` like any server message.
RetryCondition = ErrorKind | tuple[int, str]


class Action(enum.Enum):
    """What the attempt loop does next."""

    RETRY = "retry"
    REFRESH = "refresh"
    RAISE = "raise"


@attrs.frozen
class Decision:
    """The verdict on one failed attempt.

    ``delay`` is the seconds to wait before the next attempt; ``hold_bucket`` says the whole
    rate bucket waits as long (a 429: the server's window is full for every caller of it).
    """

    action: Action
    delay: float = 0.0
    reason: str = ""
    hold_bucket: bool = False


def _reason(error: BaseException) -> str:
    return f"HTTP {error.status}" if isinstance(error, APIStatusError) else type(error).__name__


def _kinds(conditions: Iterable[RetryCondition]) -> set[ErrorKind]:
    kinds: set[ErrorKind] = set()
    for condition in conditions:
        if isinstance(condition, ErrorKind):
            kinds.add(condition)
        else:
            status, message = condition
            kinds.add(classify(APIStatusError(message, status=status)))
    kinds.discard(ErrorKind.OTHER)
    return kinds


def retryable(
    error: BaseException,
    *,
    idempotent: bool,
    retry_when: Iterable[RetryCondition] = (),
) -> bool:
    """Whether another attempt can help and cannot duplicate a side effect (budget aside)."""
    if isinstance(error, APIConnectionError):
        return idempotent or not error.request_sent
    if isinstance(error, RateLimitError):
        return True  # refused unprocessed: safe even for writes
    if isinstance(error, APIStatusError):
        if idempotent and error.status in RETRY_STATUSES:
            return True
        return bool(retry_when) and classify(error) in _kinds(retry_when)
    if isinstance(error, APIResponseValidationError):
        return idempotent
    return False


def decide(
    error: BaseException,
    *,
    policy: RetryPolicy,
    attempt: int,
    max_retries: int,
    idempotent: bool,
    retry_when: Iterable[RetryCondition] = (),
    can_refresh: bool = False,
    bucket_interval: float = 10.0,
    rng: random.Random | None = None,
) -> Decision:
    """Decide after attempt number ``attempt`` (0-based) failed with ``error``.

    ``can_refresh`` is true while the call's token provider has not refreshed for this call yet;
    ``bucket_interval`` is the rate window to wait out after a 429 that names no ``Retry-After``.
    """
    reason = _reason(error)
    if can_refresh and classify(error) is ErrorKind.TOKEN_EXPIRED:
        return Decision(Action.REFRESH, reason="access token refused as expired")
    too_long = policy.max_retry_after
    if isinstance(error, RateLimitError) and (error.retry_after or 0.0) > too_long:
        return Decision(
            Action.RAISE,
            reason=f"Retry-After {error.retry_after:g}s is over the {too_long:g}s cap",
        )
    if attempt >= max_retries:
        return Decision(Action.RAISE, reason=f"{reason}; no retries left")
    if not retryable(error, idempotent=idempotent, retry_when=retry_when):
        return Decision(Action.RAISE, reason=reason)
    if isinstance(error, RateLimitError):
        delay = error.retry_after
        if delay is None:  # no Retry-After: wait out the rate window (or back off)
            delay = max(bucket_interval, policy.backoff(attempt, rng))
        return Decision(Action.RETRY, delay=delay, reason=reason, hold_bucket=True)
    return Decision(Action.RETRY, delay=policy.backoff(attempt, rng), reason=reason)
