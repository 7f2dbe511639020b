"""The seam between the SDK and the network: plain request/response values and a Transport protocol.

Everything above this module speaks ``Request``/``Response``; only ``AiohttpTransport`` knows
aiohttp. Tests (and users) can pass any object with ``send``/``stream``/``aclose`` instead, the way
httpx's ``MockTransport`` works, to run the whole SDK without sockets.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Mapping, Sequence
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from typing import IO, Any, Protocol, runtime_checkable

import aiohttp
import attrs

from .._errors import APIConnectionError, APITimeoutError

__all__ = [
    "AiohttpTransport",
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
    """A fully built request. ``headers`` holds the Authorization header: it is never repr'd."""

    method: str
    url: str
    params: Sequence[tuple[str, str]] = ()
    headers: Mapping[str, str] = attrs.field(factory=dict)
    content: bytes | None = None
    form: Sequence[FormPart] | None = None
    timeout: Timeout = Timeout()

    def __repr__(self) -> str:
        return f"<Request {self.method} {self.url}>"


@attrs.frozen(repr=False)
class Response:
    """A complete response. ``headers`` keys are lower-case."""

    status: int
    headers: Mapping[str, str]
    content: bytes

    def __repr__(self) -> str:
        return f"<Response {self.status} ({len(self.content)} bytes)>"


class StreamResponse(Protocol):
    """A response whose body is read in chunks (recordings); only valid inside ``stream()``."""

    status: int
    headers: Mapping[str, str]

    def iter_chunks(self, chunk_size: int = 65536) -> AsyncIterator[bytes]: ...

    async def read(self) -> bytes: ...


@runtime_checkable
class Transport(Protocol):
    """What the client needs from the network. Raise ``APIConnectionError`` for network failures."""

    async def send(self, request: Request) -> Response: ...

    def stream(self, request: Request) -> AbstractAsyncContextManager[StreamResponse]: ...

    async def aclose(self) -> None: ...


class _AiohttpStream:
    def __init__(self, response: aiohttp.ClientResponse) -> None:
        self._response = response
        self.status = response.status
        self.headers: Mapping[str, str] = _lower_headers(response.headers)

    async def iter_chunks(self, chunk_size: int = 65536) -> AsyncIterator[bytes]:
        async for chunk in self._response.content.iter_chunked(chunk_size):
            yield chunk

    async def read(self) -> bytes:
        return await self._response.read()


def _lower_headers(headers: Mapping[str, str]) -> dict[str, str]:
    return {key.lower(): value for key, value in headers.items()}


class _CountingConnector(aiohttp.TCPConnector):
    """Counts new connections (pool health in benchmarks and tests). Cheaper than an aiohttp
    TraceConfig, which would await a chain of signal coroutines on every request."""

    def __init__(self, owner: AiohttpTransport, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._owner = owner

    async def _create_connection(self, *args: Any, **kwargs: Any) -> Any:
        connection = await super()._create_connection(*args, **kwargs)
        self._owner.connections_opened += 1
        return connection


class AiohttpTransport:
    """The default transport: one lazily created ``aiohttp.ClientSession`` and connection pool.

    The session is created inside the running event loop on first use (creating it at import or
    construction time binds it to the wrong loop). A session passed in is used as is and never
    closed by us: its owner decides its life.
    """

    def __init__(
        self,
        *,
        session: aiohttp.ClientSession | None = None,
        pool_limit: int = 100,
        pool_limit_per_host: int = 0,
        keepalive_timeout: float = 30.0,
    ) -> None:
        self._session = session
        self._owns_session = session is None
        self._pool_limit = pool_limit
        self._pool_limit_per_host = pool_limit_per_host
        self._keepalive_timeout = keepalive_timeout
        self._lock: asyncio.Lock | None = None
        self.connections_opened = 0

    def __repr__(self) -> str:
        return f"<AiohttpTransport pool_limit={self._pool_limit}>"

    async def _get_session(self) -> aiohttp.ClientSession:
        if self._session is not None and not self._session.closed:
            return self._session
        if not self._owns_session:
            raise RuntimeError("the aiohttp session passed to the client is closed")
        connector = _CountingConnector(
            self,
            limit=self._pool_limit,
            limit_per_host=self._pool_limit_per_host,
            keepalive_timeout=self._keepalive_timeout,
        )
        self._session = aiohttp.ClientSession(
            connector=connector, auto_decompress=True, skip_auto_headers=("User-Agent",)
        )
        return self._session

    @staticmethod
    def _client_timeout(timeout: Timeout) -> aiohttp.ClientTimeout:
        return aiohttp.ClientTimeout(total=timeout.total, connect=timeout.connect)

    @staticmethod
    def _body(request: Request) -> Any:
        if request.form is None:
            return request.content
        form = aiohttp.FormData()
        for part in request.form:
            if part.content is None:
                form.add_field(part.name, part.value or "")
            else:
                form.add_field(
                    part.name,
                    part.content,
                    filename=part.filename,
                    content_type=part.content_type or "application/octet-stream",
                )
        return form

    @asynccontextmanager
    async def _open(self, request: Request) -> AsyncIterator[aiohttp.ClientResponse]:
        session = await self._get_session()
        try:
            async with session.request(
                request.method,
                request.url,
                params=list(request.params),
                headers=dict(request.headers),
                data=self._body(request),
                timeout=self._client_timeout(request.timeout),
                allow_redirects=False,
            ) as response:
                yield response
        except aiohttp.ConnectionTimeoutError as exc:
            raise APITimeoutError(
                f"timed out connecting to {_host(request.url)}", request_sent=False
            ) from exc
        except (TimeoutError, aiohttp.ServerTimeoutError) as exc:
            raise APITimeoutError(f"timed out waiting for {_host(request.url)}") from exc
        except aiohttp.ClientConnectorError as exc:
            raise APIConnectionError(
                f"could not connect to {_host(request.url)}: {exc.os_error}", request_sent=False
            ) from exc
        except aiohttp.ClientError as exc:
            raise APIConnectionError(
                f"connection to {_host(request.url)} failed: {type(exc).__name__}"
            ) from exc

    async def send(self, request: Request) -> Response:
        async with self._open(request) as response:
            try:
                content = await response.read()
            except aiohttp.ClientError as exc:
                raise APIConnectionError(
                    f"reading the response from {_host(request.url)} failed: {type(exc).__name__}"
                ) from exc
            return Response(response.status, _lower_headers(response.headers), content)

    @asynccontextmanager
    async def stream(self, request: Request) -> AsyncIterator[StreamResponse]:
        async with self._open(request) as response:
            yield _AiohttpStream(response)

    async def aclose(self) -> None:
        if self._owns_session and self._session is not None and not self._session.closed:
            await self._session.close()
        self._session = None if self._owns_session else self._session


def _host(url: str) -> str:
    from yarl import URL

    parsed = URL(url)
    return f"{parsed.host}:{parsed.port}" if parsed.port else str(parsed.host)
