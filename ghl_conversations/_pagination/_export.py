"""The export iterator: every message of a location exactly once, however slow the consumer.

HighLevel's export cursor dies 2 minutes after the last request made with it. The iterator keeps
a *checkpoint*: the filters, and per date window the sort value of the last message handed to the
consumer plus the ids already handed over at that value. When the cursor is stale (known from the
clock) or rejected (a 4xx naming the cursor), it opens a new cursor narrowed to what is left of the
window and skips what it already yielded, including messages that share the boundary timestamp.
Window bounds are widened by 1 ms on the wire and enforced here, so the result is the same whether
the server treats ``startDate``/``endDate`` as inclusive or exclusive.

With ``concurrency=N`` the date range is split into windows read by N concurrent cursors (all under
the location's rate limiter); the checkpoint then covers every window.

Ordering: sequential export yields in the requested sort order. Parallel export yields each
window's messages in sort order, but windows interleave: no global order.
"""

from __future__ import annotations

import asyncio
import datetime as _dt
import logging
from collections.abc import AsyncGenerator, Awaitable, Callable
from typing import Any

import anyio
import attrs
import orjson
from anyio.streams.memory import MemoryObjectSendStream

from .._clock import Clock
from .._dates import parse_wire_datetime
from .._errors import APIStatusError, CursorExpiredError
from .._models import ExportPage, Message, structure
from ._paged import Page, PagedIterator

__all__ = ["CURSOR_TTL", "ExportFilters", "MessageExport"]

logger = logging.getLogger("ghl_conversations")

#: Seconds an export cursor lives after the last request made with it (HighLevel documents 2 min).
CURSOR_TTL = 120.0
_ONE_MS = _dt.timedelta(milliseconds=1)
CHECKPOINT_VERSION = 1
_KICK_ROUNDS = 1


@attrs.frozen
class ExportFilters:
    location_id: str
    channel: str | None = None
    conversation_id: str | None = None
    contact_id: str | None = None
    start_date: _dt.datetime | None = None
    end_date: _dt.datetime | None = None
    sort_by: str = "createdAt"
    sort_order: str = "desc"
    limit: int = 100

    def to_json(self) -> dict[str, Any]:
        data = attrs.asdict(self)
        for key in ("start_date", "end_date"):
            if data[key] is not None:
                data[key] = data[key].isoformat()
        return data

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> ExportFilters:
        values = dict(data)
        for key in ("start_date", "end_date"):
            if values.get(key) is not None:
                values[key] = parse_wire_datetime(values[key])
        return cls(**values)

    @property
    def descending(self) -> bool:
        return self.sort_order == "desc"


@attrs.define
class Position:
    """Where a reader stands in its window: the last sort value and the ids seen at that value."""

    value: _dt.datetime | None = None
    ids: set[str] = attrs.field(factory=set)

    def advance(self, value: _dt.datetime | None, message_id: str) -> None:
        if value is None:
            return
        if value == self.value:
            self.ids.add(message_id)
        else:
            self.value = value
            self.ids = {message_id}

    def already_passed(self, value: _dt.datetime | None, message_id: str, descending: bool) -> bool:
        if self.value is None or value is None:
            return False
        if value == self.value:
            return message_id in self.ids
        return value > self.value if descending else value < self.value


@attrs.define
class Window:
    """A half-open date range [start, end) (None: unbounded) and the consumer's position in it."""

    start: _dt.datetime | None
    end: _dt.datetime | None
    position: Position = attrs.field(factory=Position)
    done: bool = False
    yielded: int = 0

    def contains(self, value: _dt.datetime | None) -> bool:
        if value is None:
            return True
        if self.start is not None and value < self.start:
            return False
        return not (self.end is not None and value >= self.end)

    def to_json(self) -> dict[str, Any]:
        return {
            "start": self.start.isoformat() if self.start else None,
            "end": self.end.isoformat() if self.end else None,
            "last_value": self.position.value.isoformat() if self.position.value else None,
            "ids_at_last_value": sorted(self.position.ids),
            "done": self.done,
            "yielded": self.yielded,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Window:
        def date(key: str) -> _dt.datetime | None:
            value = data.get(key)
            return parse_wire_datetime(value) if value else None

        return cls(
            start=date("start"),
            end=date("end"),
            position=Position(date("last_value"), set(data.get("ids_at_last_value") or ())),
            done=bool(data.get("done")),
            yielded=int(data.get("yielded") or 0),
        )


#: Returns one export page as decoded JSON (models are built by the iterator).
FetchExportPage = Callable[..., Awaitable[Any]]


def _is_cursor_rejection(error: APIStatusError) -> bool:
    return 400 <= error.status < 500 and "cursor" in error.message.lower()


class MessageExport(PagedIterator[Message]):
    """``messages.export(...)``: iterate messages; ``.checkpoint`` to save; ``resume=`` to go on."""

    def __init__(
        self,
        fetch: FetchExportPage,
        filters: ExportFilters,
        *,
        clock: Clock,
        max_items: int | None = None,
        concurrency: int = 1,
        resume: dict[str, Any] | str | bytes | None = None,
        cursor_ttl: float = CURSOR_TTL,
        windows_per_worker: int = 4,
        prefetch: bool = True,
    ) -> None:
        super().__init__(max_items=max_items)
        if isinstance(concurrency, bool) or not isinstance(concurrency, int) or concurrency < 1:
            raise ValueError(f"concurrency must be a positive integer, got {concurrency!r}")
        self._fetch = fetch
        self.filters = filters
        self._clock = clock
        self.concurrency = concurrency
        self._cursor_ttl = cursor_ttl
        self._stale_after = cursor_ttl * 0.9
        self._windows_per_worker = windows_per_worker
        self.prefetch = prefetch
        self.recoveries = 0
        self.requests = 0
        self._windows: list[Window] | None = None
        self._runners: set[asyncio.Task[None]] = set()
        self._current: Page[Message] | None = None
        if resume is not None:
            self._load_checkpoint(resume)

    # -- checkpoint ------------------------------------------------------------------------

    def _load_checkpoint(self, resume: dict[str, Any] | str | bytes) -> None:
        data = orjson.loads(resume) if isinstance(resume, (str, bytes)) else resume
        if not isinstance(data, dict) or data.get("kind") != "export":
            raise ValueError("resume= takes the value of an export's .checkpoint")
        if data.get("version") != CHECKPOINT_VERSION:
            raise ValueError(f"unsupported checkpoint version {data.get('version')!r}")
        saved = ExportFilters.from_json(data["filters"])
        if attrs.evolve(saved, limit=self.filters.limit) != self.filters:
            raise ValueError(
                "resume= checkpoint was made with other filters: "
                f"{saved.to_json()} != {self.filters.to_json()}"
            )
        self._windows = [Window.from_json(w) for w in data["windows"]]
        self.total = data.get("total")
        self.yielded = 0

    @property
    def checkpoint(self) -> dict[str, Any]:
        """A JSON-serialisable value: pass it as ``resume=`` (in any process) to continue after the
        last message this iterator yielded."""
        windows = (
            list(self._windows)
            if self._windows is not None
            else [Window(self.filters.start_date, _exclusive_end(self.filters.end_date))]
        )
        current = self._current
        if current is not None and current.window is not None and self._windows is not None:
            # Fold in the part of the current page the caller has received, on a copy.
            settled = windows[current.window]
            partial = Window(
                settled.start,
                settled.end,
                Position(settled.position.value, set(settled.position.ids)),
                settled.done,
                settled.yielded + self._handed,
            )
            self._advance(partial.position, current.items[: self._handed])
            windows[current.window] = partial
        return {
            "kind": "export",
            "version": CHECKPOINT_VERSION,
            "filters": self.filters.to_json(),
            "windows": [w.to_json() for w in windows],
            "total": self.total,
            "yielded": sum(w.yielded for w in windows),
        }

    @property
    def done(self) -> bool:
        return self._windows is not None and all(w.done for w in self._windows)

    # -- one window ------------------------------------------------------------------------

    def _sort_value(self, message: Message) -> _dt.datetime | None:
        if self.filters.sort_by == "updatedAt":
            return message.date_updated or message.date_added
        return message.date_added

    def _query_range(
        self, window: Window, position: Position
    ) -> tuple[_dt.datetime | None, _dt.datetime | None]:
        """The wire date filter for a (re)started cursor: what is left of the window, 1 ms wider."""
        start = window.start - _ONE_MS if window.start else None
        end = window.end + _ONE_MS if window.end else None
        if position.value is not None and self.filters.sort_by == "createdAt":
            if self.filters.descending:
                end = position.value + _ONE_MS
            else:
                start = position.value - _ONE_MS
        return start, end

    def _live_cursor(self, cursor: str | None, last_request: float) -> str | None:
        """``cursor``, or None when it has been idle too long to trust (reopen instead)."""
        idle = self._clock.monotonic() - last_request
        if cursor is not None and idle >= self._stale_after:
            logger.info(
                "export cursor idle for %.0fs (lives %.0fs): reopening from the checkpoint",
                idle,
                self._cursor_ttl,
            )
            self.recoveries += 1
            return None
        return cursor

    async def _read_window(
        self, window: Window, position: Position
    ) -> AsyncGenerator[tuple[ExportPage, list[Message]], None]:
        """Pages of one window, each with the messages not yet yielded; recovers dead cursors.

        With ``prefetch`` the next page is requested as soon as a page arrives, so HighLevel
        prepares page N+1 while the caller works through page N (one page ahead, no more).
        """
        cursor: str | None = None
        query = self._query_range(window, position)
        last_request = 0.0
        failures_in_a_row = 0
        ahead: asyncio.Task[Any] | None = None
        ahead_started = 0.0
        try:
            while True:
                request: Awaitable[Any]
                if ahead is None:
                    cursor = self._live_cursor(cursor, last_request)
                    if cursor is None:
                        query = self._query_range(window, position)
                    requested_at = self._clock.monotonic()
                    self.requests += 1
                    request = self._fetch(cursor=cursor, start_date=query[0], end_date=query[1])
                else:
                    requested_at, request, ahead = ahead_started, ahead, None
                try:
                    data = await request
                except APIStatusError as exc:
                    if cursor is None or not _is_cursor_rejection(exc):
                        raise
                    failures_in_a_row += 1
                    if failures_in_a_row > 3:
                        raise CursorExpiredError(
                            f"the export cursor was rejected {failures_in_a_row} times in a row: "
                            f"{exc.message}"
                        ) from exc
                    logger.warning(
                        "export cursor rejected (%s): reopening from the checkpoint", exc
                    )
                    self.recoveries += 1
                    cursor = None
                    continue
                last_request = requested_at
                failures_in_a_row = 0
                cursor, more = _next_cursor(data)
                if more and self.prefetch:
                    cursor = self._live_cursor(cursor, last_request)
                    if cursor is None:
                        query = self._query_range(window, position)
                    ahead_started = self._clock.monotonic()
                    self.requests += 1
                    ahead = asyncio.ensure_future(
                        self._fetch(cursor=cursor, start_date=query[0], end_date=query[1])
                    )
                    # Let the request reach the wire before the caller's loop takes over: a
                    # loop over 500 messages never yields to the event loop by itself.
                    for _ in range(_KICK_ROUNDS):
                        await asyncio.sleep(0)
                page = structure(data, ExportPage)  # while HighLevel prepares the next page
                if self.total is None:
                    self.total = page.total
                fresh = self._fresh(window, position, page.messages)
                self._advance(position, fresh)
                yield page, fresh
                if not more:
                    return
        finally:
            if ahead is not None:
                await _stop(ahead)

    def _fresh(self, window: Window, position: Position, messages: list[Message]) -> list[Message]:
        """The messages inside the window and past the position (pages are sorted, so checking
        the two ends suffices unless a boundary falls inside the page)."""
        if not messages:
            return messages
        descending = self.filters.descending
        first = self._sort_value(messages[0])
        last = self._sort_value(messages[-1])
        past_position = position.value is None or (
            first is not None and (first < position.value if descending else first > position.value)
        )
        inside = first is not None and last is not None
        if past_position and inside and window.contains(first) and window.contains(last):
            return messages
        return [
            message
            for message in messages
            if window.contains(value := self._sort_value(message))
            and not position.already_passed(value, message.id, descending)
        ]

    def _delivering(self, page: Page[Message]) -> None:
        """A new page starts reaching the caller: settle the previous one into its window."""
        self._settle()
        self._current = page
        self._handed = 0

    def _settle(self) -> None:
        current = self._current
        if current is not None and self._windows is not None and current.window is not None:
            window = self._windows[current.window]
            handed = current.items[: self._handed]
            self._advance(window.position, handed)
            window.yielded += len(handed)
        self._current = None
        self._handed = 0

    def _advance(self, position: Position, messages: list[Message]) -> None:
        """Move ``position`` past ``messages`` (in sort order); only the tail's ties matter."""
        if not messages:
            return
        last_value = self._sort_value(messages[-1])
        if last_value is None:
            for message in messages:
                position.advance(self._sort_value(message), message.id)
            return
        ties = set()
        for message in reversed(messages):
            if self._sort_value(message) != last_value:
                break
            ties.add(message.id)
        else:  # the whole run shares one value: it may continue a tie from earlier pages
            if position.value == last_value:
                ties |= position.ids
        position.value = last_value
        position.ids = ties

    # -- sequential ------------------------------------------------------------------------

    async def _page_stream(self) -> AsyncGenerator[Page[Message], None]:
        if self._windows is None:
            if self.concurrency > 1:
                self._windows = await self._plan_windows()
            else:
                self._windows = [
                    Window(self.filters.start_date, _exclusive_end(self.filters.end_date))
                ]
        if self.concurrency > 1 and sum(not w.done for w in self._windows) > 1:
            parallel = self._parallel_pages()
            try:
                async for page in parallel:
                    yield page
            finally:
                await parallel.aclose()  # an enclosing aclose() does not reach nested generators
            return
        for index, window in enumerate(self._windows):
            if window.done:
                continue
            # The reader's own position: a copy, so the checkpoint moves only as items reach the
            # caller (``_delivered``), never ahead of them.
            reader_position = Position(window.position.value, set(window.position.ids))
            pages = self._read_window(window, reader_position)
            try:
                async for export_page, fresh in pages:
                    if fresh:
                        yield Page(fresh, export_page.next_cursor, self.total, index)
            finally:
                await pages.aclose()
            self._settle()  # the caller has taken every item of the window's last page
            window.done = True

    # -- parallel --------------------------------------------------------------------------

    async def _probe_edge(self, order: str) -> _dt.datetime | None:
        """The oldest or newest message date matching the filters (one small request)."""
        data = await self._fetch(
            cursor=None,
            start_date=self.filters.start_date,
            end_date=self.filters.end_date,
            sort_order=order,
            sort_by="createdAt",
            limit=10,
        )
        self.requests += 1
        page = structure(data, ExportPage)
        if self.total is None:
            self.total = page.total
        dates = [m.date_added for m in page.messages if m.date_added is not None]
        if not dates:
            return None
        return min(dates) if order == "asc" else max(dates)

    async def _plan_windows(self) -> list[Window]:
        """Split the range into ``concurrency * windows_per_worker`` equal time windows."""
        first = self.filters.start_date or await self._probe_edge("asc")
        last = self.filters.end_date or await self._probe_edge("desc")
        count = self.concurrency * self._windows_per_worker
        if first is None or last is None or last <= first or self.filters.sort_by != "createdAt":
            return [Window(self.filters.start_date, _exclusive_end(self.filters.end_date))]
        span = (last - first) / count
        edges = [first + span * i for i in range(count)] + [last + _ONE_MS]
        edges = [e.replace(microsecond=(e.microsecond // 1000) * 1000) for e in edges]
        windows = [Window(edges[i], edges[i + 1]) for i in range(count) if edges[i] < edges[i + 1]]
        # Unbounded outer edges: nothing outside the probed range is ever excluded.
        windows[0].start = self.filters.start_date
        windows[-1].end = _exclusive_end(self.filters.end_date)
        if self.filters.descending:
            windows.reverse()
        return windows

    async def _parallel_pages(self) -> AsyncGenerator[Page[Message], None]:
        assert self._windows is not None
        send, receive = anyio.create_memory_object_stream[tuple[int, list[Message] | None, Any]](
            self.concurrency
        )
        runner = asyncio.get_running_loop().create_task(self._run_workers(send))
        self._runners.add(runner)
        runner.add_done_callback(self._runners.discard)
        try:
            async with receive:
                async for index, messages, cursor in receive:
                    window = self._windows[index]
                    if messages is None:
                        self._settle()  # every page sent before this marker was taken
                        window.done = True
                        continue
                    yield Page(messages, cursor, self.total, index)
            await runner  # re-raises a worker's error
        finally:
            await _stop(runner)

    async def aclose(self) -> None:
        """Stop now, including the parallel readers (even if the loop that used them is gone)."""
        await super().aclose()
        for runner in list(self._runners):
            await _stop(runner)

    async def _run_workers(
        self, send: MemoryObjectSendStream[tuple[int, list[Message] | None, Any]]
    ) -> None:
        """Runs in its own task (so an abandoned iterator can cancel it from anywhere)."""
        assert self._windows is not None
        todo = [i for i, w in enumerate(self._windows) if not w.done]
        todo.reverse()

        async def worker() -> None:
            assert self._windows is not None
            while todo:
                index = todo.pop()
                window = self._windows[index]
                position = Position(window.position.value, set(window.position.ids))
                pages = self._read_window(window, position)
                try:
                    async for export_page, fresh in pages:
                        if fresh:
                            await send.send((index, fresh, export_page.next_cursor))
                finally:
                    await pages.aclose()
                await send.send((index, None, None))

        async with send, anyio.create_task_group() as group:
            for _ in range(min(self.concurrency, len(todo))):
                group.start_soon(worker)


def _next_cursor(data: Any) -> tuple[str | None, bool]:
    """(nextCursor, whether another page follows) from a decoded export page."""
    if not isinstance(data, dict):
        return None, False
    cursor = data.get("nextCursor")
    if not isinstance(cursor, str) or not cursor:
        return None, False
    return cursor, bool(data.get("messages"))


async def _stop(task: asyncio.Task[Any]) -> None:
    if not task.done():
        task.cancel()
        try:
            await task
        except asyncio.CancelledError:
            current = asyncio.current_task()
            if current is not None and current.cancelling():
                raise  # we are being cancelled ourselves: let it propagate
        except Exception:  # noqa: BLE001 - the export is being abandoned
            pass  # the export is being abandoned: a reader's late error no longer matters


def _exclusive_end(end: _dt.datetime | None) -> _dt.datetime | None:
    """A caller's ``end_date`` is inclusive; windows are half-open."""
    return end + _ONE_MS if end is not None else None
