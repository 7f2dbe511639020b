"""Drive the SDK's async iterators from dlt's synchronous resource generators.

dlt reads a resource's state (``dlt.current.resource_state()``) only from the extracting thread,
inside a plain generator. The SDK is asyncio: its client, connections and export cursors belong to
one event loop. So each resource runs a private event loop in a daemon thread and pulls batches
from an async generator running there. The loop keeps running between pulls, so the export's
one-page prefetch goes on while dlt writes the previous page.
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import AsyncGenerator, Iterator
from typing import Any, TypeVar

__all__ = ["iterate_in_loop"]

T = TypeVar("T")


class _LoopThread:
    def __init__(self) -> None:
        self.loop = asyncio.new_event_loop()
        self._thread = threading.Thread(
            target=self.loop.run_forever, name="ghl-dlt-loop", daemon=True
        )
        self._thread.start()

    def run(self, coroutine: Any) -> Any:
        return asyncio.run_coroutine_threadsafe(coroutine, self.loop).result()

    def close(self) -> None:
        self.loop.call_soon_threadsafe(self.loop.stop)
        self._thread.join()
        self.loop.close()


def iterate_in_loop(generator: AsyncGenerator[T, None]) -> Iterator[T]:
    """The items of ``generator``, produced on a private event loop in another thread.

    Closing the returned iterator early (dlt does when a resource is abandoned) closes the async
    generator on its own loop first, so its ``finally`` blocks run and its connections close.
    """
    runner = _LoopThread()
    try:
        while True:
            try:
                item = runner.run(generator.__anext__())
            except StopAsyncIteration:
                return
            yield item
    finally:
        try:
            runner.run(generator.aclose())
        finally:
            runner.close()
