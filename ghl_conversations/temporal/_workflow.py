"""The per-location workflow: plan the chunks, export them one after another, report progress.

One chunk at a time means one worker process drives a location at any moment, so the SDK's
per-location rate limiter in that process sees every request of the location. Chunks go to the
worker that ran the previous chunk (its own task queue) while it lives, so the limiter keeps its
view of HighLevel's window; when that worker is gone, the chunk moves to the shared queue with the
last heartbeat of the attempt that died. After ``chunks_per_run`` chunks (or when Temporal
suggests it) the workflow continues as new, carrying only its progress, so histories stay small
however long the range.
"""

from __future__ import annotations

import dataclasses

from temporalio import workflow
from temporalio.common import RetryPolicy
from temporalio.exceptions import ActivityError, ApplicationError, TimeoutError, TimeoutType

with workflow.unsafe.imports_passed_through():
    from ._types import (
        WORKFLOW_TYPE,
        ChunkInput,
        ChunkPlan,
        ChunkResult,
        LocationExportInput,
        LocationProgress,
        PlanInput,
    )

__all__ = ["LocationExportWorkflow"]

_PLAN_LOCATION = "ghl_plan_location"
_EXPORT_CHUNK = "ghl_export_chunk"


@workflow.defn(name=WORKFLOW_TYPE)
class LocationExportWorkflow:
    """Exports one location through chunk activities; query ``progress`` for where it stands."""

    def __init__(self) -> None:
        self._location = ""
        self._status = "planning"
        self._messages = 0
        self._seconds = 0.0
        self._chunks_done = 0
        self._chunks_total: int | None = None
        self._total: int | None = None
        self._error: str | None = None

    @workflow.query
    def progress(self) -> LocationProgress:
        """Messages exported, chunks done, and the rate (messages per second of chunk time)."""
        return LocationProgress(
            location_id=self._location,
            status=self._status,
            messages=self._messages,
            chunks_done=self._chunks_done,
            chunks_total=self._chunks_total,
            total=self._total,
            rate=self._messages / self._seconds if self._seconds > 0 else 0.0,
            error=self._error,
        )

    @workflow.run
    async def run(self, job: LocationExportInput) -> LocationProgress:
        """Export every chunk of the location; fail (non-retryably) if the location fails."""
        self._location = job.location_id
        self._messages, self._seconds = job.progress_messages, job.progress_seconds
        self._total = job.progress_total
        plan = job.progress_plan
        if plan is None:
            try:
                planned: ChunkPlan = await workflow.execute_activity(
                    _PLAN_LOCATION,
                    PlanInput(
                        job.location_id,
                        job.sink,
                        job.channel,
                        job.start_date,
                        job.end_date,
                        job.chunk_messages,
                    ),
                    result_type=ChunkPlan,
                    start_to_close_timeout=job.timeouts.delta("sticky_start") * 10,
                    retry_policy=self._retry(job),
                )
            except ActivityError as error:
                raise self._failed(job, error) from error
            plan, self._total = planned.chunks, planned.total
        self._chunks_total = len(plan)
        self._chunks_done = job.progress_next
        self._status = "exporting"
        worker_queue = job.progress_worker_queue
        finished_at = job.progress_finished_at
        for ran, index in enumerate(range(job.progress_next, len(plan))):
            if ran >= job.chunks_per_run or workflow.info().is_continue_as_new_suggested():
                workflow.continue_as_new(
                    dataclasses.replace(
                        job,
                        progress_plan=plan,
                        progress_next=index,
                        progress_messages=self._messages,
                        progress_seconds=self._seconds,
                        progress_total=self._total,
                        progress_worker_queue=worker_queue,
                        progress_finished_at=finished_at,
                    )
                )
            start, end = plan[index]
            chunk = ChunkInput(
                location_id=job.location_id,
                sink=job.sink,
                index=index,
                start_date=start,
                end_date=end,
                channel=job.channel,
                concurrency=job.concurrency,
                page_size=job.page_size,
                previous_queue=worker_queue,
                previous_finished_at=finished_at,
            )
            result = await self._export_chunk(job, chunk, worker_queue)
            worker_queue, finished_at = result.worker_queue, result.finished_at
            self._messages += result.messages
            self._seconds += result.seconds
            self._chunks_done = index + 1
        self._status = "completed"
        return self.progress()

    def _retry(self, job: LocationExportInput) -> RetryPolicy:
        return RetryPolicy(
            initial_interval=job.timeouts.delta("retry_initial"),
            maximum_interval=job.timeouts.delta("retry_maximum"),
            maximum_attempts=job.timeouts.max_attempts,
        )

    async def _export_chunk(
        self, job: LocationExportInput, chunk: ChunkInput, worker_queue: str | None
    ) -> ChunkResult:
        while True:
            try:
                result: ChunkResult = await workflow.execute_activity(
                    _EXPORT_CHUNK,
                    chunk,
                    result_type=ChunkResult,
                    task_queue=worker_queue,
                    schedule_to_start_timeout=(
                        job.timeouts.delta("sticky_start") if worker_queue else None
                    ),
                    start_to_close_timeout=job.timeouts.delta("chunk"),
                    heartbeat_timeout=job.timeouts.delta("heartbeat"),
                    retry_policy=self._retry(job),
                )
                return result
            except ActivityError as error:
                cause = error.cause
                if (
                    worker_queue is not None
                    and isinstance(cause, TimeoutError)
                    and cause.type == TimeoutType.SCHEDULE_TO_START
                ):
                    # The location's worker is gone: any worker takes over where it stopped.
                    details = cause.last_heartbeat_details
                    resume = details[0] if details else chunk.resume
                    chunk = dataclasses.replace(chunk, resume=resume)
                    worker_queue = None
                    continue
                raise self._failed(job, error) from error

    def _failed(self, job: LocationExportInput, error: ActivityError) -> ApplicationError:
        """The location failed for good: record why, and the error that fails the workflow."""
        self._status = "failed"
        self._error = _describe(error)
        return ApplicationError(
            f"location {job.location_id}: {self._error}",
            type="LocationExportFailed",
            non_retryable=True,
        )


def _describe(error: ActivityError) -> str:
    cause = error.cause
    while isinstance(cause, ActivityError) and cause.cause is not None:
        cause = cause.cause
    if isinstance(cause, ApplicationError):
        return f"{cause.type}: {cause.message}" if cause.type else cause.message
    return str(cause or error)
