"""Splitting an export's date range into windows that parallel cursors read at once.

Two small probe requests find the oldest and newest message the filters select (where the caller
gave no bounds); the range between is cut into ``concurrency * windows_per_worker`` windows of
equal duration on millisecond edges. The outer windows stay open-ended where the caller's range
is, so nothing outside the probed range is ever excluded. Only an export sorted by ``createdAt``
is split: the date filters may apply to ``dateAdded`` whatever the sort (UNCONFIRMED), so windows
of ``dateUpdated`` could not be asked for on the wire.
"""

from __future__ import annotations

import datetime as _dt
from collections.abc import Callable

from ._checkpoint import ExportFilters, initial_windows
from ._ordering import ONE_MS, Ordering, Window, exclusive_end
from ._window_reader import ExportStats, FetchExportPage
from ._wire_page import read_export_page

__all__ = ["plan_windows"]

_PROBE_LIMIT = 10


async def _probe_edge(
    fetch: FetchExportPage,
    filters: ExportFilters,
    order: str,
    stats: ExportStats,
    on_total: Callable[[int | None], None],
) -> _dt.datetime | None:
    """The oldest or newest ``dateAdded`` the filters select (one small request)."""
    stats.requests += 1
    data = await fetch(
        cursor=None,
        start_date=filters.start_date,
        end_date=filters.end_date,
        sort_order=order,
        sort_by="createdAt",
        limit=_PROBE_LIMIT,
    )
    page = read_export_page(data)
    on_total(page.total)
    ordering = Ordering("createdAt", descending=order == "desc")
    dates = [ordering.value(m) for m in page.messages]
    if not dates:
        return None
    return min(dates) if order == "asc" else max(dates)


def _truncate_ms(value: _dt.datetime) -> _dt.datetime:
    return value.replace(microsecond=(value.microsecond // 1000) * 1000)


async def plan_windows(
    fetch: FetchExportPage,
    filters: ExportFilters,
    *,
    concurrency: int,
    windows_per_worker: int,
    stats: ExportStats,
    on_total: Callable[[int | None], None],
) -> list[Window]:
    """The windows, in the export's order, tiling its range exactly."""
    if concurrency < 2 or filters.sort_by != "createdAt":
        return initial_windows(filters)
    first = filters.start_date or await _probe_edge(fetch, filters, "asc", stats, on_total)
    last = filters.end_date or await _probe_edge(fetch, filters, "desc", stats, on_total)
    if first is None or last is None or last <= first:
        return initial_windows(filters)
    count = concurrency * windows_per_worker
    span = (last - first) / count
    edges = [_truncate_ms(first + span * i) for i in range(count)]
    edges.append(_truncate_ms(last + ONE_MS))
    windows = [Window(edges[i], edges[i + 1]) for i in range(count) if edges[i] < edges[i + 1]]
    if not windows:
        return initial_windows(filters)
    # Unbounded outer edges: nothing outside the probed range is ever excluded.
    windows[0].start = filters.start_date
    windows[-1].end = exclusive_end(filters.end_date)
    head = windows[0]
    if head.start is not None and head.end is not None and not head.start < head.end:
        return initial_windows(filters)
    if filters.descending:
        windows.reverse()
    return windows
