"""Conversations as the fake shows them: derived from each location's generated messages
(conversation ``c`` holds messages ``c``, ``c + n``, ...), plus those created through the API,
with the changes the API made (read, starred, deleted) laid over them."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any

from ._data import Dataset, format_ms
from ._http import Reject

__all__ = ["ConversationStore"]


class ConversationStore:
    """Finds, lists (newest first) and creates conversations across the fake's locations."""

    def __init__(self, datasets: dict[str, Dataset], now_ms: Callable[[], int]) -> None:
        self._datasets = datasets
        self._now_ms = now_ms
        self._listed: dict[str, list[dict[str, Any]]] = {}

    def invalidate(self, dataset: Dataset) -> None:
        """Forget the cached listing of a location (its messages or conversations changed)."""
        self._listed.pop(dataset.location_id, None)

    def generated(self, dataset: Dataset, conv: int) -> dict[str, Any] | None:
        """Generated conversation ``conv`` of a location, with its latest message's summary."""
        if conv >= dataset.count:
            return None
        last = conv + dataset.conversations * ((dataset.count - 1 - conv) // dataset.conversations)
        message = dataset.generate(last)
        last_ms = dataset.date_ms(last) + (last % 2)
        conversation_id = dataset.conversation_id(conv)
        conversation = {
            "id": conversation_id,
            "contactId": dataset.contact_id(conv),
            "locationId": dataset.location_id,
            "lastMessageBody": message["body"],
            "lastMessageType": message["messageType"],
            "lastMessageDate": last_ms,
            "lastMessageDirection": message["direction"],
            "type": "TYPE_PHONE",
            "unreadCount": conv % 4,
            "fullName": f"Contact {conv}",
            "contactName": f"contact {conv}",
            "email": f"contact{conv}@example.test",
            "phone": f"+1555{conv:07d}",
            "dateAdded": format_ms(dataset.start_ms),
            "dateUpdated": format_ms(last_ms),
            "inbox": True,
            "starred": conv % 13 == 0,
            "deleted": False,
            "sort": [last_ms],
        }
        conversation.update(dataset.conversation_state.get(conversation_id, {}))
        return conversation

    def listed(self, dataset: Dataset) -> list[dict[str, Any]]:
        """Every live conversation of a location, newest last message first (cached)."""
        cached = self._listed.get(dataset.location_id)
        if cached is None:
            found = [self.generated(dataset, c) for c in range(dataset.conversations)]
            cached = [c for c in found if c is not None]
            for conversation in dataset.extra_conversations.values():
                merged = {**conversation, **dataset.conversation_state.get(conversation["id"], {})}
                cached.append(merged)
            cached = [c for c in cached if c["id"] not in dataset.deleted_conversations]
            cached.sort(key=lambda c: (c["lastMessageDate"], c["id"]), reverse=True)
            self._listed[dataset.location_id] = cached
        return cached

    def find(self, conversation_id: str) -> tuple[Dataset, dict[str, Any]]:
        """A conversation by id and its location (404 if there is none)."""
        for dataset in self._datasets.values():
            if conversation_id in dataset.deleted_conversations:
                continue
            conv = dataset.conversation_index(conversation_id)
            if conv is not None:
                found = self.generated(dataset, conv)
                if found is not None:
                    return dataset, found
            extra = dataset.extra_conversations.get(conversation_id)
            if extra is not None:
                return dataset, {**extra, **dataset.conversation_state.get(conversation_id, {})}
        raise Reject(404, "Conversation not found", "Not Found")

    def create(self, dataset: Dataset, contact_id: str) -> dict[str, Any]:
        """A new, empty conversation with a contact."""
        now_ms = self._now_ms()
        now = format_ms(now_ms)
        conversation = {
            "id": f"cv{uuid.uuid4().hex[:18]}",
            "contactId": contact_id,
            "locationId": dataset.location_id,
            "dateAdded": now,
            "dateUpdated": now,
            "lastMessageDate": now_ms,
            "lastMessageBody": "",
            "type": "TYPE_PHONE",
            "unreadCount": 0,
            "inbox": True,
            "starred": False,
            "deleted": False,
            "sort": [now_ms],
        }
        dataset.extra_conversations[str(conversation["id"])] = conversation
        self.invalidate(dataset)
        return conversation

    def for_contact(self, dataset: Dataset, contact_id: str) -> str:
        """The id of the contact's conversation, created if it has none yet."""
        conv = dataset.contact_index(contact_id)
        if conv is not None:
            return dataset.conversation_id(conv)
        for conversation in dataset.extra_conversations.values():
            if conversation["contactId"] == contact_id:
                return str(conversation["id"])
        return str(self.create(dataset, contact_id)["id"])

    def change(self, dataset: Dataset, conversation_id: str, changes: dict[str, Any]) -> None:
        """Lay ``changes`` (unreadCount, starred...) over a conversation."""
        dataset.conversation_state.setdefault(conversation_id, {}).update(changes)
        self.invalidate(dataset)

    def delete(self, dataset: Dataset, conversation_id: str) -> None:
        """Remove a conversation from every later read."""
        dataset.deleted_conversations.add(conversation_id)
        self.invalidate(dataset)
