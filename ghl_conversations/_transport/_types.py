"""The values that cross the HTTP seam, and the ``Transport`` protocol itself.

Everything above the transport speaks ``Request``/``Response``; only a transport knows how bytes
reach a server. Any object with ``send``/``stream``/``aclose`` is a transport (``MockTransport``
and ``AiohttpTransport`` are the two shipped), which is what lets tests run the SDK without sockets.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Mapping, Sequence
from contextlib import AbstractAsyncContextManager
from typing import IO, Any, Protocol, runtime_checkable

import attrs
import orjson
from multidict import CIMultiDict, CIMultiDictProxy

__all__ = [
    "FormPart",
    "Request",
    "Response",
    "StreamResponse",
    "Timeout",
    "Transport",
]


@attrs.frozen
class Timeout:
    """Seconds; ``None`` means no limit. ``connect`` covers getting a pooled or new connection."""

    total: float | None = 60.0
    connect: float | None = 10.0


@attrs.frozen
class FormPart:
    """One part of a multipart body: a field (``value``) or a file (``content`` + ``filename``)."""

    name: str
    value: str | None = None
    content: bytes | IO[bytes] | None = None
    filename: str | None = None
    content_type: str | None = None


@attrs.frozen(repr=False)
class Request:
    """A fully built request. ``headers`` may hold the Authorization header: it is never repr'd."""

    method: str
    url: str
    params: Sequence[tuple[str, str]] = ()
    headers: Mapping[str, str] = attrs.field(factory=dict)
    content: bytes | None = None
    form: Sequence[FormPart] | None = None
    timeout: Timeout = Timeout()

    def __repr__(self) -> str:
        return f"<Request {self.method} {self.url}>"


def _case_insensitive(headers: Mapping[str, str]) -> Mapping[str, str]:
    """Header lookups ignore case (HTTP says names are case-insensitive); a transport that
    already has such a mapping (aiohttp does) hands it over without a copy."""
    if isinstance(headers, (CIMultiDictProxy, CIMultiDict)):
        return headers
    return CIMultiDictProxy(CIMultiDict(headers))


@attrs.frozen(repr=False)
class Response:
    """A complete response. ``headers`` is a case-insensitive mapping (``headers["retry-after"]``
    finds ``Retry-After``), whatever mapping it was built from."""

    status: int
    headers: Mapping[str, str] = attrs.field(factory=dict, converter=_case_insensitive)
    content: bytes = b""

    def __repr__(self) -> str:
        return f"<Response {self.status} ({len(self.content)} bytes)>"

    @classmethod
    def from_json(
        cls, data: Any, *, status: int = 200, headers: Mapping[str, str] | None = None
    ) -> Response:
        """A JSON response, the way HighLevel answers (handy in a ``MockTransport`` handler)."""
        return cls(
            status, {"content-type": "application/json", **(headers or {})}, orjson.dumps(data)
        )


class StreamResponse(Protocol):
    """A response whose body is read in chunks (recordings); only valid inside ``stream()``."""

    status: int
    headers: Mapping[str, str]

    def iter_chunks(self, chunk_size: int = 65536) -> AsyncIterator[bytes]:
        """The body in chunks of at most ``chunk_size`` bytes, as they arrive."""
        ...

    async def read(self) -> bytes:
        """The whole (remaining) body."""
        ...


@runtime_checkable
class Transport(Protocol):
    """What the client needs from the network. Raise ``APIConnectionError`` for network failures.

    A transport sends requests exactly as given: it adds no headers (the pipeline decides which
    host gets a token) and follows no redirects (a redirect would carry the token elsewhere).
    """

    async def send(self, request: Request) -> Response:
        """Send ``request`` and return the complete response (any status)."""
        ...

    def stream(self, request: Request) -> AbstractAsyncContextManager[StreamResponse]:
        """Send ``request``; the body is read inside the ``async with`` block."""
        ...

    async def aclose(self) -> None:
        """Release connections; the owner of the transport calls it once at the end."""
        ...
