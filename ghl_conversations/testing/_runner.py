"""Running the fake: on the caller's event loop (``async with``) or in a background thread with
its own loop (``with``, for synchronous code), always on 127.0.0.1 and a free port."""

from __future__ import annotations

import asyncio
import socket
import threading
from collections.abc import Awaitable, Callable

from aiohttp import web

__all__ = ["LoopbackServer", "ServerThread"]

_THREAD_START_TIMEOUT = 30.0


class LoopbackServer:
    """An aiohttp application served on 127.0.0.1 at a port the system picks."""

    def __init__(self) -> None:
        self._runner: web.AppRunner | None = None
        self.port: int | None = None

    async def start(self, app: web.Application) -> int:
        """Serve ``app``; returns the port."""
        self._runner = web.AppRunner(app, access_log=None, handle_signals=False)
        await self._runner.setup()
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind(("127.0.0.1", 0))
        self.port = int(sock.getsockname()[1])
        await web.SockSite(self._runner, sock).start()
        return self.port

    async def stop(self) -> None:
        """Stop serving (idempotent)."""
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None
        self.port = None


class ServerThread:
    """Runs ``start`` then the loop forever in a daemon thread, until ``stop``."""

    def __init__(
        self, start: Callable[[], Awaitable[object]], stop: Callable[[], Awaitable[None]]
    ) -> None:
        self._start = start
        self._stop = stop
        self._thread: threading.Thread | None = None
        self._loop: asyncio.AbstractEventLoop | None = None

    def run(self) -> None:
        """Start the thread; returns once the server listens (or raises why it could not)."""
        ready = threading.Event()
        failure: list[BaseException] = []

        def main() -> None:
            loop = asyncio.new_event_loop()
            self._loop = loop
            try:
                loop.run_until_complete(self._start())
            except BaseException as exc:  # noqa: BLE001  # pragma: no cover - reported to the caller
                failure.append(exc)
                ready.set()
                return
            ready.set()
            loop.run_forever()
            loop.run_until_complete(self._stop())
            loop.close()

        self._thread = threading.Thread(target=main, name="FakeHighLevel", daemon=True)
        self._thread.start()
        ready.wait(_THREAD_START_TIMEOUT)
        if failure:
            raise failure[0]

    def stop(self) -> None:
        """Stop the loop, let the server clean up, and join the thread."""
        if self._loop is not None and self._thread is not None:
            self._loop.call_soon_threadsafe(self._loop.stop)
            self._thread.join(_THREAD_START_TIMEOUT)
        self._thread = None
        self._loop = None
