"""``GET /conversations/messages/export``: the cursor-paged export of a location's messages.

The cursor is a base64 point-in-time like HighLevel's (``{"pitId", "lastSort", "lastId"}``); it
dies ``cursor_ttl`` seconds after its last use (2 minutes by default, as documented), and its
order and filters are those of the request that opened it.
"""

from __future__ import annotations

import base64
import itertools
import uuid
from typing import Any

import orjson
from aiohttp import web

from .._dates import parse_wire_datetime, to_epoch_ms
from .._operations import EXPORT_CHANNELS, EXPORT_PAGE_LIMITS, EXPORT_SORT_BY, SORT_ORDERS
from ._data import Dataset
from ._http import EXPIRED_CURSOR, Reject, json_response, stuck, token_of
from ._ordering import Key, MessageFilter, ordered_messages
from ._state import ExportCursor, FakeState

__all__ = ["ExportRoutes"]


class ExportRoutes:
    """The export endpoint, over the fake's state."""

    def __init__(self, state: FakeState) -> None:
        self.state = state

    async def export(self, request: web.Request) -> web.Response:
        """One export page, and the cursor of the next (None on the last)."""
        state = self.state
        q = request.query
        dataset = state.dataset_for(q.get("locationId"), token_of(request))
        now = state.clock.monotonic()
        cursor_text = q.get("cursor")
        after: Key | None = None
        if cursor_text:
            pit, after = _decode_cursor(cursor_text)
            open_cursor = state.cursors.get(pit)
            if open_cursor is None or now - open_cursor.last_used > state.settings.cursor_ttl:
                state.cursors.pop(pit, None)
                raise Reject(400, EXPIRED_CURSOR, "Bad Request")
            if open_cursor.location_id != dataset.location_id:
                raise Reject(400, "Cursor does not belong to this location", "Bad Request")
            wanted = open_cursor.filters
            limit = _limit(q)
            open_cursor.last_used = now
        else:
            limit, wanted = _limit(q), _filters(q)
            pit = uuid.uuid4().hex
            open_cursor = ExportCursor(dataset.location_id, wanted, now)
        rows = list(itertools.islice(ordered_messages(dataset, wanted, after), limit + 1))
        more = len(rows) > limit
        rows = rows[:limit]
        messages = [
            stored if stored is not None else dataset.generate(key[1]) for key, stored in rows
        ]
        next_cursor: str | None = None
        if stuck(request) and cursor_text:
            state.cursors[pit] = open_cursor
            next_cursor = cursor_text  # the same page, the same cursor, for ever
        elif more and rows:
            state.cursors[pit] = open_cursor
            next_cursor = _encode_cursor(pit, rows[-1][0])
        else:
            state.cursors.pop(pit, None)
        self._forget_expired(now)
        return json_response(
            {"messages": messages, "nextCursor": next_cursor, "total": self._total(dataset, wanted)}
        )

    def _total(self, dataset: Dataset, wanted: MessageFilter) -> int:
        """How many messages the export's filters match (counted once, then cached)."""
        cache = self.state.count_cache
        cache_key = (dataset.location_id, len(dataset.added), wanted)
        total = cache.get(cache_key)
        if total is None:
            if wanted.channel or wanted.conversation_id or wanted.contact_id:
                total = sum(1 for _ in ordered_messages(dataset, wanted))
            else:  # a date range of generated messages is an index range: no need to walk it
                start, end = wanted.start_ms, wanted.end_ms
                low = 0 if start is None else dataset.first_index_at_or_after(start)
                high = dataset.count - 1 if end is None else dataset.last_index_at_or_before(end)
                added = sum(
                    1
                    for key in dataset.added_keys
                    if (start is None or key[0] >= start) and (end is None or key[0] <= end)
                )
                total = max(0, high - low + 1) + added
            cache[cache_key] = total
        return total

    def _forget_expired(self, now: float) -> None:
        cursors = self.state.cursors
        if len(cursors) > 1_000:
            ttl = self.state.settings.cursor_ttl
            for pit, open_cursor in list(cursors.items()):
                if now - open_cursor.last_used > ttl:
                    del cursors[pit]


def _encode_cursor(pit: str, last: Key) -> str:
    payload = {"pitId": pit, "lastSort": [last[0]], "lastId": last[1]}
    return base64.urlsafe_b64encode(orjson.dumps(payload)).decode()


def _decode_cursor(text: str) -> tuple[str, Key]:
    try:
        decoded = orjson.loads(base64.urlsafe_b64decode(text.encode()))
        return str(decoded["pitId"]), (int(decoded["lastSort"][0]), int(decoded["lastId"]))
    except (ValueError, KeyError, TypeError, IndexError):
        raise Reject(400, "Invalid cursor", "Bad Request") from None


def _limit(q: Any) -> int:
    low, high = EXPORT_PAGE_LIMITS
    try:
        limit = int(q.get("limit", "100"))
    except ValueError:
        raise Reject(422, ["limit must be a number"], "Unprocessable Entity") from None
    if not low <= limit <= high:
        raise Reject(
            422,
            [f"limit must not be less than {low}", f"limit must not be greater than {high}"],
            "Unprocessable Entity",
        )
    return limit


def _filters(q: Any) -> MessageFilter:
    channel = q.get("channel")
    if channel is not None and channel not in EXPORT_CHANNELS:
        raise Reject(422, [f"channel must be one of: {sorted(EXPORT_CHANNELS)}"])
    sort_by = q.get("sortBy", "createdAt")
    sort_order = q.get("sortOrder", "desc")
    if sort_by not in EXPORT_SORT_BY or sort_order not in SORT_ORDERS:
        raise Reject(422, ["sortBy/sortOrder has an invalid value"], "Unprocessable Entity")
    return MessageFilter(
        by_updated=sort_by == "updatedAt",
        descending=sort_order == "desc",
        start_ms=_date(q, "startDate"),
        end_ms=_date(q, "endDate"),
        channel=channel,
        conversation_id=q.get("conversationId"),
        contact_id=q.get("contactId"),
    )


def _date(q: Any, name: str) -> int | None:
    value = q.get(name)
    if not value:
        return None
    try:
        return to_epoch_ms(parse_wire_datetime(value))
    except ValueError:
        raise Reject(400, f"{name} must be a valid ISO 8601 date", "Bad Request") from None
