"""Everything the fake server knows: its locations' data, tokens, rate budgets, export cursors,
uploads and what the API changed; shared by the middleware and every route.

Reads and writes of messages go through here so that a change made by a route or a knob
(``add_message``, ``edit_message``) is seen by every later read: get, export, conversation pages.
"""

from __future__ import annotations

import datetime as _dt
import uuid
from collections import deque
from collections.abc import Iterable, Mapping
from typing import Any

import attrs
import orjson

from .._clock import Clock
from .._dates import parse_wire_datetime, to_epoch_ms
from ._conversation_store import ConversationStore
from ._data import Dataset, format_ms
from ._faults import FaultInjector
from ._http import NO_ACCESS, Reject
from ._ordering import MessageFilter
from ._ratelimit import RateLimiter
from ._settings import FakeSettings
from ._tokens import TokenRegistry

__all__ = ["ExportCursor", "FakeState", "RecordedRequest", "to_ms"]


@attrs.frozen
class RecordedRequest:
    """One request as the fake received it (for assertions in tests)."""

    method: str
    path: str
    query: dict[str, str]
    headers: dict[str, str]
    body: bytes
    status: int
    form: dict[str, Any] | None = None

    @property
    def json(self) -> Any:
        """The body parsed as JSON (None when empty)."""
        return orjson.loads(self.body) if self.body else None


@attrs.define
class ExportCursor:
    """An open export: its location, its order and filters, when it was last used."""

    location_id: str
    filters: MessageFilter
    last_used: float


def to_ms(value: _dt.datetime | int | float | str) -> int:
    """A date given to a knob (aware datetime, epoch ms or ISO string) as epoch milliseconds."""
    return to_epoch_ms(parse_wire_datetime(value))


class FakeState:
    """The fake's data and bookkeeping (one per ``FakeHighLevel``)."""

    def __init__(
        self,
        *,
        settings: FakeSettings,
        clock: Clock,
        datasets: dict[str, Dataset],
        token: str,
        tokens: Mapping[str, str],
        seed: int,
    ) -> None:
        self.settings = settings
        self.clock = clock
        self.datasets = datasets
        self.tokens = TokenRegistry(
            static=token, per_location=tokens, locations=set(datasets), clock=clock
        )
        self.limiter = RateLimiter(settings, clock)
        self.faults = FaultInjector(seed=seed)
        self.conversations = ConversationStore(datasets, self.now_ms)
        self.requests: deque[RecordedRequest] = deque(
            maxlen=200_000 if settings.record_requests else 0
        )
        self.request_count = 0
        self.cursors: dict[str, ExportCursor] = {}
        self.count_cache: dict[tuple[Any, ...], int] = {}
        self.uploads: dict[str, dict[str, Any]] = {}
        self.uploaded_files: list[dict[str, Any]] = []
        self.subtypes: dict[str, list[dict[str, Any]]] = {}
        self.subscriptions: dict[tuple[str, str], list[dict[str, Any]]] = {}
        self.typing_events: list[dict[str, Any]] = []
        self.status_updates: list[dict[str, Any]] = []
        self._by_tag = {dataset.tag: dataset for dataset in datasets.values()}
        #: Where the server listens (set when it starts; signed upload URLs point there).
        self.base_url = ""

    @property
    def dataset(self) -> Dataset:
        """The default location's data."""
        return self.datasets[self.settings.location_id]

    def now_ms(self) -> int:
        """The fake clock's now, in epoch milliseconds."""
        return int(self.clock.time() * 1000)

    def now_iso(self) -> str:
        """The fake clock's now, in HighLevel's date style."""
        return format_ms(self.now_ms())

    # -- access ----------------------------------------------------------------------------

    def dataset_for(self, location_id: str | None, token: str | None) -> Dataset:
        """The location a request names, if its token may reach it (422 / 403 otherwise)."""
        if not location_id:
            raise Reject(422, ["locationId should not be empty"], "Unprocessable Entity")
        dataset = self.datasets.get(location_id)
        if dataset is None:
            raise Reject(403, NO_ACCESS, "Forbidden")
        self.check_access(dataset, token)
        return dataset

    def check_access(self, dataset: Dataset, token: str | None) -> None:
        """403 when ``token`` belongs to another location than ``dataset``'s."""
        allowed = self.tokens.location_of(token)
        if allowed is not None and allowed != dataset.location_id:
            raise Reject(403, NO_ACCESS, "Forbidden")

    def budget_of(self, token: str, named: str | None, ids: Iterable[str] = ()) -> str:
        """Whose rate budget a request spends: its location's (HighLevel limits per location).

        The location is the token's own, else the one the request names, else the one whose
        generated message, conversation or contact ``ids`` it reaches, else the default.
        """
        location = self.tokens.location_of(token) or named
        if location:
            return location
        for value in ids:
            dataset = self._by_tag.get(value[:7])
            if dataset is not None:
                return dataset.location_id
        return self.settings.location_id

    # -- messages --------------------------------------------------------------------------

    def find_message(
        self, message_id: str, token: str | None = None
    ) -> tuple[Dataset, dict[str, Any]]:
        """A message by id and its location (404 if none; 403 if the token may not see it)."""
        for dataset in self.datasets.values():
            message = dataset.get_message(message_id)
            if message is not None:
                self.check_access(dataset, token)
                return dataset, message
        raise Reject(404, "Message not found", "Not Found")

    def find_conversation(
        self, conversation_id: str, token: str | None = None
    ) -> tuple[Dataset, dict[str, Any]]:
        """A conversation by id and its location (404 if none; 403 for another's token)."""
        dataset, conversation = self.conversations.find(conversation_id)
        self.check_access(dataset, token)
        return dataset, conversation

    def invalidate(self, dataset: Dataset) -> None:
        """Drop what was derived from a location's messages (listings, export totals)."""
        self.conversations.invalidate(dataset)
        self.count_cache.clear()

    def add_message(self, location_id: str | None = None, **fields: Any) -> dict[str, Any]:
        """Store a message (see ``FakeHighLevel.add_message``)."""
        location = location_id or self.settings.location_id
        dataset = self.datasets.get(location)
        if dataset is None:
            raise ValueError(f"{location!r} is not one of the fake's locations")
        ms = to_ms(fields.pop("dateAdded")) if "dateAdded" in fields else self.now_ms()
        updated_ms = to_ms(fields.pop("dateUpdated")) if "dateUpdated" in fields else ms
        if updated_ms < ms:
            raise ValueError("dateUpdated cannot be before dateAdded")
        message = {
            "id": f"new{uuid.uuid4().hex[:17]}",
            "type": 2,
            "messageType": "TYPE_SMS",
            "locationId": dataset.location_id,
            "contactId": dataset.contact_id(0),
            "conversationId": dataset.conversation_id(0),
            "dateAdded": format_ms(ms),
            "dateUpdated": format_ms(updated_ms),
            "body": "",
            "direction": "outbound",
            "status": "pending",
            "contentType": "text/plain",
            "source": "api",
            **fields,
        }
        dataset.add(message, ms, updated_ms)
        self.invalidate(dataset)
        return message

    def edit_message(
        self,
        message_id: str,
        *,
        status: str | None = None,
        date_updated: _dt.datetime | int | str | None = None,
        **fields: Any,
    ) -> dict[str, Any]:
        """Change a message for every later read (see ``FakeHighLevel.edit_message``)."""
        fixed = {"id", "dateAdded", "dateUpdated", "locationId"} & fields.keys()
        if fixed:
            raise ValueError(f"edit_message cannot change {sorted(fixed)} (use date_updated=)")
        for dataset in self.datasets.values():
            current = dataset.get_message(message_id)
            if current is None:
                continue
            updated_ms = self.now_ms() if date_updated is None else to_ms(date_updated)
            if updated_ms < to_ms(current["dateAdded"]):
                raise ValueError("date_updated cannot be before the message's dateAdded")
            changes = dict(fields)
            if status is not None:
                changes["status"] = status
            changes["dateUpdated"] = format_ms(updated_ms)
            dataset.edit(message_id, changes, updated_ms)
            self.invalidate(dataset)
            found = dataset.get_message(message_id)
            assert found is not None
            return found
        raise KeyError(f"no message {message_id!r} in the fake")

    def change_message(self, message_id: str, token: str | None, **changes: Any) -> dict[str, Any]:
        """Change fields of a message without touching its ``dateUpdated`` (attachments)."""
        dataset, message = self.find_message(message_id, token)
        dataset.edit(message_id, changes, None)
        message.update(changes)
        return message
