"""The client side: connect, start (or attach to) location exports, read their progress.

Starting is idempotent: a location export's workflow id is derived from what it exports and where
it writes (``workflow_id_for``); starting it while it runs attaches to the running workflow, and
starting it after it completed attaches to the completed one. Only a failed export starts anew
(after you fixed its token, say).
"""

from __future__ import annotations

import asyncio
import dataclasses
from collections.abc import Iterable

import temporalio.service
from temporalio.client import Client as TemporalClient
from temporalio.client import (
    WorkflowExecutionStatus,
    WorkflowFailureError,
    WorkflowHandle,
)
from temporalio.common import WorkflowIDConflictPolicy, WorkflowIDReusePolicy
from temporalio.exceptions import WorkflowAlreadyStartedError

from ._types import (
    DEFAULT_TASK_QUEUE,
    WORKFLOW_TYPE,
    LocationExportInput,
    LocationProgress,
    workflow_id_for,
)
from ._workflow import LocationExportWorkflow

__all__ = [
    "ExportHandle",
    "connect",
    "fleet_progress",
    "list_exports",
    "location_progress",
    "start_fleet_export",
    "start_location_export",
]


@dataclasses.dataclass(frozen=True)
class ExportHandle:
    """A location export's workflow handle, and whether this call attached to an existing run."""

    location_id: str
    handle: WorkflowHandle[LocationExportWorkflow, LocationProgress]
    attached: bool


async def connect(target: str, *, namespace: str = "default", wait: float = 30.0) -> TemporalClient:
    """Connect to Temporal at ``host:port``, retrying while a just-started server comes up."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + wait
    while True:
        try:
            return await TemporalClient.connect(target, namespace=namespace)
        except RuntimeError:
            if loop.time() > deadline:
                raise
            await asyncio.sleep(0.3)


async def start_location_export(
    temporal: TemporalClient, export: LocationExportInput, *, task_queue: str = DEFAULT_TASK_QUEUE
) -> ExportHandle:
    """Start one location's export, or attach to the same export if it runs or completed."""
    workflow_id = workflow_id_for(export)
    existing = temporal.get_workflow_handle_for(LocationExportWorkflow.run, workflow_id)
    try:
        description = await existing.describe()
        running_or_done = description.status in (
            WorkflowExecutionStatus.RUNNING,
            WorkflowExecutionStatus.COMPLETED,
            WorkflowExecutionStatus.CONTINUED_AS_NEW,
        )
    except temporalio.service.RPCError:
        running_or_done = False
    try:
        await temporal.start_workflow(
            LocationExportWorkflow.run,
            export,
            id=workflow_id,
            task_queue=task_queue,
            id_conflict_policy=WorkflowIDConflictPolicy.USE_EXISTING,
            id_reuse_policy=WorkflowIDReusePolicy.ALLOW_DUPLICATE_FAILED_ONLY,
            memo={"location_id": export.location_id, "sink": export.sink},
        )
    except WorkflowAlreadyStartedError:  # it completed: attach to the completed run
        return ExportHandle(export.location_id, existing, True)
    # A handle without a run id follows the export across continue-as-new.
    return ExportHandle(export.location_id, existing, running_or_done)


async def start_fleet_export(
    temporal: TemporalClient,
    locations: Iterable[str],
    template: LocationExportInput,
    *,
    task_queue: str = DEFAULT_TASK_QUEUE,
) -> list[ExportHandle]:
    """One workflow per location, each a copy of ``template`` (whose location is replaced)."""
    unique = list(dict.fromkeys(locations))
    if not unique:
        raise ValueError("no locations to export")
    return [
        await start_location_export(
            temporal, dataclasses.replace(template, location_id=location), task_queue=task_queue
        )
        for location in unique
    ]


async def location_progress(
    handle: WorkflowHandle[LocationExportWorkflow, LocationProgress], location_id: str
) -> LocationProgress:
    """Where one export stands: its query while it runs, its result or failure once closed."""
    description = await handle.describe()
    status = description.status
    if status == WorkflowExecutionStatus.COMPLETED:
        return await handle.result()
    if status in (WorkflowExecutionStatus.RUNNING, WorkflowExecutionStatus.CONTINUED_AS_NEW):
        return await handle.query(LocationExportWorkflow.progress)
    error = None
    if status == WorkflowExecutionStatus.FAILED:
        try:
            await handle.result()
        except WorkflowFailureError as failure:
            error = _failure_message(failure)
    name = status.name.lower() if status is not None else "unknown"
    return LocationProgress(location_id, name, 0, 0, None, None, 0.0, error)


async def fleet_progress(handles: Iterable[ExportHandle]) -> list[LocationProgress]:
    """The progress of every location of a fleet export (queried concurrently)."""
    return list(
        await asyncio.gather(*(location_progress(h.handle, h.location_id) for h in handles))
    )


async def list_exports(
    temporal: TemporalClient, *, limit: int = 1_000
) -> list[tuple[str, str, str]]:
    """Recent location exports as ``(workflow id, location, status)``, newest first."""
    rows: list[tuple[str, str, str]] = []
    query = f"WorkflowType = '{WORKFLOW_TYPE}'"
    async for execution in temporal.list_workflows(query, limit=limit):
        if execution.status == WorkflowExecutionStatus.CONTINUED_AS_NEW:
            continue  # an earlier run of an export that goes on in a newer one
        memo = await execution.memo()
        location = str(memo.get("location_id") or execution.id.split("/")[1])
        status = execution.status.name.lower() if execution.status is not None else "unknown"
        rows.append((execution.id, location, status))
    return rows


def _failure_message(failure: WorkflowFailureError) -> str:
    cause: BaseException | None = failure.cause
    return str(cause) if cause is not None else str(failure)
