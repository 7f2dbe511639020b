"""The values that travel between the fleet's client, its workflows and its activities.

Plain dataclasses of JSON types: Temporal stores them in workflow histories, so they stay small
(an export checkpoint and a sink position, never messages) and readable by any later version.
"""

from __future__ import annotations

import dataclasses
import hashlib
from datetime import timedelta
from typing import Any

import orjson

__all__ = [
    "DEFAULT_TASK_QUEUE",
    "WORKFLOW_TYPE",
    "ChunkInput",
    "ChunkPlan",
    "ChunkResult",
    "FleetTimeouts",
    "LocationExportInput",
    "LocationProgress",
    "PlanInput",
    "workflow_id_for",
]

#: The task queue workers poll and workflows start on unless told otherwise.
DEFAULT_TASK_QUEUE = "ghl-conversations-fleet"
#: The workflow type name (what ``fleet status`` lists).
WORKFLOW_TYPE = "GHLLocationExport"


@dataclasses.dataclass(frozen=True)
class FleetTimeouts:
    """How quickly a dead worker is noticed and its chunk moved to another one (seconds).

    ``heartbeat`` bounds the time a killed worker holds a chunk; ``sticky_start`` how long a chunk
    waits for the worker that ran the location's previous chunk before any worker may take it;
    ``chunk`` is the longest one attempt at a chunk may run. A chunk (or the plan) that keeps
    failing with retryable errors is given up after ``max_attempts`` (0: never), failing its
    location; running the export again then skips the chunks already published. Tests shorten
    the timeouts.
    """

    heartbeat: float = 30.0
    sticky_start: float = 30.0
    chunk: float = 6 * 3600.0
    retry_initial: float = 1.0
    retry_maximum: float = 60.0
    max_attempts: int = 50

    def delta(self, name: str) -> timedelta:
        """The named timeout as a ``timedelta`` (what Temporal's options take)."""
        return timedelta(seconds=float(getattr(self, name)))


@dataclasses.dataclass(frozen=True)
class LocationExportInput:
    """One location's export: what to read, where to write, and how to split it into chunks.

    Dates are ISO-8601 strings (None: unbounded). ``sink`` names a sink the workers know
    (``{"kind": "directory", "path": "/shared/out"}``). ``chunk_messages`` is the target size of
    one chunk. The ``progress_*`` fields carry state across continue-as-new; leave them alone.
    """

    location_id: str
    sink: dict[str, Any]
    channel: str | None = None
    start_date: str | None = None
    end_date: str | None = None
    chunk_messages: int = 50_000
    concurrency: int = 4
    page_size: int = 500
    timeouts: FleetTimeouts = dataclasses.field(default_factory=FleetTimeouts)
    chunks_per_run: int = 100
    progress_plan: list[list[str | None]] | None = None
    progress_next: int = 0
    progress_messages: int = 0
    progress_seconds: float = 0.0
    progress_total: int | None = None
    progress_worker_queue: str | None = None
    progress_finished_at: float | None = None

    def job_key(self) -> dict[str, Any]:
        """What identifies the export (not its progress): the basis of its workflow id."""
        return {
            "location_id": self.location_id,
            "sink": self.sink,
            "channel": self.channel,
            "start_date": self.start_date,
            "end_date": self.end_date,
        }


def workflow_id_for(export: LocationExportInput) -> str:
    """``ghl-export/<location>/<hash of range, filters and sink>``: starting the same export
    twice names the same workflow, so the second start attaches to the first."""
    digest = hashlib.sha256(orjson.dumps(export.job_key(), option=orjson.OPT_SORT_KEYS))
    return f"ghl-export/{export.location_id}/{digest.hexdigest()[:16]}"


@dataclasses.dataclass(frozen=True)
class PlanInput:
    """What the planning activity needs to split a location's range into chunks."""

    location_id: str
    sink: dict[str, Any]
    channel: str | None
    start_date: str | None
    end_date: str | None
    chunk_messages: int


@dataclasses.dataclass(frozen=True)
class ChunkPlan:
    """The chunks of a location (``[start, end)`` ISO strings, None: unbounded) and its total."""

    chunks: list[list[str | None]]
    total: int


@dataclasses.dataclass(frozen=True)
class ChunkInput:
    """One chunk to export; ``resume`` is a previous attempt's heartbeat (export + sink state).

    ``previous_queue`` and ``previous_finished_at`` say which worker read this location last and
    when: another worker first lets the location's rate window drain.
    """

    location_id: str
    sink: dict[str, Any]
    index: int
    start_date: str | None
    end_date: str | None
    channel: str | None
    concurrency: int
    page_size: int
    resume: dict[str, Any] | None = None
    previous_queue: str | None = None
    previous_finished_at: float | None = None


@dataclasses.dataclass(frozen=True)
class ChunkResult:
    """What one chunk did: messages written, requests, seconds, and which worker ran it."""

    messages: int
    requests: int
    seconds: float
    worker_queue: str
    finished_at: float


@dataclasses.dataclass
class LocationProgress:
    """A location's progress, as the workflow's ``progress`` query answers it."""

    location_id: str
    status: str
    messages: int
    chunks_done: int
    chunks_total: int | None
    total: int | None
    rate: float
    error: str | None = None
