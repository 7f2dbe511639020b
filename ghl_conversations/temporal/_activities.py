"""The fleet's activities: plan a location's chunks, export one chunk through a sink.

``export_chunk`` heartbeats ``{"export": <export checkpoint>, "sink": <sink position>, ...}``
taken at one instant (after the sink made everything up to there durable). Temporal hands the last
heartbeat to the next attempt, wherever it runs; the attempt resumes from it, so a worker killed
mid-chunk costs the messages since its last heartbeat, never a duplicate or a gap.

Errors no retry can fix (the token is refused, no access to the location, the location is gone or
inactive, the request is invalid) become non-retryable ``ApplicationError``s: that location fails,
the rest of the fleet goes on.
"""

from __future__ import annotations

import asyncio
import datetime as _dt
import logging
import math
import time
from typing import Any, Literal

from temporalio import activity
from temporalio.exceptions import ApplicationError

from .._client import Client
from .._dates import parse_wire_datetime
from .._errors import APIStatusError, RateLimitError
from ._sink import ChunkWriter, Sink, SinkFactory, default_sinks
from ._types import ChunkInput, ChunkPlan, ChunkResult, PlanInput

__all__ = ["EXPORT_CHUNK", "PLAN_LOCATION", "FleetActivities", "non_retryable"]

PLAN_LOCATION = "ghl_plan_location"
EXPORT_CHUNK = "ghl_export_chunk"
#: Retrying these statuses can succeed; every other 4xx is the same answer next time.
_RETRYABLE_4XX = frozenset({408, 409, 425, 429})
_ONE_MS = _dt.timedelta(milliseconds=1)
logger = logging.getLogger("ghl_conversations.temporal")


def non_retryable(error: BaseException) -> bool:
    """True for errors that no retry fixes: refused tokens, no access, invalid requests."""
    if isinstance(error, ValueError):
        return True
    return (
        isinstance(error, APIStatusError)
        and 400 <= error.status < 500
        and error.status not in _RETRYABLE_4XX
    )


def _date(text: str | None) -> _dt.datetime | None:
    return parse_wire_datetime(text) if text else None


def _iso(value: _dt.datetime) -> str:
    return value.astimezone(_dt.UTC).isoformat(timespec="milliseconds")


class FleetActivities:
    """The activities of a worker: register ``plan_location`` and ``export_chunk``.

    ``client`` is one ``ghl_conversations.Client`` shared by every activity of the process (one
    rate limiter per location); ``worker_queue`` is this process's own task queue, which the
    workflow uses to keep a location on the worker that already knows its rate window.
    ``rate_interval`` is the length of HighLevel's rate window: a worker taking over a location
    from another one waits for that window to drain first.
    """

    def __init__(
        self,
        client: Client,
        *,
        worker_queue: str,
        sinks: dict[str, SinkFactory] | None = None,
        rate_interval: float = 10.0,
        heartbeat_every: float = 1.0,
    ) -> None:
        self.client = client
        self.worker_queue = worker_queue
        self.sinks = {**default_sinks(), **(sinks or {})}
        self.rate_interval = rate_interval
        self.heartbeat_every = heartbeat_every

    def __repr__(self) -> str:
        return f"FleetActivities(worker_queue={self.worker_queue!r})"

    def sink(self, spec: dict[str, Any]) -> Sink:
        """The sink an export's spec names (a non-retryable error if this worker lacks it)."""
        factory = self.sinks.get(str(spec.get("kind")))
        if factory is None:
            raise ApplicationError(
                f"this worker has no sink of kind {spec.get('kind')!r}",
                type="UnknownSink",
                non_retryable=True,
            )
        return factory(spec)

    # -- plan ------------------------------------------------------------------------------

    @activity.defn(name=PLAN_LOCATION)
    async def plan_location(self, plan: PlanInput) -> ChunkPlan:
        """Split the location's range into chunks of about ``chunk_messages`` messages."""
        try:
            return await self._plan(plan)
        except Exception as error:
            raise _translate(error) from error

    async def _plan(self, plan: PlanInput) -> ChunkPlan:
        start, end = _date(plan.start_date), _date(plan.end_date)
        sink = self.sink(plan.sink)
        job = {"channel": plan.channel, "start_date": plan.start_date, "end_date": plan.end_date}
        claim = getattr(sink, "claim", None)
        recorded = claim(plan.location_id, job) if callable(claim) else None
        if recorded is not None:  # an earlier run planned this export: keep its chunks
            return ChunkPlan(recorded["chunks"], int(recorded["total"]))
        chunks = await self._split(plan, start, end)
        record = getattr(sink, "record_plan", None)
        if callable(record):
            record(plan.location_id, job, {"chunks": chunks.chunks, "total": chunks.total})
        return chunks

    async def _split(
        self, plan: PlanInput, start: _dt.datetime | None, end: _dt.datetime | None
    ) -> ChunkPlan:
        edges: dict[str, _dt.datetime | None] = {}
        total = 0
        orders: tuple[Literal["asc"], Literal["desc"]] = ("asc", "desc")
        for order in orders:
            page = await self.client.messages.export_page(
                plan.location_id,
                channel=plan.channel,  # type: ignore[arg-type]
                start_date=start,
                end_date=end,
                sort_by="createdAt",
                sort_order=order,
                limit=10,
            )
            total = max(total, page.total or 0)
            dates = [m.date_added for m in page.messages if m.date_added is not None]
            edges[order] = (min(dates) if order == "asc" else max(dates)) if dates else None
        first, last = edges["asc"], edges["desc"]
        count = max(1, math.ceil(total / max(1, plan.chunk_messages)))
        if first is None or last is None or last <= first or count == 1:
            return ChunkPlan([[plan.start_date, plan.end_date]], total)
        span = (last - first) / count
        cuts = [first + span * i for i in range(1, count)]
        cuts = [c.replace(microsecond=(c.microsecond // 1000) * 1000) for c in cuts]
        cuts = sorted({c for c in cuts if first < c <= last})
        chunks: list[list[str | None]] = []
        lower: str | None = plan.start_date
        for cut in cuts:
            chunks.append([lower, _iso(cut - _ONE_MS)])  # end dates are inclusive
            lower = _iso(cut)
        chunks.append([lower, plan.end_date])
        return ChunkPlan(chunks, total)

    # -- export one chunk ------------------------------------------------------------------

    @activity.defn(name=EXPORT_CHUNK)
    async def export_chunk(self, chunk: ChunkInput) -> ChunkResult:
        """Export one chunk into the sink, resuming from the last heartbeat of an earlier try."""
        started = time.monotonic()
        sink = self.sink(chunk.sink)
        published = sink.completed(chunk.location_id, chunk.index)
        if published is not None:  # an earlier attempt finished but could not report it
            return ChunkResult(_count_lines(published), 0, 0.0, self.worker_queue, time.time())
        await self._let_rate_window_drain(chunk)
        info = activity.info()
        state: dict[str, Any] | None = (
            info.heartbeat_details[0] if info.heartbeat_details else chunk.resume
        )
        written = int((state or {}).get("messages") or 0)
        logger.info(
            "chunk %s#%d attempt %d: started (%d messages already written)",
            chunk.location_id,
            chunk.index,
            info.attempt,
            written,
        )
        writer = sink.open_chunk(chunk.location_id, chunk.index, (state or {}).get("sink"))
        export = self.client.messages.export(
            chunk.location_id,
            channel=chunk.channel,  # type: ignore[arg-type]
            start_date=_date(chunk.start_date),
            end_date=_date(chunk.end_date),
            sort_by="createdAt",
            sort_order="asc",
            limit=chunk.page_size,
            concurrency=chunk.concurrency,
            resume=(state or {}).get("export"),
        )
        records = export.raw()  # the wire dicts exactly as HighLevel sent them
        try:
            batch: list[dict[str, Any]] = []
            last_beat = time.monotonic()
            async for record in records:
                batch.append(record)
                if len(batch) >= chunk.page_size:
                    await writer.write(batch)
                    written += len(batch)
                    batch = []
                if time.monotonic() - last_beat >= self.heartbeat_every:
                    await writer.write(batch)
                    written += len(batch)
                    batch = []
                    await self._heartbeat(writer, export.checkpoint, written)
                    last_beat = time.monotonic()
            await writer.write(batch)
            written += len(batch)
            await writer.commit()
        except BaseException as error:
            await _settle(writer, export.checkpoint, written, self._heartbeat)
            if isinstance(error, Exception):
                raise _translate(error) from error
            raise
        finally:
            await records.aclose()
            await export.aclose()
        logger.info("chunk %s#%d: done, %d messages", chunk.location_id, chunk.index, written)
        return ChunkResult(
            written,
            export.requests,
            time.monotonic() - started,
            self.worker_queue,
            time.time(),
        )

    async def _heartbeat(
        self, writer: ChunkWriter, checkpoint: dict[str, Any], written: int
    ) -> None:
        position = await writer.checkpoint()
        activity.heartbeat(
            {"export": checkpoint, "sink": position, "messages": written, "at": time.time()}
        )

    async def _let_rate_window_drain(self, chunk: ChunkInput) -> None:
        """Another process read this location moments ago: its requests still fill HighLevel's
        window, which this process's limiter cannot see. Wait until they have left it."""
        info = activity.info()
        now = time.time()
        until = 0.0
        if info.attempt > 1:
            scheduled = info.current_attempt_scheduled_time.timestamp()
            until = scheduled + self.rate_interval
        elif chunk.previous_queue not in (None, self.worker_queue) and chunk.previous_finished_at:
            until = chunk.previous_finished_at + self.rate_interval
        while now < until:
            await asyncio.sleep(min(until - now, self.heartbeat_every))
            activity.heartbeat(*info.heartbeat_details)  # keep the details for a later attempt
            now = time.time()


async def _settle(writer: ChunkWriter, checkpoint: dict[str, Any], written: int, beat: Any) -> None:
    """On the way out of a failed attempt: record how far it got, then let go of the writer."""
    try:
        if not getattr(writer, "closed", False):
            await beat(writer, checkpoint, written)
    except Exception:  # noqa: BLE001 - the attempt's own error is the one to report
        pass
    await writer.close()


def _translate(error: Exception) -> Exception:
    """Non-retryable errors as ``ApplicationError(non_retryable=True)``; the rest unchanged."""
    if isinstance(error, ApplicationError):
        return error
    if isinstance(error, RateLimitError) and error.retry_after:
        return ApplicationError(
            f"rate limited: {error.message}",
            type="RateLimitError",
            next_retry_delay=_dt.timedelta(seconds=error.retry_after),
        )
    if non_retryable(error):
        return ApplicationError(str(error), type=type(error).__name__, non_retryable=True)
    return error


def _count_lines(path: str) -> int:
    count = 0
    with open(path, "rb") as handle:
        while block := handle.read(1 << 20):
            count += block.count(b"\n")
    return count
