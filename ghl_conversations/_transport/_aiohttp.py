"""``AiohttpTransport``: the default transport, one lazily created aiohttp session and pool.

The per-call path is kept thin on purpose (one ``await session.request(...)``, a cached
``ClientTimeout``, no copies of params or headers, aiohttp's case-insensitive headers handed up
as they are): the SDK's overhead over bare aiohttp is measured, not guessed.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncGenerator, AsyncIterator, Mapping, Sequence
from contextlib import asynccontextmanager
from typing import Any

import aiohttp
import attrs

from .._errors import APIConnectionError, APITimeoutError, ClientClosedError
from ._types import FormPart, Request, Response, StreamResponse, Timeout

__all__ = ["AiohttpTransport", "TransportStats"]


@attrs.frozen
class TransportStats:
    """A snapshot of the pool's health, for monitoring, benchmarks and tests.

    ``connections_opened`` counts TCP connections ever opened (a healthy pool reuses them);
    ``in_flight`` counts requests whose response is not yet read or released (0 once every call,
    stream and abandoned iterator has let go of its connection); ``session_open`` tells whether
    an aiohttp session currently exists (it is created on first use, inside the event loop).
    """

    connections_opened: int
    in_flight: int
    session_open: bool


class _AiohttpStream:
    """The body of a streamed response, read by the caller inside ``stream()``."""

    def __init__(
        self, response: aiohttp.ClientResponse, url: str, transport: AiohttpTransport
    ) -> None:
        self._response = response
        self._url = url
        self._transport = transport
        self.status = response.status
        self.headers: Mapping[str, str] = response.headers

    async def iter_chunks(self, chunk_size: int = 65536) -> AsyncIterator[bytes]:
        """The body in chunks as they arrive; ``ClientClosedError`` once the client closes."""
        transport = self._transport
        try:
            async for chunk in self._response.content.iter_chunked(chunk_size):
                if transport.closed:  # what aiohttp had buffered is not handed out after close
                    raise ClientClosedError(_CLOSED_WHILE_READING)
                yield chunk
        except (aiohttp.ClientError, TimeoutError) as exc:
            raise _connection_error(exc, self._url) from exc
        except RuntimeError as exc:
            raise _closed_or(exc, transport) from exc

    async def read(self) -> bytes:
        """The rest of the body at once; ``ClientClosedError`` once the client closes."""
        try:
            return await self._response.read()
        except (aiohttp.ClientError, TimeoutError) as exc:
            raise _connection_error(exc, self._url) from exc
        except RuntimeError as exc:
            raise _closed_or(exc, self._transport) from exc


_CLOSED_WHILE_READING = "the client was closed while the response was being read"


def _closed_or(exc: RuntimeError, transport: AiohttpTransport) -> BaseException:
    """aiohttp reports a body read cut by closing its session as a bare
    ``RuntimeError("Connection closed.")``: after ``aclose()`` that is ``ClientClosedError``."""
    if transport.closed:
        return ClientClosedError(_CLOSED_WHILE_READING)
    return exc


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
    construction time binds it to the wrong loop), and closed when that loop shuts down, so one
    transport (and the client around it) can serve successive event loops: two ``asyncio.run``
    calls, or two ``TestClient`` blocks of a web app whose client was created at import time.
    Using it from two event loops *at the same time* is refused with a clear error.

    A session passed in is used as is and never closed by us: its owner decides its life (and
    its pool size: ``pool_limit`` does not apply to it). After ``aclose()`` the transport refuses
    every request with ``ClientClosedError`` instead of opening a new session.
    """

    def __init__(
        self,
        *,
        session: aiohttp.ClientSession | None = None,
        pool_limit: int = 100,
        pool_limit_per_host: int = 0,
        keepalive_timeout: float = 30.0,
    ) -> None:
        if isinstance(pool_limit, bool) or not isinstance(pool_limit, int) or pool_limit < 0:
            raise ValueError(f"pool_limit must be a non-negative integer, got {pool_limit!r}")
        self._session = session
        self._session_loop: asyncio.AbstractEventLoop | None = None
        self._owns_session = session is None
        self._pool_limit = pool_limit
        self._pool_limit_per_host = pool_limit_per_host
        self._keepalive_timeout = keepalive_timeout
        self._loop_guard: AsyncGenerator[None, None] | None = None
        self._timeouts: dict[Timeout, aiohttp.ClientTimeout] = {}
        self._last_timeout: tuple[Timeout | None, aiohttp.ClientTimeout] = (
            None,
            aiohttp.ClientTimeout(),
        )
        self._closed = False
        self._in_flight = 0
        #: TCP connections opened so far (also in ``stats``).
        self.connections_opened = 0

    def __repr__(self) -> str:
        return f"<AiohttpTransport pool_limit={self._pool_limit}>"

    @property
    def stats(self) -> TransportStats:
        """The pool's health right now (read-only)."""
        session = self._session
        return TransportStats(
            connections_opened=self.connections_opened,
            in_flight=self._in_flight,
            session_open=session is not None and not session.closed,
        )

    # -- session lifetime ----------------------------------------------------------------

    def _session_for_this_loop(self) -> aiohttp.ClientSession | None:
        session = self._session
        if session is None or session.closed:
            return None
        if self._owns_session and self._session_loop is not asyncio.get_running_loop():
            return None
        return session

    async def _get_session(self) -> aiohttp.ClientSession:
        if self._closed:
            raise ClientClosedError("the client is closed; create a new one")
        session = self._session_for_this_loop()
        if session is not None:
            return session
        if not self._owns_session:
            raise RuntimeError("the aiohttp session passed to the client is closed")
        loop = asyncio.get_running_loop()
        previous = self._session_loop
        if self._session is not None and not self._session.closed:
            if previous is not None and previous.is_running():
                raise RuntimeError(
                    "this ghl_conversations.Client is in use by another running event loop; "
                    "create one client per event loop (e.g. in your app's lifespan)"
                )
            # The previous loop ended without shutting down its async generators (a bare
            # ``loop.close()``): its session cannot be closed from here; start afresh.
            self._session = None
        connector = _CountingConnector(
            self,
            limit=self._pool_limit,
            limit_per_host=self._pool_limit_per_host,
            keepalive_timeout=self._keepalive_timeout,
        )
        session = aiohttp.ClientSession(
            connector=connector, auto_decompress=True, skip_auto_headers=("User-Agent",)
        )
        self._session = session
        self._session_loop = loop
        guard = self._close_with_loop(session)
        await guard.__anext__()
        self._loop_guard = guard
        return session

    async def _close_with_loop(self, session: aiohttp.ClientSession) -> AsyncGenerator[None, None]:
        """Parked for the life of the session's event loop. The loop's shutdown (``asyncio.run``,
        anyio, pytest-asyncio all call ``shutdown_asyncgens``) resumes it to close the session
        while the loop still runs: no leaked sockets, no "Unclosed client session" warning."""
        try:
            yield
        finally:
            if self._session is session:
                self._session = None
                self._session_loop = None
            if not session.closed:
                await session.close()

    @property
    def closed(self) -> bool:
        """Whether ``aclose()`` was called: requests and body reads then raise
        ``ClientClosedError``."""
        return self._closed

    async def aclose(self) -> None:
        """Close the pool (an own session only) and refuse further requests."""
        self._closed = True
        guard, self._loop_guard = self._loop_guard, None
        if not self._owns_session:
            return
        session = self._session
        if guard is not None and self._session_loop is asyncio.get_running_loop():
            await guard.aclose()
        elif session is not None and not session.closed:
            await session.close()
        self._session = None

    # -- requests ------------------------------------------------------------------------

    def _client_timeout(self, timeout: Timeout) -> aiohttp.ClientTimeout:
        if timeout is self._last_timeout[0]:  # the same options object call after call
            return self._last_timeout[1]
        cached = self._timeouts.get(timeout)
        if cached is None:
            cached = aiohttp.ClientTimeout(total=timeout.total, connect=timeout.connect)
            self._timeouts[timeout] = cached
        self._last_timeout = (timeout, cached)
        return cached

    async def _start(self, request: Request) -> aiohttp.ClientResponse:
        session = self._session_for_this_loop()
        if session is None or self._closed:
            session = await self._get_session()
        try:
            return await session.request(
                request.method,
                request.url,
                params=request.params or None,
                headers=request.headers,
                data=request.content if request.form is None else _form_data(request.form),
                timeout=self._client_timeout(request.timeout),
                allow_redirects=False,
            )
        except (aiohttp.ClientError, TimeoutError) as exc:
            raise _connection_error(exc, request.url) from exc

    async def send(self, request: Request) -> Response:
        """Send and read the whole body; network failures raise ``APIConnectionError``."""
        self._in_flight += 1
        try:
            response = await self._start(request)
            try:
                content = await response.read()
            except (aiohttp.ClientError, TimeoutError) as exc:
                raise _connection_error(exc, request.url, reading=True) from exc
            except RuntimeError as exc:
                raise _closed_or(exc, self) from exc
            finally:
                response.release()
            return Response(response.status, response.headers, content)
        finally:
            self._in_flight -= 1

    @asynccontextmanager
    async def stream(self, request: Request) -> AsyncIterator[StreamResponse]:
        """Send; the caller reads the body inside the block (the connection is released after)."""
        self._in_flight += 1
        try:
            response = await self._start(request)
            try:
                yield _AiohttpStream(response, request.url, self)
            finally:
                response.release()
        finally:
            self._in_flight -= 1


def _form_data(parts: Sequence[FormPart]) -> aiohttp.FormData:
    form = aiohttp.FormData()
    for part in parts:
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


def _connection_error(exc: BaseException, url: str, *, reading: bool = False) -> APIConnectionError:
    """aiohttp's and asyncio's network failures, as the SDK's two connection errors."""
    host = _host(url)
    if isinstance(exc, aiohttp.ConnectionTimeoutError):
        return APITimeoutError(f"timed out connecting to {host}", request_sent=False)
    if isinstance(exc, (TimeoutError, aiohttp.ServerTimeoutError)):
        return APITimeoutError(f"timed out waiting for {host}")
    if isinstance(exc, aiohttp.ClientConnectorError):
        return APIConnectionError(
            f"could not connect to {host}: {exc.os_error}", request_sent=False
        )
    what = "reading the response from" if reading else "connection to"
    return APIConnectionError(f"{what} {host} failed: {type(exc).__name__}")


def _host(url: str) -> str:
    from yarl import URL

    parsed = URL(url)
    return f"{parsed.host}:{parsed.port}" if parsed.port else str(parsed.host)
