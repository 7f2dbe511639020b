"""Focused tests of the export's parts with a scripted server function (no HTTP)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest

import ghl_conversations as ghl
from ghl_conversations._pagination import MAX_IDLE_ANSWERS, ExportFilters, MessageExport
from ghl_conversations._pagination._checkpoint import load_checkpoint
from ghl_conversations._pagination._planner import plan_windows
from ghl_conversations._pagination._progress import ProgressGuard
from ghl_conversations._pagination._window_reader import ExportStats
from ghl_conversations.testing import ManualClock

BASE = dt.datetime(2024, 5, 1, tzinfo=dt.UTC)


def message(n: int, *, tie: bool = False) -> dict[str, Any]:
    """Message n, newest last; with ``tie`` pairs share a timestamp."""
    when = BASE + dt.timedelta(seconds=(n // 2) if tie else n)
    stamp = when.strftime("%Y-%m-%dT%H:%M:%S.000Z")
    return {"id": f"m{n:05d}", "dateAdded": stamp, "dateUpdated": stamp, "body": str(n)}


Fetch = Callable[..., Any]


def recording(answer: Callable[[dict[str, Any]], Any]) -> tuple[Fetch, list[dict[str, Any]]]:
    calls: list[dict[str, Any]] = []

    async def fetch(**query: Any) -> Any:
        calls.append(query)
        return answer(query)

    return fetch, calls


def export(fetch: Fetch, **filters: Any) -> MessageExport:
    return MessageExport(
        fetch,
        ExportFilters(location_id="loc", limit=10, **filters),
        clock=ManualClock(),
        prefetch=False,
    )


async def test_reopened_cursors_answered_with_the_same_first_page_raise_no_progress() -> None:
    """A server that rejects every cursor and ignores the narrowed dates of a new one."""
    first_page = [message(n) for n in range(19, 9, -1)]

    def answer(query: dict[str, Any]) -> Any:
        if query.get("cursor"):
            raise ghl.BadRequestError("Cursor has expired or is invalid.", status=400)
        return {"messages": first_page, "nextCursor": "c1", "total": 20}

    fetch, calls = recording(answer)
    items = export(fetch)
    ids: list[str] = []
    with pytest.raises(ghl.NoProgressError, match="reopened the cursor"):
        async for item in items:
            ids.append(item.id)
    assert ids == [m["id"] for m in first_page]  # handed over once, never repeated
    assert len(calls) <= 2 * MAX_IDLE_ANSWERS + 1


async def test_empty_pages_that_promise_more_raise_no_progress() -> None:
    counter = iter(range(10**6))

    def answer(query: dict[str, Any]) -> Any:
        return {"messages": [], "nextCursor": f"c{next(counter)}", "total": 5}

    fetch, calls = recording(answer)
    with pytest.raises(ghl.NoProgressError, match="nothing new"):
        [m async for m in export(fetch)]
    assert len(calls) == MAX_IDLE_ANSWERS


async def test_an_empty_page_with_a_cursor_is_followed_not_taken_for_the_end() -> None:
    pages = {
        None: {"messages": [message(n) for n in (5, 4, 3)], "nextCursor": "a"},
        "a": {"messages": [], "nextCursor": "b"},
        "b": {"messages": [message(n) for n in (2, 1, 0)], "nextCursor": None},
    }
    fetch, _ = recording(lambda query: pages[query.get("cursor")])
    items = export(fetch)
    assert [m.id async for m in items] == [f"m{n:05d}" for n in (5, 4, 3, 2, 1, 0)]
    assert items.done


@pytest.mark.parametrize(
    "page",
    [
        None,
        [],
        {"nextCursor": None},
        {"messages": {"0": {}}, "nextCursor": None},
        {"messages": ["m1"], "nextCursor": None},
        {"messages": [{"dateAdded": "2024-05-01T00:00:00.000Z"}], "nextCursor": None},
        {"messages": [{"id": "m1", "dateAdded": "soon"}], "nextCursor": None},
        {"messages": [{"id": "m1"}], "nextCursor": None},
        {"messages": [], "nextCursor": 7},
    ],
)
async def test_a_page_that_is_not_a_valid_answer_raises(page: Any) -> None:
    fetch, _ = recording(lambda query: page)
    items = export(fetch)
    with pytest.raises(ghl.APIResponseValidationError) as caught:
        [m async for m in items.raw()]
    assert caught.value.operation == "export-messages-by-location"
    assert not items.done


async def test_the_planner_tiles_the_range_exactly_in_both_orders() -> None:
    newest = {"messages": [message(999)], "nextCursor": None, "total": 1000}
    oldest = {"messages": [message(0)], "nextCursor": None, "total": 1000}
    for order in ("asc", "desc"):
        fetch, _ = recording(lambda q: newest if q["sort_order"] == "desc" else oldest)
        filters = ExportFilters(location_id="loc", sort_order=order)
        windows = await plan_windows(
            fetch,
            filters,
            concurrency=3,
            windows_per_worker=4,
            stats=ExportStats(),
            on_total=lambda total: None,
        )
        assert len(windows) == 12
        checkpoint = MessageExport(fetch, filters, clock=ManualClock()).checkpoint
        checkpoint["windows"] = [
            {**checkpoint["windows"][0], "start": _iso(w.start), "end": _iso(w.end)}
            for w in windows
        ]
        loaded, _ = load_checkpoint(checkpoint, filters)  # validates the tiling
        assert [(w.start, w.end) for w in loaded] == [(w.start, w.end) for w in windows]


def _iso(value: dt.datetime | None) -> str | None:
    return value.isoformat() if value else None


def test_the_guard_counts_answers_in_a_row_only() -> None:
    guard = ProgressGuard("thing", limit=3)
    guard.stalled("a")
    guard.stalled("b")
    guard.progressed()
    guard.stalled("c")
    guard.stalled("d")
    with pytest.raises(ghl.NoProgressError, match=r"thing: 3 answers.*\(c; d; e\)"):
        guard.stalled("e")


async def test_conversation_pages_promising_more_without_a_position_raise() -> None:
    async def fetch(last_id: str | None) -> ghl.MessagesPage:
        return ghl.MessagesPage(next_page=True, messages=[])

    with pytest.raises(ghl.NoProgressError, match="no lastMessageId"):
        [m async for m in ghl.ConversationMessages(fetch)]
