"""The worker factory: one process polls the fleet's shared queue and a queue of its own.

The shared queue carries the workflows and any chunk no particular worker holds; the worker's own
queue (``<task queue>/<host>-<pid>-<random>``) carries the next chunks of the locations it is
already reading, so their rate windows stay in one limiter.
"""

from __future__ import annotations

import asyncio
import os
import secrets
import socket
from collections.abc import Sequence

from temporalio.client import Client as TemporalClient
from temporalio.worker import Worker
from temporalio.worker.workflow_sandbox import SandboxedWorkflowRunner, SandboxRestrictions

from .._client import Client
from ._activities import FleetActivities
from ._sink import SinkFactory
from ._types import DEFAULT_TASK_QUEUE
from ._workflow import LocationExportWorkflow

__all__ = ["FleetWorker", "create_worker"]


class FleetWorker:
    """Two Temporal workers (shared queue and own queue) over one ``FleetActivities``."""

    def __init__(self, workers: Sequence[Worker], activities: FleetActivities) -> None:
        self.workers = list(workers)
        self.activities = activities

    def __repr__(self) -> str:
        return f"FleetWorker(queue={self.activities.worker_queue!r})"

    @property
    def worker_queue(self) -> str:
        """This process's own task queue."""
        return self.activities.worker_queue

    async def run(self) -> None:
        """Poll until ``shutdown()`` (or cancellation); a worker's failure stops both."""
        tasks = [asyncio.ensure_future(worker.run()) for worker in self.workers]
        try:
            await asyncio.gather(*tasks)
        finally:
            for task in tasks:
                task.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)

    async def shutdown(self) -> None:
        """Stop polling, let running activities end (they are cancelled after a grace time)."""
        await asyncio.gather(*(worker.shutdown() for worker in self.workers))


def create_worker(
    temporal: TemporalClient,
    client: Client,
    *,
    task_queue: str = DEFAULT_TASK_QUEUE,
    sinks: dict[str, SinkFactory] | None = None,
    max_concurrent_activities: int = 64,
    rate_interval: float = 10.0,
    heartbeat_every: float = 1.0,
) -> FleetWorker:
    """A fleet worker for your own Temporal deployment.

    ``client`` is the ghl_conversations client every activity of this process shares (give it a
    token provider serving every location, e.g. ``LocationTokens`` or an ``OAuthRefresher`` with a
    shared store). ``max_concurrent_activities`` bounds how many locations the process drives at
    once (one core handles about 30 at HighLevel's full budget). ``sinks`` adds sink kinds beyond
    the built-in ``directory``.
    """
    if max_concurrent_activities < 1:
        raise ValueError("max_concurrent_activities must be at least 1")
    own_queue = f"{task_queue}/{socket.gethostname()}-{os.getpid()}-{secrets.token_hex(3)}"
    activities = FleetActivities(
        client,
        worker_queue=own_queue,
        sinks=sinks,
        rate_interval=rate_interval,
        heartbeat_every=heartbeat_every,
    )
    shared = Worker(
        temporal,
        task_queue=task_queue,
        workflows=[LocationExportWorkflow],
        # The SDK's modules are deterministic to import and heavy to re-import per workflow run.
        workflow_runner=SandboxedWorkflowRunner(
            restrictions=SandboxRestrictions.default.with_passthrough_modules(
                "ghl_conversations", "orjson", "aiohttp", "attrs", "cattrs", "anyio"
            )
        ),
        activities=[activities.plan_location, activities.export_chunk],
        max_concurrent_activities=max_concurrent_activities,
    )
    own = Worker(
        temporal,
        task_queue=own_queue,
        activities=[activities.export_chunk],
        max_concurrent_activities=max_concurrent_activities,
    )
    return FleetWorker([shared, own], activities)
