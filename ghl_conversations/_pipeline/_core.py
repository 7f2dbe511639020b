"""The request pipeline every HTTP call goes through: API operations, OAuth token calls and the
upload to a signed URL alike.

For each attempt: take the rate bucket's slot (no lock, no await when there is room), ask the
token provider for the token, send through the transport, feed the limiter the response headers,
then return, or let ``decide`` (the one retry decision) say: refresh the token, retry after a
delay, or raise. ``send`` and ``stream`` share that one loop. Knows nothing about conversations.
"""

from __future__ import annotations

import logging
import random
import urllib.parse
from collections.abc import AsyncIterator, Awaitable, Callable, Mapping, Sequence
from contextlib import AsyncExitStack, asynccontextmanager
from typing import Any, TypeVar

import attrs
from multidict import CIMultiDict

from .._auth import FormPoster, TokenProvider
from .._clock import Clock
from .._errors import (
    APIConnectionError,
    APIResponseValidationError,
    ClientClosedError,
    GHLError,
    error_from_response,
)
from .._transport import FormPart, Request, Response, StreamResponse, Timeout, Transport
from ._decision import Action, RetryCondition, decide
from ._hooks import Hooks, RateLimitWaitEvent, RequestEvent, ResponseEvent, RetryEvent
from ._ratelimit import Bucket, RateLimiter
from ._retry import RetryPolicy

__all__ = ["API_VERSION", "CallOptions", "HTTPCore", "WireCall"]

T = TypeVar("T")

API_VERSION = "2021-04-15"
logger = logging.getLogger("ghl_conversations")

#: Seconds an upload to a signed URL may take (files up to 100 MB).
SIGNED_UPLOAD_TIMEOUT = Timeout(total=900.0)
#: The OAuth endpoints answer fast; a refresh should not hang a call for a minute.
OAUTH_TIMEOUT = Timeout(total=30.0)


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
    #: Extra conditions worth retrying for this operation (e.g. ``ErrorKind.PROVIDER_NOT_READY``).
    retry_when: tuple[RetryCondition, ...] = ()
    #: Extra headers; they win over the pipeline's defaults (e.g. another ``Version``).
    headers: tuple[tuple[str, str], ...] = ()
    #: False for calls that carry their own credentials or none (the OAuth token endpoints): the
    #: pipeline then adds no token and draws on no rate bucket.
    authorize: bool = True


class _Failed:
    """An attempt that got an answer, but not a usable one."""

    __slots__ = ("error",)

    def __init__(self, error: GHLError) -> None:
        self.error = error


_Attempt = Callable[[Request], Awaitable[tuple[int, Mapping[str, str], Any]]]


class HTTPCore:
    """The attempt loop, shared by every client view (``for_location``, ``with_options``)."""

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
        self.closed = False
        self._rng = random.Random()
        self._api_headers: CIMultiDict[str] = CIMultiDict(
            {"Version": API_VERSION, "Accept": "application/json", "User-Agent": user_agent}
        )

    def __repr__(self) -> str:
        return f"<HTTPCore {self.base_url}>"

    async def aclose(self) -> None:
        """Refuse every call from now on (running ones stop with ``ClientClosedError`` at their
        next step) and close the transport."""
        self.closed = True
        await self.transport.aclose()

    def _refuse_if_closed(self, cause: BaseException | None = None) -> None:
        if self.closed:
            raise ClientClosedError(
                "the client is closed (aclose() or the end of `async with`); create a new one"
            ) from cause

    # -- one attempt's request ------------------------------------------------------------

    def _request(
        self, call: WireCall, token: str | None, options: CallOptions, url: str | None = None
    ) -> Request:
        headers: CIMultiDict[str]
        if url is not None:  # a foreign host: nothing of ours but the body and its type
            headers = CIMultiDict()
            if call.content_type:
                headers["Content-Type"] = call.content_type
        else:
            # A case-insensitive multidict is what aiohttp would turn a dict into on every call.
            headers = self._api_headers.copy()
            if call.accept != "application/json":
                headers["Accept"] = call.accept
            if token is not None:
                headers["Authorization"] = "Bearer " + token
            if call.content_type:
                headers["Content-Type"] = call.content_type
        if call.headers:
            headers.update(call.headers)
        return Request(
            call.method,
            url if url is not None else self.base_url + call.path,
            params=call.params,
            headers=headers,
            content=call.content,
            form=call.form,
            timeout=options.timeout,
        )

    def _error(
        self, call: WireCall, status: int, headers: Mapping[str, str], content: bytes
    ) -> GHLError:
        if status < 400:
            # 1xx/3xx: no answer to an API call (redirects are not followed on purpose: they
            # would carry the token elsewhere).
            return APIResponseValidationError(
                "a 1xx/3xx status is not an answer",
                status=status,
                operation=call.operation_id,
                excerpt=content[:200].decode("utf-8", errors="replace"),
            )
        return error_from_response(status, headers, content, now=self.clock.time())

    # -- the loop -------------------------------------------------------------------------

    async def _run(
        self, call: WireCall, options: CallOptions, attempt_once: _Attempt, url: str | None = None
    ) -> Any:
        if self.closed:
            self._refuse_if_closed()
        bucket: Bucket | None = None
        if call.authorize and url is None:
            bucket = self.limiter.bucket(self.auth.bucket_key(call.location_id))
        limiter = self.limiter
        hooks = self.hooks
        attempt = 0
        refreshed = False
        while True:
            token: str | None = None
            if bucket is not None:
                if not limiter.try_acquire(bucket):
                    self._waited(call, await limiter.wait(bucket))
                token = await self.auth.get_token(call.location_id)
            if self.closed:
                self._refuse_if_closed()
            if hooks.on_request:
                hooks.emit(
                    hooks.on_request,
                    RequestEvent(
                        call.operation_id, call.method, call.path, call.location_id, attempt
                    ),
                )
            started = self.clock.monotonic()
            error: BaseException
            try:
                status, headers, outcome = await attempt_once(
                    self._request(call, token, options, url)
                )
            except APIConnectionError as exc:
                self._finish(call, attempt, started, None, type(exc).__name__)
                error = exc
            else:
                if hooks.on_response or logger.isEnabledFor(logging.DEBUG):
                    self._finish(call, attempt, started, status, None)
                if bucket is not None:
                    limiter.observe_bucket(bucket, headers, status)
                if outcome.__class__ is not _Failed:
                    return outcome
                error = outcome.error
            self._refuse_if_closed(error)
            decision = decide(
                error,
                policy=self.retry,
                attempt=attempt,
                max_retries=options.max_retries,
                idempotent=call.idempotent,
                retry_when=call.retry_when,
                can_refresh=bucket is not None and not refreshed,
                bucket_interval=bucket.interval if bucket is not None else 0.0,
                rng=self._rng,
            )
            if decision.action is Action.REFRESH:
                refreshed = True  # one refresh per call; it does not use up a retry
                if await self.auth.invalidate(call.location_id, token or ""):
                    logger.info("%s: access token refused as expired; refreshed it", call.path)
                    continue
                decision = decide(
                    error,
                    policy=self.retry,
                    attempt=attempt,
                    max_retries=options.max_retries,
                    idempotent=call.idempotent,
                    retry_when=call.retry_when,
                    rng=self._rng,
                )
            if decision.action is Action.RAISE:
                raise error
            if decision.hold_bucket and bucket is not None:
                # The server's window is full for every caller of this bucket: all of them
                # wait exactly as long as this retry does (and the log says so).
                limiter.hold(bucket, decision.delay)
            self._announce_retry(call, attempt, options, decision.delay, decision.reason)
            await self.clock.sleep(decision.delay)
            attempt += 1

    def _announce_retry(
        self, call: WireCall, attempt: int, options: CallOptions, delay: float, reason: str
    ) -> None:
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

    def _waited(self, call: WireCall, waited: float) -> None:
        if waited <= 0:
            return
        logger.debug("%s waited %.3fs for the rate limit", call.operation_id, waited)
        if self.hooks.on_rate_limit_wait:
            self.hooks.emit(
                self.hooks.on_rate_limit_wait,
                RateLimitWaitEvent(call.operation_id, call.location_id, waited),
            )

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

    # -- entries --------------------------------------------------------------------------

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
        return await self._run(call, options, self._sender(call, parse))

    def _sender(self, call: WireCall, parse: Callable[[Response], Any] | None) -> _Attempt:
        transport = self.transport

        async def attempt_once(request: Request) -> tuple[int, Mapping[str, str], Any]:
            response = await transport.send(request)
            status = response.status
            if 200 <= status < 300:
                if parse is None:
                    return status, response.headers, response
                try:
                    return status, response.headers, parse(response)
                except APIResponseValidationError as exc:
                    if exc.operation is None:
                        exc.operation = call.operation_id
                    return status, response.headers, _Failed(exc)
            error = self._error(call, status, response.headers, response.content)
            return status, response.headers, _Failed(error)

        return attempt_once

    @asynccontextmanager
    async def stream(self, call: WireCall, options: CallOptions) -> AsyncIterator[StreamResponse]:
        """Like ``send`` but hands over the body unread, for large downloads. A failure while the
        caller reads the body is raised, not retried: part of it was already handed over."""
        transport = self.transport

        async def attempt_once(request: Request) -> tuple[int, Mapping[str, str], Any]:
            stack = AsyncExitStack()
            response = await stack.enter_async_context(transport.stream(request))
            status = response.status
            if 200 <= status < 300:
                return status, response.headers, (stack, response)
            try:
                content = await response.read()
            finally:
                await stack.aclose()
            return (
                status,
                response.headers,
                _Failed(self._error(call, status, response.headers, content)),
            )

        stack, response = await self._run(call, options, attempt_once)
        async with stack:
            yield response

    async def post_form(
        self,
        operation_id: str,
        path: str,
        form: Mapping[str, str],
        *,
        headers: Mapping[str, str],
        parse: Callable[[Response], T],
        options: CallOptions,
    ) -> T:
        """POST a form to one of HighLevel's OAuth endpoints, through the whole pipeline.

        Retried like a read (connection errors, 5xx, 429, invalid answers), because it is safe:
        minting a location token changes nothing, and a refresh-token grant either never reached
        the server (the retry succeeds) or was applied, in which case the old refresh token is
        dead whether we retry or not (the retry is refused with a 4xx, which is raised). Not
        retrying would turn a passing 502 into a failed refresh and a failed call.
        The pipeline adds no token (``headers`` carries any) and takes no rate-limit slot.
        """
        call = WireCall(
            operation_id,
            "POST",
            path,
            content=urllib.parse.urlencode(dict(form)).encode(),
            content_type="application/x-www-form-urlencoded",
            idempotent=True,
            headers=tuple(headers.items()),
            authorize=False,
        )
        result: T = await self._run(call, options, self._sender(call, parse))
        return result

    def form_poster(self, max_retries: int) -> FormPoster:
        """``post_form`` as the token providers receive it (``AuthContext.post_form``): auth sits
        below the pipeline, so the client injects this instead of auth importing upward."""
        options = CallOptions(timeout=OAUTH_TIMEOUT, max_retries=max_retries)

        async def post(
            operation_id: str,
            path: str,
            form: Mapping[str, str],
            *,
            headers: Mapping[str, str],
            parse: Callable[[Response], T],
        ) -> T:
            return await self.post_form(
                operation_id, path, form, headers=headers, parse=parse, options=options
            )

        return post

    async def put_signed_url(
        self,
        url: str,
        content: bytes,
        *,
        content_type: str,
        options: CallOptions,
        total_seconds: float | None = SIGNED_UPLOAD_TIMEOUT.total,
    ) -> Response:
        """PUT ``content`` to a signed upload URL on a foreign host (``messages.upload_large``).

        Goes through the attempt loop (retries on connection errors and 5xx, a PUT of the same
        bytes being idempotent; hooks; logging) but is never given the HighLevel token, nor the
        ``Version`` header, and takes no HighLevel rate-limit slot. Logs and hooks show the URL
        without its query string, which holds the signature. Returns the 2xx response or raises
        the mapped error (``APIStatusError``, ``APIConnectionError``...).

        Call it as ``await core.put_signed_url(slot.upload_url, data, content_type=kind,
        options=context.options)``.
        """
        parsed = urllib.parse.urlsplit(url)
        if parsed.scheme not in ("http", "https") or not parsed.netloc:
            raise ValueError("the signed upload URL must be an absolute http(s) URL")
        shown = urllib.parse.urlunsplit((parsed.scheme, parsed.netloc, parsed.path, "", ""))
        call = WireCall(
            "upload-to-signed-url",
            "PUT",
            shown,
            content=content,
            content_type=content_type,
            idempotent=True,
            authorize=False,
        )
        put_options = CallOptions(
            timeout=Timeout(total=total_seconds, connect=options.timeout.connect),
            max_retries=options.max_retries,
        )
        response: Response = await self._run(call, put_options, self._sender(call, None), url=url)
        return response
