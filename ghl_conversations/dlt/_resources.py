"""The dlt source: ``messages`` and ``conversations`` of one or many locations.

Both resources merge on ``id`` (HighLevel ids are unique across locations, so many locations share
one table, told apart by ``location_id``) and are incremental per location, as
:mod:`ghl_conversations.dlt._state` explains. Rows are the API's own JSON (dlt turns ``camelCase``
into ``snake_case`` columns and adds a column for any field HighLevel adds later), with dates as
timestamps.

Nested values (``meta``, ``attachments``, and anything new) are **JSON columns**, not child tables:
``meta``'s shape differs per channel (call, email, Instagram, ...) and grows with new channels, so
child tables would multiply sparse tables and joins for what is one small document per message;
a JSON column keeps one row per message, queryable with DuckDB's ``->>`` and PostgreSQL's ``jsonb``
operators.
"""

from __future__ import annotations

import dataclasses
import datetime as _dt
import threading
from collections.abc import AsyncGenerator, Callable, Iterable, Iterator, Sequence
from typing import Any

import dlt
from dlt.common.schema.typing import TTableSchemaColumns
from dlt.extract import DltResource, DltSource

from .._client import Client
from .._clock import Clock, SystemClock
from .._dates import parse_wire_datetime
from .._errors import APIResponseValidationError
from .._models import Conversation, to_dict
from ._bridge import iterate_in_loop
from ._state import DEFAULT_OVERLAP, LocationState, Verdict
from ._summary import SyncStopped, Tally

__all__ = ["ClientFactory", "SOURCE_NAME", "ghl_source"]

#: Builds the client a resource uses (called on the resource's own event loop).
ClientFactory = Callable[[], Client]
SOURCE_NAME = "highlevel"

_TIMESTAMP = {"data_type": "timestamp", "timezone": True}
_JSON = {"data_type": "json"}
MESSAGE_COLUMNS: TTableSchemaColumns = {
    "id": {"data_type": "text", "nullable": False},
    "location_id": {"data_type": "text"},
    "conversation_id": {"data_type": "text"},
    "contact_id": {"data_type": "text"},
    "date_added": {**_TIMESTAMP},  # type: ignore[typeddict-item]
    "date_updated": {**_TIMESTAMP},  # type: ignore[typeddict-item]
    "status": {"data_type": "text"},
    "meta": {**_JSON},  # type: ignore[typeddict-item]
    "attachments": {**_JSON},  # type: ignore[typeddict-item]
}
CONVERSATION_COLUMNS: TTableSchemaColumns = {
    "id": {"data_type": "text", "nullable": False},
    "location_id": {"data_type": "text"},
    "contact_id": {"data_type": "text"},
    "date_added": {**_TIMESTAMP},  # type: ignore[typeddict-item]
    "date_updated": {**_TIMESTAMP},  # type: ignore[typeddict-item]
    "last_message_date": {**_TIMESTAMP},  # type: ignore[typeddict-item]
    "sort": {**_JSON},  # type: ignore[typeddict-item]
}


def _now(clock: Clock) -> _dt.datetime:
    return _dt.datetime.fromtimestamp(clock.time(), _dt.UTC)


def message_row(raw: dict[str, Any]) -> tuple[dict[str, Any], str, _dt.datetime | None, str]:
    """(row, id, update time, fingerprint) of a message as HighLevel sent it: the row is the
    wire dict itself (unknown fields kept) with its dates as timestamps."""
    added = _wire_date(raw.get("dateAdded"))
    updated = _wire_date(raw.get("dateUpdated")) or added
    raw["dateAdded"] = added
    raw["dateUpdated"] = updated
    fingerprint = f"{updated.isoformat() if updated else ''}|{raw.get('status')}"
    return raw, str(raw["id"]), updated, fingerprint


def _wire_date(value: Any) -> _dt.datetime | None:
    if value is None or value == "":
        return None
    try:
        return parse_wire_datetime(value)
    except ValueError:
        raise APIResponseValidationError(
            "a message date is not a date",
            status=200,
            operation="export-messages-by-location",
            excerpt=repr(value)[:200],
        ) from None


def conversation_row(conversation: Conversation) -> dict[str, Any]:
    """The conversation as HighLevel sent it, with its dates as timestamps."""
    row = to_dict(conversation)
    row["dateAdded"] = conversation.date_added
    row["dateUpdated"] = conversation.date_updated
    row["lastMessageDate"] = conversation.last_message_date
    return row


def _conversation_fingerprint(conversation: Conversation) -> str:
    parts = (
        conversation.date_updated,
        conversation.last_message_date,
        conversation.unread_count,
        conversation.starred,
        conversation.deleted,
    )
    return "|".join(p.isoformat() if isinstance(p, _dt.datetime) else str(p) for p in parts)


#: One item of a page as the state judges it: (id, update time, creation time, fingerprint,
#: the item); ``None`` says the page has reached the stop line.
_Candidate = tuple[str, _dt.datetime | None, _dt.datetime | None, str, Any]


@dataclasses.dataclass
class _Judged:
    """What one page brings to a load: the rows to write, how many are new or updated, and
    whether the stop line was met (nothing after it is read)."""

    rows: list[dict[str, Any]] = dataclasses.field(default_factory=list)
    new: int = 0
    updated: int = 0
    stopped: bool = False

    def count(
        self, tally: Tally, resource: str, location: str, read: int, total: int | None
    ) -> None:
        """Add this page (``read`` items) to the load's tally and its progress (``total``: the
        location's total, known on a full run only)."""
        tally.add(resource, location, new=self.new, updated=self.updated, read=read)
        tally.progress(resource, location, total)


def _judge_page(
    state: LocationState,
    candidates: Iterable[_Candidate | None],
    to_row: Callable[[Any], dict[str, Any]],
) -> _Judged:
    """The one walk over a page of either resource: each item judged by the location's state."""
    judged = _Judged()
    for candidate in candidates:
        if candidate is None:
            judged.stopped = True
            break
        key, value, added, fingerprint, item = candidate
        verdict = state.judge(key, value, added, fingerprint)
        if verdict == Verdict.STOP:
            judged.stopped = True
            break
        if verdict == Verdict.SKIP:
            continue
        judged.new += verdict == Verdict.NEW
        judged.updated += verdict == Verdict.UPDATED
        judged.rows.append(to_row(item))
    return judged


def _same_row(row: dict[str, Any]) -> dict[str, Any]:
    return row


def _message_candidates(items: Iterable[dict[str, Any]]) -> Iterator[_Candidate]:
    for raw in items:
        row, message_id, value, fingerprint = message_row(raw)
        yield message_id, value, row["dateAdded"], fingerprint, row


def _conversation_candidates(
    state: LocationState, items: Iterable[Conversation]
) -> Iterator[_Candidate | None]:
    for conversation in items:
        value = conversation.last_message_date
        if state.since is not None and value is not None and value < state.since:
            yield None  # older than the last run's line: the rest is known
            return
        fingerprint = _conversation_fingerprint(conversation)
        yield conversation.id, value, conversation.date_added, fingerprint, conversation


class _Budget:
    """Rows one load may still take (the driver splits a long sync into several loads)."""

    def __init__(self, rows: int | None) -> None:
        self.left = rows

    @property
    def spent(self) -> bool:
        return self.left is not None and self.left <= 0

    def take(self, rows: int) -> None:
        if self.left is not None:
            self.left -= rows


async def _export_location(
    make_client: ClientFactory,
    location: str,
    state: LocationState,
    budget: _Budget,
    page_size: int,
    tally: Tally,
    stop: threading.Event | None,
) -> AsyncGenerator[list[dict[str, Any]], None]:
    """One location's messages for this load, page by page; updates ``state`` as it goes."""
    run = state.run
    assert run is not None
    async with make_client() as client:
        export = client.messages.export(
            location,
            # A full run reads by creation (a resumed cursor narrows its date range); a later
            # run reads newest update first and stops at the line (see _state).
            sort_by="createdAt" if state.full else "updatedAt",
            sort_order="desc",
            start_date=state.since,
            limit=page_size,
            resume=run.checkpoint,
        )
        async with export:
            async for page in export.raw().pages():  # wire dicts: no models built
                judged = _judge_page(state, _message_candidates(page.items), _same_row)
                total = export.total if state.full else None
                judged.count(tally, "messages", location, len(page.items), total)
                budget.take(len(judged.rows))
                if judged.rows:
                    yield judged.rows
                if judged.stopped:
                    break
                if stop is not None and stop.is_set():
                    raise SyncStopped("the sync was stopped; run it again to continue")
                if budget.spent and page.next is not None:
                    state.save_progress(export.checkpoint)
                    return
    state.finish()


async def _search_location(
    make_client: ClientFactory,
    location: str,
    state: LocationState,
    tally: Tally,
) -> AsyncGenerator[list[dict[str, Any]], None]:
    """One location's conversations, newest last message first, down to the stop line."""
    async with make_client() as client:
        search = client.conversations.search(
            location, sort_by="last_message_date", sort="desc", limit=100
        )
        async with search:
            async for page in search.pages():
                candidates = _conversation_candidates(state, page.items)
                judged = _judge_page(state, candidates, conversation_row)
                total = search.total if state.full else None
                judged.count(tally, "conversations", location, len(page.items), total)
                if judged.rows:
                    yield judged.rows
                if judged.stopped:
                    break
    state.finish()


def ghl_source(
    locations: Sequence[str],
    *,
    token: str | None = None,
    base_url: str | None = None,
    client_factory: ClientFactory | None = None,
    since: _dt.datetime | None = None,
    overlap: _dt.timedelta = DEFAULT_OVERLAP,
    page_size: int = 500,
    max_rows_per_load: int | None = None,
    clock: Clock | None = None,
    tally: Tally | None = None,
    stop: threading.Event | None = None,
) -> DltSource:
    """A dlt source with the ``messages`` and ``conversations`` of ``locations``.

    ``pipeline.run(ghl_source(["loc1", "loc2"], token="pit-..."))`` loads both tables into any
    dlt destination, merging on ``id``; run it again to load only what changed. Give ``token``
    (and ``base_url``), or ``client_factory`` returning a new :class:`~ghl_conversations.Client`
    (it is called on the resource's own event loop). ``since`` limits messages to those created
    from that date on (and conversations to those active since). ``max_rows_per_load`` ends the
    ``messages`` resource after about that many rows, saving the export's checkpoint in the
    resource state: run the pipeline again to continue (:func:`~ghl_conversations.dlt.sync` does
    this for you, so that a long first sync commits its progress as it goes). Setting ``stop``
    (from another thread) ends the load after the current page with :class:`SyncStopped`; what
    earlier loads committed stays.
    """
    if not locations:
        raise ValueError("name at least one location")
    if len(set(locations)) != len(locations):
        raise ValueError("a location is named twice")
    if max_rows_per_load is not None and max_rows_per_load < 1:
        raise ValueError("max_rows_per_load must be at least 1")
    if client_factory is None:
        if not token:
            raise ValueError("give token= or client_factory=")

        def client_factory() -> Client:
            return Client(token=token, base_url=base_url)

    make_client: ClientFactory = client_factory
    if since is not None:
        since = parse_wire_datetime(since)  # a naive datetime means UTC, as everywhere in the SDK
    the_clock: Clock = clock or SystemClock()
    the_tally = tally if tally is not None else Tally()
    located = list(locations)

    def messages() -> Iterator[list[dict[str, Any]]]:
        saved = dlt.current.resource_state()
        budget = _Budget(max_rows_per_load)
        the_tally.unfinished = set(located)
        for location in located:
            if budget.spent:
                break
            state = LocationState.load(saved.get(location), since=since, overlap=overlap)
            state.begin(_now(the_clock))
            saved[location] = state.to_json()
            try:
                yield from iterate_in_loop(
                    _export_location(
                        make_client, location, state, budget, page_size, the_tally, stop
                    )
                )
            finally:
                saved[location] = state.to_json()
            if state.run is None:
                the_tally.unfinished.discard(location)

    def conversations() -> Iterator[list[dict[str, Any]]]:
        saved = dlt.current.resource_state()
        for location in located:
            state = LocationState.load(saved.get(location), since=since, overlap=overlap)
            state.begin(_now(the_clock))
            yield from iterate_in_loop(_search_location(make_client, location, state, the_tally))
            saved[location] = state.to_json()

    message_resource = dlt.resource(
        messages,
        name="messages",
        primary_key="id",
        write_disposition="merge",
        columns=MESSAGE_COLUMNS,
        max_table_nesting=0,
    )
    conversation_resource = dlt.resource(
        conversations,
        name="conversations",
        primary_key="id",
        write_disposition="merge",
        columns=CONVERSATION_COLUMNS,
        max_table_nesting=0,
    )

    @dlt.source(name=SOURCE_NAME, max_table_nesting=0)
    def highlevel() -> list[DltResource]:
        return [message_resource, conversation_resource]

    source: DltSource = highlevel()
    return source
