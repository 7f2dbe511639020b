"""Reading several windows at once and handing their batches over as one stream.

``concurrency`` tasks each take the next window not yet read and put its batches in a small
buffer (one batch per task): readers stay at most a page ahead of the caller, so memory stays flat.
The first error of any reader (a closed client, a server fault, a stuck cursor) reaches the caller
at its next batch, as itself (not wrapped in a group); closing the stream, or the caller's task
being cancelled, cancels every reader and waits until each is gone.
"""

from __future__ import annotations

import asyncio
from collections import deque
from collections.abc import AsyncGenerator, Callable
from typing import Any, TypeVar

__all__ = ["fan_in"]

T = TypeVar("T")

_READER_DONE = object()


async def fan_in(
    indices: list[int],
    read: Callable[[int], AsyncGenerator[T, None]],
    concurrency: int,
) -> AsyncGenerator[T, None]:
    """Batches of ``read(i)`` for every ``i`` in ``indices``, ``concurrency`` readers at once.

    Each window's batches arrive in their order; windows interleave.
    """
    queue: asyncio.Queue[Any] = asyncio.Queue(maxsize=concurrency)
    todo = deque(indices)
    failures: list[BaseException] = []

    async def reader() -> None:
        try:
            while todo:
                batches = read(todo.popleft())
                try:
                    async for batch in batches:
                        await queue.put(batch)
                finally:
                    await batches.aclose()
        except Exception as exc:  # noqa: BLE001 - handed to the caller, who raises it
            failures.append(exc)
        await queue.put(_READER_DONE)

    loop = asyncio.get_running_loop()
    tasks = [
        loop.create_task(reader(), name=f"ghl-export-window-reader-{n}")
        for n in range(min(concurrency, len(indices)))
    ]
    running = len(tasks)
    try:
        while running:
            item = await queue.get()
            if failures:
                raise failures[0]
            if item is _READER_DONE:
                running -= 1
                continue
            yield item
    finally:
        for task in tasks:
            task.cancel()
        results = await asyncio.gather(*tasks, return_exceptions=True)
        del results  # each reader's outcome was handled above, or no longer matters
