"""The export iterator: every message of a location exactly once, however slow the consumer.

HighLevel's export cursor dies 2 minutes after the last request made with it. The export keeps a
*checkpoint*: the filters and, per date window, the sort value of the last message handed to the
caller plus the ids handed over at that value. Each window is read by a :class:`WindowReader`,
which opens a new cursor on what is left of its window whenever the old one is stale or rejected,
skipping what it already passed (ties at the boundary included). Sorted by ``createdAt``, window
bounds are widened by 1 ms on the wire and enforced here, so the result is the same whether the
server treats ``startDate``/``endDate`` as inclusive or exclusive.

Sorted by ``updatedAt`` the export is exact too (ties, checkpoints, reopening after expiry), with
two differences: HighLevel may apply ``startDate``/``endDate`` to ``dateAdded`` whatever the sort
(UNCONFIRMED), so the dates are sent as given and not re-checked here, the export is not split into
parallel windows, and a reopened cursor starts over and skips what was passed; and a message edited
during the export moves in that order (it may then come again, with its new ``dateUpdated``, or
only in the next export).

With ``concurrency=N`` the date range is split into windows (``_planner``) read by N concurrent
cursors (``_fan_in``), all under the location's rate limiter; the checkpoint covers every window.
Sequential export yields in the requested sort order; parallel windows interleave.
"""

from __future__ import annotations

from collections.abc import AsyncGenerator
from typing import Any

import attrs

from .._clock import Clock
from .._models import Message
from ._checkpoint import (
    ExportFilters,
    dump_checkpoint,
    initial_windows,
    load_checkpoint,
)
from ._fan_in import fan_in
from ._iterator import Batch, PagedIterator
from ._ordering import Ordering, Window
from ._planner import plan_windows
from ._window_reader import (
    CURSOR_TTL,
    ExportStats,
    FetchExportPage,
    ReaderSettings,
    WindowReader,
)
from ._wire_page import to_messages

__all__ = ["CURSOR_TTL", "ExportFilters", "MessageExport"]

Wire = dict[str, Any]


@attrs.define(eq=False)
class _ExportSource:
    """The export's paging: plans windows, reads them, and records what the caller took."""

    fetch: FetchExportPage
    filters: ExportFilters
    clock: Clock = attrs.field(kw_only=True)
    concurrency: int = attrs.field(kw_only=True)
    windows_per_worker: int = attrs.field(kw_only=True)
    settings: ReaderSettings = attrs.field(kw_only=True)
    windows: list[Window] | None = attrs.field(kw_only=True)
    total: int | None = attrs.field(kw_only=True)
    stats: ExportStats = attrs.field(init=False, factory=ExportStats)
    ordering: Ordering = attrs.field(init=False)

    @ordering.default
    def _ordering(self) -> Ordering:
        return Ordering(self.filters.sort_by, self.filters.descending)

    def _learn_total(self, total: int | None) -> None:
        if self.total is None:
            self.total = total

    def _reader(self, index: int) -> AsyncGenerator[Batch[Wire], None]:
        assert self.windows is not None
        reader = WindowReader(
            self.fetch,
            self.filters,
            self.ordering,
            self.windows[index],
            index,
            clock=self.clock,
            settings=self.settings,
            stats=self.stats,
        )
        return reader.batches()

    async def batches(self) -> AsyncGenerator[Batch[Wire], None]:
        """Every window's batches: one window after another, or ``concurrency`` at once."""
        if self.windows is None:
            self.windows = await plan_windows(
                self.fetch,
                self.filters,
                concurrency=self.concurrency,
                windows_per_worker=self.windows_per_worker,
                stats=self.stats,
                on_total=self._learn_total,
            )
        todo = [i for i, window in enumerate(self.windows) if not window.done]
        if self.concurrency > 1 and len(todo) > 1:
            stream = fan_in(todo, self._reader, self.concurrency)
        else:
            stream = self._one_after_another(todo)
        try:
            async for batch in stream:
                self._learn_total(batch.total)
                batch.total = self.total
                yield batch
        finally:
            await stream.aclose()  # an enclosing aclose() does not reach nested generators

    async def _one_after_another(self, todo: list[int]) -> AsyncGenerator[Batch[Wire], None]:
        for index in todo:
            batches = self._reader(index)
            try:
                async for batch in batches:
                    yield batch
            finally:
                await batches.aclose()

    def settle(self, batch: Batch[Wire], handed: int) -> None:
        """The caller moved past ``batch``: its first ``handed`` messages are theirs."""
        if batch.window is None or self.windows is None:
            return
        window = self.windows[batch.window]
        self._fold(window, batch, handed)

    def _fold(self, window: Window, batch: Batch[Wire], handed: int) -> None:
        items = batch.items if handed == len(batch.items) else batch.items[:handed]
        if items:
            self.ordering.advance(window.position, items)
            window.yielded += len(items)
        if batch.final and handed == len(batch.items):
            window.done = True

    def checkpoint(self, current: Batch[Wire] | None, handed: int) -> dict[str, Any]:
        """The checkpoint after the caller's last message (``current``: the batch in hand)."""
        windows = list(self.windows) if self.windows is not None else initial_windows(self.filters)
        if current is not None and current.window is not None and self.windows is not None:
            partial = windows[current.window].copy()
            self._fold(partial, current, handed)
            windows[current.window] = partial
        return dump_checkpoint(self.filters, windows, self.total)

    @property
    def done(self) -> bool:
        return self.windows is not None and all(w.done for w in self.windows)


class MessageExport(PagedIterator[Message]):
    """``messages.export(...)``: iterate messages; ``.checkpoint`` to save; ``resume=`` to go on.

    ``yielded`` counts the messages handed over, those of the runs a checkpoint resumes included,
    so ``if export.yielded % 10_000 == 0: save(export.checkpoint)`` saves every 10,000 messages.
    ``.raw()`` iterates the same export as wire dicts (no models), with the same checkpoint.
    """

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
        if isinstance(concurrency, bool) or not isinstance(concurrency, int) or concurrency < 1:
            raise ValueError(f"concurrency must be a positive integer, got {concurrency!r}")
        windows: list[Window] | None = None
        total: int | None = None
        if resume is not None:
            windows, total = load_checkpoint(resume, filters)
        self._source = _ExportSource(
            fetch,
            filters,
            clock=clock,
            concurrency=concurrency,
            windows_per_worker=windows_per_worker,
            settings=ReaderSettings(cursor_ttl=cursor_ttl, prefetch=prefetch),
            windows=windows,
            total=total,
        )
        yielded = sum(w.yielded for w in windows) if windows else 0
        super().__init__(self._source, max_items=max_items, convert=to_messages, yielded=yielded)
        self.filters = filters
        self.concurrency = concurrency
        self.prefetch = prefetch

    @property
    def checkpoint(self) -> dict[str, Any]:
        """A JSON-serialisable value: pass it as ``resume=`` (in any process) to continue after
        the last message this iterator handed over."""
        feed = self._feed
        return self._source.checkpoint(feed.batch, feed.index)

    @property
    def done(self) -> bool:
        """Whether every window was read to its end and handed over."""
        return self._source.done

    @property
    def recoveries(self) -> int:
        """How many times a stale or rejected cursor was replaced."""
        return self._source.stats.recoveries

    @property
    def requests(self) -> int:
        """How many export requests were made."""
        return self._source.stats.requests
