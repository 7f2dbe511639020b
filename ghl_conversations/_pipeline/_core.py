"""The request pipeline every operation goes through.

For each attempt: wait for the location's rate-limit slot, ask the token provider for the token,
send through the transport, feed the rate limiter the response headers, then decide: return, map
the error, refresh the token once on an expired-token 401, or back off and retry (only where the
retry policy says a retry cannot duplicate a side effect). Knows nothing about conversations.
"""

from __future__ import annotations

import logging
import random
from collections.abc import AsyncIterator, Callable, Mapping, Sequence
from contextlib import asynccontextmanager
from typing import Any, TypeVar

import attrs

from .._auth import TokenProvider, is_refreshable_401
from .._clock import Clock
from .._errors import (
    APIConnectionError,
    APIResponseValidationError,
    APIStatusError,
    error_from_response,
)
from .._transport import FormPart, Request, Response, StreamResponse, Timeout, Transport
from ._hooks import Hooks, RateLimitWaitEvent, RequestEvent, ResponseEvent, RetryEvent
from ._ratelimit import RateLimiter
from ._retry import RetryPolicy

__all__ = ["API_VERSION", "CallOptions", "HTTPCore", "WireCall"]

T = TypeVar("T")

API_VERSION = "2021-04-15"
logger = logging.getLogger("ghl_conversations")


@attrs.frozen
class CallOptions:
    """Per-client defaults, overridable per view (``client.with_options``)."""

    timeout: Timeout = attrs.Factory(Timeout)
    max_retries: int = 3


@attrs.frozen
class WireCall:
    """One operation's request, built by an endpoint row, before auth and retries."""

    operation_id: str
    method: str
    path: str
    params: Sequence[tuple[str, str]] = ()
    content: bytes | None = None
    content_type: str | None = None
    form: Sequence[FormPart] | None = None
    idempotent: bool = True
    location_id: str | None = None
    accept: str = "application/json"
    #: Extra status/message pairs worth retrying for this operation (e.g. a provider not ready).
    retry_when: tuple[tuple[int, str], ...] = ()


class HTTPCore:
    def __init__(
        self,
        *,
        base_url: str,
        auth: TokenProvider,
        transport: Transport,
        clock: Clock,
        retry: RetryPolicy,
        limiter: RateLimiter,
        hooks: Hooks,
        user_agent: str,
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self.auth = auth
        self.transport = transport
        self.clock = clock
        self.retry = retry
        self.limiter = limiter
        self.hooks = hooks
        self.user_agent = user_agent
        self._rng = random.Random()

    def __repr__(self) -> str:
        return f"<HTTPCore {self.base_url}>"

    def _request(self, call: WireCall, token: str, options: CallOptions) -> Request:
        headers = {
            "Authorization": f"Bearer {token}",
            "Version": API_VERSION,
            "Accept": call.accept,
            "User-Agent": self.user_agent,
        }
        if call.content_type:
            headers["Content-Type"] = call.content_type
        return Request(
            call.method,
            self.base_url + call.path,
            params=call.params,
            headers=headers,
            content=call.content,
            form=call.form,
            timeout=options.timeout,
        )

    def _wants_retry(self, call: WireCall, error: Exception) -> bool:
        if self.retry.should_retry(error, idempotent=call.idempotent):
            return True
        if isinstance(error, APIStatusError):
            return any(
                error.status == status and needle.lower() in error.message.lower()
                for status, needle in call.retry_when
            )
        return False

    async def _prepare(self, call: WireCall, attempt: int) -> str:
        key = self.auth.bucket_key(call.location_id)
        waited = await self.limiter.acquire(key)
        if waited > 0:
            logger.debug("%s waited %.3fs for the rate limit", call.operation_id, waited)
        if waited > 0 and self.hooks.on_rate_limit_wait:
            self.hooks.emit(
                self.hooks.on_rate_limit_wait,
                RateLimitWaitEvent(call.operation_id, call.location_id, waited),
            )
        if self.hooks.on_request:
            self.hooks.emit(
                self.hooks.on_request,
                RequestEvent(call.operation_id, call.method, call.path, call.location_id, attempt),
            )
        return await self.auth.get_token(call.location_id)

    async def _next_attempt(
        self,
        call: WireCall,
        error: Exception,
        attempt: int,
        options: CallOptions,
        token: str,
        refreshed: bool,
    ) -> tuple[int, bool]:
        """After a failed attempt: raise ``error``, or sleep as the policy says and return the
        next (attempt, refreshed). A token refresh does not use up a retry."""
        if (
            isinstance(error, APIStatusError)
            and error.status == 401
            and not refreshed
            and is_refreshable_401(error.message)
            and await self.auth.invalidate(call.location_id, token)
        ):
            logger.info("%s: access token refused as expired; refreshed it", call.operation_id)
            return attempt, True
        if attempt >= options.max_retries or not self._wants_retry(call, error):
            raise error
        delay = self.retry.delay_for(error, attempt, self._rng)
        if isinstance(error, APIStatusError) and error.status == 429:
            self.limiter.pause(self.auth.bucket_key(call.location_id), delay)
        reason = (
            f"HTTP {error.status}" if isinstance(error, APIStatusError) else type(error).__name__
        )
        logger.warning(
            "%s %s failed (%s); retry %d/%d in %.2fs",
            call.method,
            call.path,
            reason,
            attempt + 1,
            options.max_retries,
            delay,
        )
        self.hooks.emit(
            self.hooks.on_retry,
            RetryEvent(
                call.operation_id, call.method, call.path, call.location_id, attempt, delay, reason
            ),
        )
        await self.clock.sleep(delay)
        return attempt + 1, refreshed

    def _finish(
        self, call: WireCall, attempt: int, started: float, status: int | None, error: str | None
    ) -> None:
        elapsed = self.clock.monotonic() - started
        logger.debug(
            "%s %s -> %s in %.1f ms (attempt %d)",
            call.method,
            call.path,
            status if status is not None else error,
            elapsed * 1000,
            attempt + 1,
        )
        if not self.hooks.on_response:
            return
        self.hooks.emit(
            self.hooks.on_response,
            ResponseEvent(
                call.operation_id,
                call.method,
                call.path,
                call.location_id,
                attempt,
                status,
                elapsed,
                error,
            ),
        )

    def _observe(self, call: WireCall, headers: Mapping[str, str], status: int) -> None:
        self.limiter.observe(self.auth.bucket_key(call.location_id), headers, status)

    async def send(
        self,
        call: WireCall,
        options: CallOptions,
        parse: Callable[[Response], T] | None = None,
    ) -> Any:
        """Send with rate limiting, auth and retries; return ``parse(response)`` for a 2xx
        response (the response itself without ``parse``) or raise.

        ``parse`` runs inside the attempt loop: an ``APIResponseValidationError`` it raises is an
        attempt's failure like a 5xx, retried for idempotent calls and raised for writes."""
        attempt = 0
        refreshed = False
        while True:
            token = await self._prepare(call, attempt)
            started = self.clock.monotonic()
            error: Exception
            try:
                response = await self.transport.send(self._request(call, token, options))
            except APIConnectionError as exc:
                self._finish(call, attempt, started, None, type(exc).__name__)
                error = exc
            else:
                self._finish(call, attempt, started, response.status, None)
                self._observe(call, response.headers, response.status)
                if 200 <= response.status < 300:
                    try:
                        return parse(response) if parse is not None else response
                    except APIResponseValidationError as exc:
                        if exc.operation is None:
                            exc.operation = call.operation_id
                        error = exc
                elif response.status < 400:
                    error = _not_an_answer(call, response.status, response.content)
                else:
                    error = error_from_response(response.status, response.headers, response.content)
            attempt, refreshed = await self._next_attempt(
                call, error, attempt, options, token, refreshed
            )

    @asynccontextmanager
    async def stream(self, call: WireCall, options: CallOptions) -> AsyncIterator[StreamResponse]:
        """Like ``send`` but hands over the body unread, for large downloads."""
        attempt = 0
        refreshed = False
        while True:
            token = await self._prepare(call, attempt)
            started = self.clock.monotonic()
            error: Exception
            handed_over = False
            try:
                async with self.transport.stream(self._request(call, token, options)) as response:
                    self._finish(call, attempt, started, response.status, None)
                    self._observe(call, response.headers, response.status)
                    if 200 <= response.status < 300:
                        handed_over = True
                        yield response
                        return
                    content = await response.read()
                    if response.status < 400:
                        error = _not_an_answer(call, response.status, content)
                    else:
                        error = error_from_response(response.status, response.headers, content)
            except APIConnectionError as exc:
                if handed_over:
                    raise  # the body was being read by the caller: too late to retry
                self._finish(call, attempt, started, None, type(exc).__name__)
                error = exc
            attempt, refreshed = await self._next_attempt(
                call, error, attempt, options, token, refreshed
            )


def _not_an_answer(call: WireCall, status: int, content: bytes) -> APIResponseValidationError:
    """A 1xx/3xx status is no answer to an API call (redirects are not followed on purpose: they
    would carry the token elsewhere)."""
    return APIResponseValidationError(
        "a 1xx/3xx status is not an answer",
        status=status,
        operation=call.operation_id,
        excerpt=content[:200].decode("utf-8", errors="replace"),
    )
