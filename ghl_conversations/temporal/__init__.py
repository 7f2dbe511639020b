"""Fleet export on Temporal: every message of thousands of locations, across many machines.

A workflow per location (``LocationExportWorkflow``) splits the location's range into chunks and
runs them one at a time; an activity per chunk (``FleetActivities.export_chunk``) reads it with the
SDK's export iterator under the location's rate limiter, writes through a crash-safe sink and
heartbeats the export checkpoint with the sink's position, so a chunk whose worker died goes
on elsewhere with nothing lost and nothing written twice. ``create_worker`` builds a worker for
your own Temporal deployment; ``start_fleet_export`` starts (or attaches to) one workflow per
location.

Needs the extra: ``pip install 'ghl-conversations[temporal]'``.
"""

from __future__ import annotations

try:
    import temporalio  # noqa: F401
except ImportError as error:  # pragma: no cover - exercised by the CLI's message test
    raise ImportError(
        "ghl_conversations.temporal needs Temporal's SDK: pip install 'ghl-conversations[temporal]'"
    ) from error

from ._activities import EXPORT_CHUNK, PLAN_LOCATION, FleetActivities, non_retryable
from ._devserver import DevServer, temporal_binary
from ._sink import ChunkWriter, DirectorySink, Sink, SinkFactory, default_sinks
from ._starter import (
    ExportHandle,
    connect,
    fleet_progress,
    list_exports,
    location_progress,
    start_fleet_export,
    start_location_export,
)
from ._tokens import LocationTokens
from ._types import (
    DEFAULT_TASK_QUEUE,
    WORKFLOW_TYPE,
    ChunkInput,
    ChunkPlan,
    ChunkResult,
    FleetTimeouts,
    LocationExportInput,
    LocationProgress,
    PlanInput,
    workflow_id_for,
)
from ._worker import FleetWorker, create_worker
from ._workflow import LocationExportWorkflow

__all__ = [
    "DEFAULT_TASK_QUEUE",
    "EXPORT_CHUNK",
    "PLAN_LOCATION",
    "WORKFLOW_TYPE",
    "ChunkInput",
    "ChunkPlan",
    "ChunkResult",
    "ChunkWriter",
    "DevServer",
    "DirectorySink",
    "ExportHandle",
    "FleetActivities",
    "FleetTimeouts",
    "FleetWorker",
    "LocationExportInput",
    "LocationExportWorkflow",
    "LocationProgress",
    "LocationTokens",
    "PlanInput",
    "Sink",
    "SinkFactory",
    "connect",
    "create_worker",
    "default_sinks",
    "fleet_progress",
    "list_exports",
    "location_progress",
    "non_retryable",
    "start_fleet_export",
    "start_location_export",
    "temporal_binary",
    "workflow_id_for",
]
