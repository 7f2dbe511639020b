"""Waiting for the fake to apply faults, with an event rather than a sleep."""

from __future__ import annotations

import asyncio

from ghl_conversations.testing import FakeHighLevel, FaultKind

Applied = tuple[str, str, FaultKind]


class AppliedFaults(list[Applied]):
    """Stands in for ``fake.faults.injected`` (the fake appends each fault it applies) and sets
    ``reached`` once ``count`` more faults were applied: the requests are then inside the server."""

    def __init__(self, already: list[Applied], count: int) -> None:
        super().__init__(already)
        self.target = len(already) + count
        self.reached = asyncio.Event()

    def append(self, item: Applied) -> None:
        """Record ``item``; set ``reached`` at the target."""
        super().append(item)
        if len(self) >= self.target:
            self.reached.set()


def watch_faults(fake: FakeHighLevel, count: int) -> asyncio.Event:
    """An event set once ``fake`` has applied ``count`` more faults."""
    applied = AppliedFaults(fake.faults.injected, count)
    fake.faults.injected = applied
    return applied.reached
