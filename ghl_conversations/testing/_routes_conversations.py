"""Conversation endpoints: create, get, update, delete, search (``startAfterDate`` paging) and a
conversation's messages (``lastMessageId`` paging, the nested page HighLevel answers)."""

from __future__ import annotations

import uuid
from typing import Any

from aiohttp import web

from .._operations import MESSAGES_PAGE_LIMITS, SEARCH_PAGE_LIMITS
from ._http import Reject, json_response, read_json, require, stuck, token_of
from ._ordering import MessageFilter, ordered_messages
from ._state import FakeState

__all__ = ["ConversationRoutes"]


class ConversationRoutes:
    """Conversation endpoints, over the fake's state."""

    def __init__(self, state: FakeState) -> None:
        self.state = state

    async def create(self, request: web.Request) -> web.Response:
        """Open a conversation with a contact (400 if there is one already)."""
        data = await read_json(request)
        require(data, "locationId", "contactId")
        dataset = self.state.dataset_for(data["locationId"], token_of(request))
        for conversation in self.state.conversations.listed(dataset):
            if conversation["contactId"] == data["contactId"]:
                raise Reject(400, "Conversation already exists", "Bad Request")
        conversation = self.state.conversations.create(dataset, data["contactId"])
        return json_response({"success": True, "conversation": conversation}, 201)

    async def get(self, request: web.Request) -> web.Response:
        """One conversation."""
        _, conversation = self.state.find_conversation(
            request.match_info["conversation_id"], token_of(request)
        )
        return json_response(conversation)

    async def update(self, request: web.Request) -> web.Response:
        """Change a conversation's unread count, star or feedback."""
        data = await read_json(request)
        require(data, "locationId")
        token = token_of(request)
        conversation_id = request.match_info["conversation_id"]
        dataset, _ = self.state.find_conversation(conversation_id, token)
        self.state.dataset_for(data["locationId"], token)
        changes: dict[str, Any] = {
            k: data[k] for k in ("unreadCount", "starred", "feedback") if k in data
        }
        self.state.conversations.change(dataset, conversation_id, changes)
        _, conversation = self.state.find_conversation(conversation_id)
        return json_response({"success": True, "conversation": conversation})

    async def delete(self, request: web.Request) -> web.Response:
        """Delete a conversation."""
        dataset, conversation = self.state.find_conversation(
            request.match_info["conversation_id"], token_of(request)
        )
        self.state.conversations.delete(dataset, conversation["id"])
        return json_response({"success": True})

    async def search(self, request: web.Request) -> web.Response:
        """A page of conversations, newest first (or ``sort=asc``), after ``startAfterDate``."""
        q = request.query
        dataset = self.state.dataset_for(q.get("locationId"), token_of(request))
        limit = _limit(q, SEARCH_PAGE_LIMITS)
        rows = self.state.conversations.listed(dataset)
        if q.get("contactId"):
            rows = [c for c in rows if c["contactId"] == q["contactId"]]
        if q.get("id"):
            rows = [c for c in rows if c["id"] == q["id"]]
        if q.get("query"):
            needle = q["query"].lower()
            rows = [
                c
                for c in rows
                if any(needle in str(c.get(f, "")).lower() for f in ("fullName", "email", "phone"))
            ]
        status = q.get("status", "all")
        if status == "unread":
            rows = [c for c in rows if c.get("unreadCount")]
        elif status == "read":
            rows = [c for c in rows if not c.get("unreadCount")]
        elif status == "starred":
            rows = [c for c in rows if c.get("starred")]
        if q.get("lastMessageType"):
            rows = [c for c in rows if c.get("lastMessageType") == q["lastMessageType"]]
        ascending = q.get("sort") == "asc"
        if ascending:
            rows = list(reversed(rows))
        total = len(rows)
        after = None if stuck(request) else q.get("startAfterDate")
        if after:
            value = int(float(after.split(",")[0]))
            rows = [
                c
                for c in rows
                if (c["lastMessageDate"] > value if ascending else c["lastMessageDate"] < value)
            ]
        return json_response({"conversations": rows[:limit], "total": total})

    async def messages(self, request: web.Request) -> web.Response:
        """A page of a conversation's messages, newest first, after ``lastMessageId``."""
        state = self.state
        conversation_id = request.match_info["conversation_id"]
        dataset, _ = state.find_conversation(conversation_id, token_of(request))
        limit = _limit(request.query, MESSAGES_PAGE_LIMITS)
        types = set(filter(None, request.query.get("type", "").split(",")))
        merged = ordered_messages(dataset, MessageFilter(conversation_id=conversation_id))
        last_id = request.query.get("lastMessageId")
        page: list[dict[str, Any]] = []
        more = False
        passed = last_id is None
        for key, stored in merged:
            message = stored if stored is not None else dataset.generate(key[1])
            if not passed:
                passed = message["id"] == last_id
                continue
            if types and message["messageType"] not in types:
                continue
            if len(page) == limit:
                more = True
                break
            page.append(message)
        body: dict[str, Any] = {
            "lastMessageId": page[-1]["id"] if page else None,
            "nextPage": more,
            "messages": page,
        }
        if stuck(request):  # the same page, and the marker it was asked with
            body.update(lastMessageId=last_id, nextPage=True)
        if state.settings.nested_messages_page:
            return json_response({"messages": body, "traceId": uuid.uuid4().hex})
        return json_response(body)


def _limit(q: Any, bounds: tuple[int, int]) -> int:
    low, high = bounds
    try:
        limit = int(q.get("limit", "20"))
    except ValueError:
        raise Reject(422, ["limit must be a number"], "Unprocessable Entity") from None
    if not low <= limit <= high:
        raise Reject(422, [f"limit must not be greater than {high}"], "Unprocessable Entity")
    return limit
