"""One cursor over one date window: requests pages, reopens dead cursors, skips what was passed.

HighLevel's export cursor dies 2 minutes after the last request made with it. A cursor idle for
longer than 90% of that (known from the injected clock) or rejected by the server is replaced by a
new one opened on what is left of the window; messages the reader already passed (ties at the
boundary included) are skipped by position. With ``prefetch`` the next page is requested as soon
as a page arrives, so HighLevel prepares page N+1 while the caller works through page N.

Progress is checked on every answer: a page that does not reach past the previous page of the
same cursor, a rejected cursor, or a reopened one all count as answers that brought nothing new,
and a run of them ends in :class:`NoProgressError` (see ``_progress``).
"""

from __future__ import annotations

import asyncio
import datetime as _dt
import logging
from collections.abc import AsyncGenerator, Awaitable, Callable
from typing import Any

import attrs

from .._clock import Clock
from .._errors import APIStatusError, ErrorKind, classify
from ._checkpoint import ExportFilters
from ._iterator import Batch
from ._ordering import ONE_MS, Ordering, Position, Window
from ._progress import ProgressGuard
from ._wire_page import read_export_page

__all__ = ["CURSOR_TTL", "ExportStats", "FetchExportPage", "ReaderSettings", "WindowReader"]

logger = logging.getLogger("ghl_conversations")

#: Seconds an export cursor lives after the last request made with it (HighLevel documents 2 min).
CURSOR_TTL = 120.0

#: Returns one export page as decoded JSON; keyword arguments override the export's filters.
FetchExportPage = Callable[..., Awaitable[Any]]


@attrs.define
class ExportStats:
    """Counters an export exposes: requests made and cursors replaced."""

    requests: int = 0
    recoveries: int = 0


@attrs.frozen
class ReaderSettings:
    """How a reader treats its cursor."""

    cursor_ttl: float = CURSOR_TTL
    prefetch: bool = True


@attrs.define(eq=False)
class _Chain:
    """One cursor's run of pages: where the last of them reached (to see a stuck cursor)."""

    scan: Position = attrs.field(factory=Position)


@attrs.define(eq=False)
class _Request:
    """A request in flight and what it was made with."""

    response: Awaitable[Any]
    cursor: str | None
    chain: _Chain
    sent_at: float


@attrs.define(eq=False)
class WindowReader:
    """Reads one window to its end as batches of fresh wire messages (the last one ``final``)."""

    _fetch: FetchExportPage
    _filters: ExportFilters
    _ordering: Ordering
    _window: Window
    _index: int
    _clock: Clock = attrs.field(kw_only=True)
    _settings: ReaderSettings = attrs.field(kw_only=True)
    _stats: ExportStats = attrs.field(kw_only=True)
    # The reader's own position: a copy, since the caller's (in the window) moves only as
    # items reach the caller, never ahead of them.
    _position: Position = attrs.field(init=False)
    _guard: ProgressGuard = attrs.field(init=False)

    @_position.default
    def _start(self) -> Position:
        return self._window.position.copy()

    @_guard.default
    def _new_guard(self) -> ProgressGuard:
        return ProgressGuard(f"export window {_describe(self._window)}")

    # -- requests ---------------------------------------------------------------------------

    def _query(self) -> tuple[_dt.datetime | None, _dt.datetime | None]:
        """The wire date filter for a new cursor: what is left of the window, 1 ms wider.

        Sorted by ``createdAt`` the range narrows to the position (ties included, skipped by id).
        Sorted by ``updatedAt`` the caller's dates go as given (HighLevel may filter them on
        ``dateAdded``), and a new cursor starts over, skipping everything already passed.
        """
        if self._ordering.sort_by == "updatedAt":
            return self._filters.start_date, self._filters.end_date
        window, position = self._window, self._position
        start = window.start - ONE_MS if window.start is not None else None
        end = window.end + ONE_MS if window.end is not None else None
        if position.value is not None:
            if self._ordering.descending:
                end = position.value + ONE_MS
            else:
                start = position.value - ONE_MS
        return start, end

    def _send(self, cursor: str | None, chain: _Chain, last_sent: float) -> _Request:
        """Request the next page on ``cursor``, or on a new cursor if it is idle too long."""
        now = self._clock.monotonic()
        if cursor is not None and now - last_sent >= self._settings.cursor_ttl * 0.9:
            logger.info(
                "export cursor idle for %.0fs (lives %.0fs): reopening from the checkpoint",
                now - last_sent,
                self._settings.cursor_ttl,
            )
            self._reopened(f"cursor idle for {now - last_sent:.0f}s")
            cursor = None
        if cursor is None:
            chain = _Chain()
            start, end = self._query()
            response = self._fetch(cursor=None, start_date=start, end_date=end)
        else:
            response = self._fetch(cursor=cursor)
        self._stats.requests += 1
        if self._settings.prefetch:
            response = asyncio.ensure_future(response)
        return _Request(response, cursor, chain, now)

    def _reopened(self, why: str) -> None:
        self._stats.recoveries += 1
        self._guard.stalled(f"reopened the cursor ({why})")

    # -- pages ------------------------------------------------------------------------------

    async def batches(self) -> AsyncGenerator[Batch[dict[str, Any]], None]:
        """Batches of fresh messages until a valid page says there is no more."""
        ordering = self._ordering
        request: _Request | None = self._send(None, _Chain(), 0.0)
        try:
            while request is not None:
                try:
                    data = await request.response
                except APIStatusError as exc:
                    if request.cursor is None or classify(exc) is not ErrorKind.CURSOR_EXPIRED:
                        raise
                    logger.warning(
                        "export cursor rejected (%s): reopening from the checkpoint", exc
                    )
                    self._reopened(f"cursor rejected: {exc.message}")
                    request = self._send(None, request.chain, request.sent_at)
                    continue
                page = read_export_page(data)
                done = request
                request = None
                if page.next_cursor is not None and self._settings.prefetch:
                    request = self._send(page.next_cursor, done.chain, done.sent_at)
                    await asyncio.sleep(0)  # let the request reach the wire before we compute
                messages = page.messages
                moved = ordering.moves(done.chain.scan, messages)
                ordering.advance(done.chain.scan, messages)
                fresh = ordering.fresh(self._window, self._position, messages)
                ordering.advance(self._position, fresh)
                if fresh:
                    self._guard.progressed()
                elif page.next_cursor is not None and not moved:
                    self._guard.stalled(
                        f"cursor {_short(done.cursor)} answered {len(messages)} message(s) "
                        f"already passed, next cursor {_short(page.next_cursor)}"
                    )
                final = page.next_cursor is None
                yield Batch(fresh, page.next_cursor, page.total, self._index, final)
                if final:
                    return
                if request is None:
                    request = self._send(page.next_cursor, done.chain, done.sent_at)
        finally:
            if request is not None:
                if isinstance(request.response, asyncio.Future):
                    await _stop(request.response)
                elif asyncio.iscoroutine(request.response):
                    request.response.close()  # never sent


def _describe(window: Window) -> str:
    start = window.start.isoformat() if window.start else "the beginning"
    end = window.end.isoformat() if window.end else "the end"
    return f"[{start}, {end})"


def _short(cursor: str | None) -> str:
    if cursor is None:
        return "(new)"
    return repr(cursor if len(cursor) <= 24 else cursor[:20] + "...")


async def _stop(task: asyncio.Future[Any]) -> None:
    """Cancel a request the reader no longer needs and wait until it is gone."""
    if not task.done():
        task.cancel()
        try:
            await task
        except asyncio.CancelledError:
            current = asyncio.current_task()
            if current is not None and current.cancelling():
                raise  # we are being cancelled ourselves: let it propagate
        except Exception:  # noqa: BLE001 - the export is being abandoned
            pass  # a late error of a page nobody will read no longer matters
    elif not task.cancelled():
        task.exception()  # retrieved, so asyncio does not log it as never retrieved
