"""The exception tree, and the one function that turns an HTTP error response into it.

```
GHLError
├── APIConnectionError          the request failed before a response arrived
│   └── APITimeoutError         ... because a timeout ran out
├── APIStatusError              the server answered with a 4xx/5xx status
│   ├── BadRequestError             400
│   ├── AuthenticationError         401
│   ├── PermissionDeniedError       403
│   ├── NotFoundError               404
│   ├── PayloadTooLargeError        413
│   ├── UnsupportedMediaTypeError   415
│   ├── UnprocessableEntityError    422
│   ├── RateLimitError              429 (and a spent daily budget)
│   └── ServerError                 5xx
├── APIResponseValidationError  not a valid answer: empty, non-JSON, wrong shape, 1xx/3xx
├── CursorExpiredError          an export cursor died and could not be recovered
├── NoProgressError             a paging iterator's server answered without moving forward
├── ClientClosedError           the client was closed; it never reopens
└── InvalidSignatureError       a webhook signature did not verify (see ``webhooks``)
```

Errors carry the response's status, message, body, headers and trace id, never the request's
``Authorization`` header: nothing here can leak a token.
"""

from __future__ import annotations

import datetime as _dt
import enum
import math
from collections.abc import Mapping
from typing import Any

import orjson

from ._dates import parse_http_date

__all__ = [
    "APIConnectionError",
    "APIResponseValidationError",
    "ClientClosedError",
    "ErrorKind",
    "NoProgressError",
    "APIStatusError",
    "APITimeoutError",
    "AuthenticationError",
    "BadRequestError",
    "CursorExpiredError",
    "GHLError",
    "InvalidSignatureError",
    "NotFoundError",
    "PayloadTooLargeError",
    "PermissionDeniedError",
    "RateLimitError",
    "ServerError",
    "UnprocessableEntityError",
    "UnsupportedMediaTypeError",
    "classify",
    "error_from_response",
    "parse_retry_after",
]


class GHLError(Exception):
    """Base class of every error this SDK raises on purpose."""


class APIConnectionError(GHLError):
    """No response arrived: DNS, refused or reset connection, TLS, or a timeout.

    ``request_sent`` tells whether the request may have reached the server. It is ``False`` only
    when the connection was never established, which is what makes a retry of a POST safe.
    """

    def __init__(self, message: str, *, request_sent: bool = True) -> None:
        super().__init__(message)
        self.message = message
        self.request_sent = request_sent


class APITimeoutError(APIConnectionError):
    """A connect or total timeout ran out before the response was complete."""


class APIStatusError(GHLError):
    """The server answered with an error status.

    ``message`` is the server's message (a 422's list of field messages joined by ``"; "``),
    ``messages`` the list form, ``body`` the decoded JSON body (or the text for a non-JSON body).
    """

    status: int

    def __init__(
        self,
        message: str,
        *,
        status: int,
        body: Any = None,
        headers: Mapping[str, str] | None = None,
        messages: list[str] | None = None,
        trace_id: str | None = None,
    ) -> None:
        super().__init__(f"{status}: {message}" if message else str(status))
        self.status = status
        self.message = message
        self.messages = messages if messages is not None else ([message] if message else [])
        self.body = body
        self.headers: Mapping[str, str] = {k.lower(): v for k, v in (headers or {}).items()}
        self.trace_id = trace_id

    @property
    def kind(self) -> ErrorKind:
        """What HighLevel's message says went wrong (``classify(self)``), for handling by kind."""
        return classify(self)


class BadRequestError(APIStatusError):
    """400: the server rejected the request's parameters."""


class AuthenticationError(APIStatusError):
    """401: the token is missing, expired, invalid or lacks the scope, or Version is wrong."""


class PermissionDeniedError(APIStatusError):
    """403: the token has no access to this location (or a custom provider is not ready yet)."""


class NotFoundError(APIStatusError):
    """404: no such conversation, message, email or subtype."""


class PayloadTooLargeError(APIStatusError):
    """413: an uploaded file is over the size limit."""


class UnsupportedMediaTypeError(APIStatusError):
    """415: an uploaded file has a type the API does not accept."""


class UnprocessableEntityError(APIStatusError):
    """422: validation failed; ``messages`` lists the server's field messages."""


class RateLimitError(APIStatusError):
    """429, or the daily budget is spent. ``retry_after`` is seconds to wait, when known.

    ``observed_at`` is the client clock's time (epoch seconds) when the answer arrived, so
    ``resets_at`` needs no second look at a clock (the SDK reads time only through its ``Clock``).
    """

    def __init__(
        self,
        message: str,
        *,
        retry_after: float | None = None,
        observed_at: float | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(message, **kwargs)
        self.retry_after = retry_after
        self.observed_at = observed_at

    @property
    def resets_at(self) -> _dt.datetime | None:
        """When the budget is expected back (None when the wait or the arrival time is unknown)."""
        if self.retry_after is None or self.observed_at is None:
            return None
        return _dt.datetime.fromtimestamp(self.observed_at + self.retry_after, _dt.UTC)


class ServerError(APIStatusError):
    """5xx: the server failed. Idempotent calls are retried before this is raised."""


class CursorExpiredError(GHLError):
    """An export cursor expired or was rejected and the iterator could not recover from it."""


class APIResponseValidationError(GHLError):
    """The server answered, but not with a valid answer to this operation.

    Raised for an empty or non-JSON 2xx body, a body of the wrong shape, a field that cannot be
    parsed, and any 1xx/3xx status. ``status`` is the HTTP status, ``operation`` the operationId,
    ``excerpt`` at most a few hundred characters of the body (a body never holds the token).
    Reads retry it like a 5xx; writes do not, since the server may have acted.
    """

    def __init__(
        self, message: str, *, status: int, operation: str | None = None, excerpt: str = ""
    ) -> None:
        super().__init__(message)
        self.status = status
        self.operation = operation
        self.excerpt = excerpt

    def __str__(self) -> str:
        where = f" ({self.operation})" if self.operation else ""
        tail = f": {self.excerpt!r}" if self.excerpt else ""
        return f"invalid response{where}, HTTP {self.status}: {self.args[0]}{tail}"


class NoProgressError(GHLError):
    """A paging iterator got answers that did not move it forward (a stuck cursor, a repeated
    ``lastMessageId``/``startAfterDate``, or reopened cursors that advance nothing), so it stopped
    after a small bounded number of tries instead of looping forever."""


class ClientClosedError(GHLError):
    """The client was closed (``aclose()`` or the end of ``async with``): it refuses every call and
    never reopens. Running iterators stop with this error."""


class InvalidSignatureError(GHLError):
    """A webhook's signature is missing, malformed, wrong, stale or replayed."""


_STATUS_ERRORS: dict[int, type[APIStatusError]] = {
    400: BadRequestError,
    401: AuthenticationError,
    403: PermissionDeniedError,
    404: NotFoundError,
    413: PayloadTooLargeError,
    415: UnsupportedMediaTypeError,
    422: UnprocessableEntityError,
    429: RateLimitError,
}


def _decode_body(content: bytes) -> Any:
    try:
        return orjson.loads(content)
    except orjson.JSONDecodeError:
        return content.decode("utf-8", errors="replace")


def _messages_of(body: Any, status: int) -> list[str]:
    """Both error shapes: NestJS ``{statusCode, message, error}``, upload ``{status, message}``."""
    if isinstance(body, dict):
        raw = body.get("message", body.get("error"))
        if isinstance(raw, list):
            return [str(item) for item in raw]
        if raw is not None:
            return [str(raw)]
        return []
    if isinstance(body, str) and body.strip():
        text = " ".join(body.split())
        if "<" in text:
            return [f"HTTP {status} (non-JSON body of {len(body)} characters)"]
        return [text[:300]]
    return []


def parse_retry_after(value: str | None, *, now: float | None = None) -> float | None:
    """Seconds to wait from a ``Retry-After`` value: delta seconds or an HTTP date.

    ``now`` (epoch seconds, from the client's clock) is needed to turn a date into seconds;
    without it a date is not interpreted. Junk (text, negative or non-finite numbers) gives None,
    so the caller falls back to its own backoff instead of trusting a value it cannot read.
    """
    if value is None:
        return None
    value = value.strip()
    if not value:
        return None
    if value[0].isdigit():
        try:
            seconds = float(value)
        except ValueError:
            seconds = math.nan
        if math.isfinite(seconds):
            return seconds
    if now is None:
        return None
    when = parse_http_date(value)
    if when is None:
        return None
    return max(0.0, when - now)


class ErrorKind(enum.Enum):
    """What HighLevel's error message means, whatever its exact wording.

    Decisions (refresh the token, reopen an export cursor, retry a provider that is not ready
    yet) and the CLI's hints read this instead of searching messages for words.
    """

    #: 401 "Invalid JWT" / "access token is invalid" / "jwt expired": a new access token fixes it.
    TOKEN_EXPIRED = "token_expired"
    #: 401 "The token is not authorized for this scope.": add the scope to the app.
    SCOPE = "scope"
    #: 401 "version header was not found." (or invalid): a client bug, not a token problem.
    VERSION_HEADER = "version_header"
    #: 403 "The token does not have access to this location.".
    LOCATION_ACCESS = "location_access"
    #: 4xx naming the export cursor (expired or invalid): reopen from the checkpoint.
    CURSOR_EXPIRED = "cursor_expired"
    #: 403 "No conversation provider found": a new custom provider is not live for a few seconds.
    PROVIDER_NOT_READY = "provider_not_ready"
    #: Anything else.
    OTHER = "other"


_TOKEN_EXPIRED_MARKERS = ("invalid jwt", "access token is invalid", "jwt expired", "token expired")


def classify(error: BaseException) -> ErrorKind:
    """The one reading of HighLevel's error messages; ``OTHER`` for errors that carry none."""
    if not isinstance(error, APIStatusError) or not 400 <= error.status < 500:
        return ErrorKind.OTHER
    text = error.message.lower()
    status = error.status
    if "version header" in text:
        return ErrorKind.VERSION_HEADER
    if "cursor" in text:
        return ErrorKind.CURSOR_EXPIRED
    if status == 401:
        if "scope" in text:
            return ErrorKind.SCOPE
        if any(marker in text for marker in _TOKEN_EXPIRED_MARKERS):
            return ErrorKind.TOKEN_EXPIRED
        return ErrorKind.OTHER
    if status == 403:
        if "conversation provider" in text:
            return ErrorKind.PROVIDER_NOT_READY
        if "access to this location" in text:
            return ErrorKind.LOCATION_ACCESS
        if "scope" in text:
            return ErrorKind.SCOPE
    return ErrorKind.OTHER


def error_from_response(
    status: int, headers: Mapping[str, str], content: bytes, *, now: float | None = None
) -> APIStatusError:
    """Map a status and a raw body, JSON or not, to the right ``APIStatusError`` subclass.

    ``headers`` is looked up case-insensitively only if it is such a mapping: pass lower-case keys
    otherwise. ``now`` is the client clock's epoch time, used for a ``Retry-After`` date."""
    body = _decode_body(content)
    messages = _messages_of(body, status)
    message = "; ".join(messages)
    trace_id = body.get("traceId") if isinstance(body, dict) else None
    trace_id = trace_id or headers.get("x-trace-id") or headers.get("traceid")
    kwargs: dict[str, Any] = {
        "status": status,
        "body": body,
        "headers": headers,
        "messages": messages,
        "trace_id": str(trace_id) if trace_id else None,
    }
    if status == 429:
        return RateLimitError(
            message or "rate limit exceeded",
            retry_after=parse_retry_after(headers.get("retry-after"), now=now),
            observed_at=now,
            **kwargs,
        )
    cls = _STATUS_ERRORS.get(status)
    if cls is None:
        cls = ServerError if status >= 500 else APIStatusError
    return cls(message, **kwargs)
