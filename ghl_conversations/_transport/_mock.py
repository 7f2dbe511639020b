"""``MockTransport``: the public in-memory test seam, one function from request to response."""

from __future__ import annotations

import inspect
from collections.abc import AsyncIterator, Awaitable, Callable, Mapping
from contextlib import asynccontextmanager

from ._types import Request, Response, StreamResponse

__all__ = ["MockHandler", "MockTransport"]

#: ``handler(request) -> Response``, plain or ``async``.
MockHandler = Callable[[Request], Response | Awaitable[Response]]


class _BufferedStream:
    """A complete ``Response`` seen through the streaming interface."""

    def __init__(self, response: Response) -> None:
        self.status = response.status
        self.headers: Mapping[str, str] = response.headers
        self._content = response.content
        self._offset = 0

    async def iter_chunks(self, chunk_size: int = 65536) -> AsyncIterator[bytes]:
        """The rest of the body in slices of ``chunk_size`` bytes."""
        while self._offset < len(self._content):
            chunk = self._content[self._offset : self._offset + chunk_size]
            self._offset += len(chunk)
            yield chunk

    async def read(self) -> bytes:
        """The rest of the body at once."""
        rest = self._content[self._offset :]
        self._offset = len(self._content)
        return rest


class MockTransport:
    """A transport that answers every request by calling ``handler(request)``, sync or async.

    Use it to test your own code against the SDK without a network or a fake server: the whole
    pipeline (argument checks, headers, retries, rate limiting, error mapping, models) runs as in
    production; only the socket is replaced. Raise ``ghl.APIConnectionError`` (or
    ``APITimeoutError``) in the handler to simulate a network failure.

    ```python
    import asyncio
    import ghl_conversations as ghl

    def handler(request: ghl.Request) -> ghl.Response:
        if request.url.endswith("/conversations/messages/m1"):
            return ghl.Response.from_json({"message": {"id": "m1", "body": "hi"}})
        return ghl.Response.from_json({"message": "Message not found"}, status=404)

    async def main() -> None:
        transport = ghl.MockTransport(handler)
        async with ghl.Client(token="pit-test", transport=transport) as client:
            message = await client.messages.get("m1")
            assert message.body == "hi"

    asyncio.run(main())
    ```

    ``requests`` lists every request received, in order (their repr never shows the token).
    """

    def __init__(self, handler: MockHandler) -> None:
        if not callable(handler):
            raise TypeError("MockTransport needs a handler: handler(request) -> Response")
        self._handler = handler
        self.requests: list[Request] = []

    def __repr__(self) -> str:
        return f"<MockTransport {len(self.requests)} requests>"

    async def send(self, request: Request) -> Response:
        """Record ``request`` and return the handler's answer."""
        self.requests.append(request)
        answer = self._handler(request)
        if inspect.isawaitable(answer):
            answer = await answer
        if not isinstance(answer, Response):
            raise TypeError(
                f"the MockTransport handler returned {type(answer).__name__}, not ghl.Response"
            )
        return answer

    @asynccontextmanager
    async def stream(self, request: Request) -> AsyncIterator[StreamResponse]:
        """The handler's answer, readable in chunks."""
        yield _BufferedStream(await self.send(request))

    async def aclose(self) -> None:
        """Nothing to release."""
