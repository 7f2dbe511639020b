"""Message endpoints: get one, send, add inbound/outbound/review messages, change status or
attachments, cancel a scheduled message or email, get an email."""

from __future__ import annotations

import uuid
from typing import Any

from aiohttp import web

from .._operations import SEND_TYPES
from ._http import Reject, json_response, read_json, require, token_of
from ._state import FakeState

__all__ = ["MessageRoutes"]

_STATUSES = ("delivered", "failed", "pending", "read")
_MESSAGE_TYPES = {
    "SMS": "TYPE_SMS",
    "Email": "TYPE_EMAIL",
    "WhatsApp": "TYPE_WHATSAPP",
    "IG": "TYPE_INSTAGRAM",
    "FB": "TYPE_FACEBOOK",
    "Live_Chat": "TYPE_LIVE_CHAT",
}


class MessageRoutes:
    """Message endpoints, over the fake's state."""

    def __init__(self, state: FakeState) -> None:
        self.state = state

    async def get(self, request: web.Request) -> web.Response:
        """One message (wrapped in ``{"message": ...}`` as HighLevel does, unless turned off)."""
        _, message = self.state.find_message(request.match_info["message_id"], token_of(request))
        if self.state.settings.wrap_get_message:
            return json_response({"message": message, "traceId": uuid.uuid4().hex})
        return json_response(message)

    async def send(self, request: web.Request) -> web.Response:
        """Send a message to a contact (stored at once, ``pending`` or ``scheduled``)."""
        state = self.state
        data = await read_json(request)
        require(data, "type", "contactId")
        if data["type"] not in SEND_TYPES:
            raise Reject(422, [f"type must be one of: {sorted(SEND_TYPES)}"])
        if data["type"] == "Email" and not (data.get("html") or data.get("message")):
            raise Reject(422, ["html or message is required for Email"])
        dataset = state.dataset
        for candidate in state.datasets.values():
            if candidate.contact_index(data["contactId"]) is not None:
                dataset = candidate
        conversation_id = state.conversations.for_contact(dataset, data["contactId"])
        stored = state.add_message(
            dataset.location_id,
            messageType=_MESSAGE_TYPES.get(data["type"], "TYPE_CUSTOM_SMS"),
            type=3 if data["type"] == "Email" else 2,
            contactId=data["contactId"],
            conversationId=conversation_id,
            body=data.get("message") or data.get("html") or "",
            direction="outbound",
            status="scheduled" if data.get("scheduledTimestamp") else "pending",
            attachments=data.get("attachments") or [],
        )
        result = {
            "conversationId": conversation_id,
            "messageId": stored["id"],
            "msg": "Message queued successfully.",
        }
        if data["type"] == "Email":
            result["emailMessageId"] = "em" + stored["id"][2:]
        return json_response(result, 201)

    async def inbound(self, request: web.Request) -> web.Response:
        """Add an inbound message (a custom provider's delivery)."""
        state = self.state
        data = await read_json(request)
        require(data, "type")
        if not (data.get("conversationId") or data.get("contactId")):
            raise Reject(422, ["conversationId or contactId should not be empty"])
        if data.get("conversationId"):
            dataset, conversation = state.find_conversation(
                data["conversationId"], token_of(request)
            )
            conversation_id, contact_id = conversation["id"], conversation["contactId"]
        else:
            dataset = state.dataset
            contact_id = data["contactId"]
            conversation_id = state.conversations.for_contact(dataset, contact_id)
        stored = state.add_message(
            dataset.location_id,
            messageType="TYPE_CUSTOM_PROVIDER_SMS"
            if data["type"] == "Custom"
            else f"TYPE_{str(data['type']).upper()}",
            type=2,
            contactId=contact_id,
            conversationId=conversation_id,
            body=data.get("message") or "",
            direction=data.get("direction") or "inbound",
            status="delivered",
            conversationProviderId=data.get("conversationProviderId"),
        )
        return _processed(stored)

    async def outbound(self, request: web.Request) -> web.Response:
        """Add an outbound call made through a custom provider."""
        data = await read_json(request)
        require(data, "type", "conversationId", "conversationProviderId")
        if data["type"] != "Call":
            raise Reject(422, ["type must be one of the following values: Call"])
        dataset, conversation = self.state.find_conversation(
            data["conversationId"], token_of(request)
        )
        call = data.get("call") or {}
        stored = self.state.add_message(
            dataset.location_id,
            messageType="TYPE_CALL",
            type=1,
            contactId=conversation["contactId"],
            conversationId=conversation["id"],
            direction="outbound",
            status=call.get("status", "completed"),
            meta={"call": call},
            altId=data.get("altId"),
        )
        return _processed(stored)

    async def review_reply(self, request: web.Request) -> web.Response:
        """Reply to a review (stored as an outbound review message)."""
        data = await read_json(request)
        require(data, "conversationId", "locationId", "message")
        token = token_of(request)
        self.state.dataset_for(data["locationId"], token)
        dataset, conversation = self.state.find_conversation(data["conversationId"], token)
        stored = self.state.add_message(
            dataset.location_id,
            messageType="TYPE_REVIEW",
            type=15,
            contactId=conversation["contactId"],
            conversationId=conversation["id"],
            body=data["message"],
            direction="outbound",
            status="delivered",
        )
        return json_response(
            {"conversationId": conversation["id"], "messageId": stored["id"], "status": "delivered"}
        )

    async def update_status(self, request: web.Request) -> web.Response:
        """Change a message's status (and so its ``dateUpdated``)."""
        data = await read_json(request)
        require(data, "status")
        if data["status"] not in _STATUSES:
            raise Reject(422, [f"status must be one of: {', '.join(_STATUSES)}"])
        message_id = request.match_info["message_id"]
        self.state.find_message(message_id, token_of(request))
        message = self.state.edit_message(message_id, status=data["status"])
        self.state.status_updates.append({"messageId": message_id, **data})
        return json_response(
            {
                "conversationId": message["conversationId"],
                "messageId": message_id,
                "status": data["status"],
            }
        )

    async def attachments(self, request: web.Request) -> web.Response:
        """Replace a message's attachment URLs."""
        data = await read_json(request)
        urls = data.get("attachments")
        if not isinstance(urls, list) or not urls:
            raise Reject(422, ["attachments must be a non-empty array"])
        message_id = request.match_info["message_id"]
        self.state.change_message(message_id, token_of(request), attachments=urls)
        return json_response({"success": True})

    async def cancel_scheduled(self, request: web.Request) -> web.Response:
        """Cancel a scheduled message (400 if it is not scheduled)."""
        message_id = request.match_info["message_id"]
        _, message = self.state.find_message(message_id, token_of(request))
        if message.get("status") != "scheduled":
            raise Reject(400, "Message is not scheduled", "Bad Request")
        self.state.edit_message(message_id, status="cancelled")
        return json_response({"status": 200, "message": "Message cancelled successfully"})

    async def get_email(self, request: web.Request) -> web.Response:
        """One email (the detail behind an email message)."""
        email_id = request.match_info["email_id"]
        for dataset in self.state.datasets.values():
            index = dataset.email_index(email_id)
            if index is not None and dataset.kind(index)[0] == "TYPE_EMAIL":
                return json_response(dataset.email(index))
        raise Reject(404, "Email not found", "Not Found")

    async def cancel_scheduled_email(self, request: web.Request) -> web.Response:
        """Cancel a scheduled email (generated emails were all sent already)."""
        email_id = request.match_info["email_id"]
        datasets = self.state.datasets.values()
        if any(dataset.email_index(email_id) is not None for dataset in datasets):
            raise Reject(400, "Email is not scheduled", "Bad Request")
        for dataset in datasets:
            for message in dataset.added:
                if "em" + message["id"][2:] == email_id and message.get("status") == "scheduled":
                    message["status"] = "cancelled"
                    return json_response({"status": 200, "message": "Email cancelled successfully"})
        raise Reject(404, "Email not found", "Not Found")


def _processed(stored: dict[str, Any]) -> web.Response:
    """The answer to an added inbound message or outbound call."""
    return json_response(
        {
            "success": True,
            "conversationId": stored["conversationId"],
            "messageId": stored["id"],
            "message": "Message added successfully",
            "contactId": stored["contactId"],
            "dateAdded": stored["dateAdded"],
        }
    )
