"""The order the fake answers messages in: by ``dateAdded`` or ``dateUpdated``, with filters.

Every message has a sort key ``(date_ms, seq)``: the date the order is by, then a tie-breaker
(a generated message's index, an added message's arrival number), so pages resume exactly after
the last key of the previous page. Generated messages are walked by index (their keys rise with
it) and merged with the few messages that are stored: those added through the API and, when
ordering by ``dateUpdated``, generated messages whose ``dateUpdated`` was edited.

``startDate``/``endDate`` filter on ``dateAdded`` whatever the order (what the real service does
with ``sortBy=updatedAt`` is UNCONFIRMED; this is the reading the SDK's incremental sync assumes).
"""

from __future__ import annotations

import heapq
from collections.abc import Iterator
from typing import Any

import attrs

from ._data import CHANNEL_TYPES, UPDATED_AFTER_MS, Dataset

__all__ = ["Key", "MessageFilter", "ordered_messages"]

#: ``(date_ms, seq)``: where a message sits in an ordering.
Key = tuple[int, int]


@attrs.frozen
class MessageFilter:
    """What a listing asks for: its order and filters (all optional)."""

    by_updated: bool = False
    descending: bool = True
    start_ms: int | None = None
    end_ms: int | None = None
    channel: str | None = None
    conversation_id: str | None = None
    contact_id: str | None = None


def ordered_messages(
    dataset: Dataset, wanted: MessageFilter, after: Key | None = None
) -> Iterator[tuple[Key, dict[str, Any] | None]]:
    """``(key, stored message or None for a generated one)`` in order, strictly after ``after``."""
    conv, empty = _conversation_filter(dataset, wanted)
    streams: list[Iterator[tuple[Key, dict[str, Any] | None]]] = []
    if not empty:
        streams.append(_generated(dataset, wanted, conv, after))
        if wanted.by_updated and dataset.edited:
            streams.append(_edited(dataset, wanted, conv, after))
    if dataset.added:
        streams.append(iter(_added(dataset, wanted, after)))
    if len(streams) == 1:
        return streams[0]
    return heapq.merge(*streams, key=lambda pair: pair[0], reverse=wanted.descending)


def _conversation_filter(dataset: Dataset, wanted: MessageFilter) -> tuple[int | None, bool]:
    """The generated conversation a filter narrows to, and whether no generated message fits."""
    conv: int | None = None
    empty = False
    if wanted.conversation_id:
        conv = dataset.conversation_index(wanted.conversation_id)
        empty = conv is None
    if wanted.contact_id:
        by_contact = dataset.contact_index(wanted.contact_id)
        empty = empty or by_contact is None or (conv is not None and conv != by_contact)
        conv = by_contact
    return conv, empty


def _generated(
    dataset: Dataset, wanted: MessageFilter, conv: int | None, after: Key | None
) -> Iterator[tuple[Key, None]]:
    offset = UPDATED_AFTER_MS if wanted.by_updated else 0
    descending = wanted.descending
    low = 0 if wanted.start_ms is None else dataset.first_index_at_or_after(wanted.start_ms)
    high = (
        dataset.count - 1
        if wanted.end_ms is None
        else dataset.last_index_at_or_before(wanted.end_ms)
    )
    if after is not None:
        # Narrow by the date first, then step over the (at most two) ties of the boundary.
        if descending:
            high = min(high, dataset.last_index_at_or_before(after[0] - offset))
        else:
            low = max(low, dataset.first_index_at_or_after(after[0] - offset))
    if low > high:
        return
    if conv is None:
        indices: range = range(high, low - 1, -1) if descending else range(low, high + 1)
    else:
        c = dataset.conversations
        first = low + ((conv - low) % c)
        last = high - ((high - conv) % c)
        if first > high or last < low:
            return
        indices = range(last, first - 1, -c) if descending else range(first, last + 1, c)
    date_ms = dataset.date_ms
    kind = dataset.kind
    channel = wanted.channel
    edited = dataset.edited if wanted.by_updated else None
    walk = iter(indices)
    if after is not None:
        # Keys rise (or fall) with the index: step over the (at most two) ties of the boundary.
        for index in walk:
            key = (date_ms(index) + offset, index)
            if (key < after) if descending else (key > after):
                skip = (edited and index in edited) or (channel and kind(index)[2] != channel)
                if not skip:
                    yield key, None
                break
    if edited or channel:
        for index in walk:
            if edited and index in edited:
                continue
            if channel and kind(index)[2] != channel:
                continue
            yield (date_ms(index) + offset, index), None
    else:  # the hot path of a plain export: nothing to skip (``date_ms`` inlined)
        base, step = dataset.start_ms + offset, dataset.step_ms
        for index in walk:
            yield (base + (index // 2) * step, index), None


def _edited(
    dataset: Dataset, wanted: MessageFilter, conv: int | None, after: Key | None
) -> Iterator[tuple[Key, None]]:
    keys = reversed(dataset.edited_keys) if wanted.descending else iter(dataset.edited_keys)
    for key in keys:
        index = key[1]
        if after is not None and ((key >= after) if wanted.descending else (key <= after)):
            continue
        if conv is not None and index % dataset.conversations != conv:
            continue
        added_ms = dataset.date_ms(index)
        if wanted.start_ms is not None and added_ms < wanted.start_ms:
            continue
        if wanted.end_ms is not None and added_ms > wanted.end_ms:
            continue
        if wanted.channel and dataset.kind(index)[2] != wanted.channel:
            continue
        yield key, None


def _added(
    dataset: Dataset, wanted: MessageFilter, after: Key | None
) -> list[tuple[Key, dict[str, Any]]]:
    types = CHANNEL_TYPES.get(wanted.channel) if wanted.channel else None
    rows: list[tuple[Key, dict[str, Any]]] = []
    for created, message in zip(dataset.added_keys, dataset.added, strict=True):
        if wanted.start_ms is not None and created[0] < wanted.start_ms:
            continue
        if wanted.end_ms is not None and created[0] > wanted.end_ms:
            continue
        if types is not None and message.get("messageType") not in types:
            continue
        if wanted.conversation_id and message.get("conversationId") != wanted.conversation_id:
            continue
        if wanted.contact_id and message.get("contactId") != wanted.contact_id:
            continue
        key = (
            (dataset.added_updated_ms[message["id"]], created[1]) if wanted.by_updated else created
        )
        if after is not None and ((key >= after) if wanted.descending else (key <= after)):
            continue
        rows.append((key, message))
    rows.sort(key=lambda pair: pair[0], reverse=wanted.descending)
    return rows
