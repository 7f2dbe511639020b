"""Preferences and provider endpoints: custom subtypes, unsubscriptions, live-chat typing."""

from __future__ import annotations

import uuid

from aiohttp import web

from ._http import Reject, json_response, read_json, require, token_of
from ._state import FakeState

__all__ = ["PreferenceRoutes"]

_SUBSCRIPTION_ACTIONS = ("default", "custom", "resub_all")


class PreferenceRoutes:
    """Custom subtypes, unsubscription status and changes, typing events."""

    def __init__(self, state: FakeState) -> None:
        self.state = state

    async def list_subtypes(self, request: web.Request) -> web.Response:
        """A location's custom subtypes."""
        dataset = self.state.dataset_for(request.query.get("locationId"), token_of(request))
        return json_response({"subtypes": self.state.subtypes.get(dataset.location_id, [])})

    async def create_subtype(self, request: web.Request) -> web.Response:
        """Add a custom subtype (email or sms)."""
        dataset = self.state.dataset_for(request.query.get("locationId"), token_of(request))
        data = await read_json(request)
        require(data, "name", "channel", "language")
        if data["channel"] not in ("email", "sms"):
            raise Reject(422, ["channel must be one of: email, sms"])
        subtype = {"id": f"st{uuid.uuid4().hex[:18]}", "archived": False, **data}
        self.state.subtypes.setdefault(dataset.location_id, []).append(subtype)
        return json_response({"subtype": subtype}, 201)

    async def update_subtype(self, request: web.Request) -> web.Response:
        """Change a custom subtype."""
        dataset = self.state.dataset_for(request.query.get("locationId"), token_of(request))
        data = await read_json(request)
        for subtype in self.state.subtypes.get(dataset.location_id, []):
            if subtype["id"] == request.match_info["subtype_id"]:
                subtype.update(data)
                return json_response({"subtype": subtype})
        raise Reject(404, "Subtype not found", "Not Found")

    async def unsubscription_status(self, request: web.Request) -> web.Response:
        """What a contact unsubscribed from."""
        dataset = self.state.dataset_for(request.query.get("locationId"), token_of(request))
        contact_id = request.query.get("contactId")
        if not contact_id:
            raise Reject(422, ["contactId should not be empty"])
        actions = self.state.subscriptions.get((dataset.location_id, contact_id), [])
        unsubscribed = [a for a in actions if a.get("subtype_status") == "unsubscribed"]
        return json_response({"contactId": contact_id, "unsubscribed": unsubscribed})

    async def subscription_change(self, request: web.Request) -> web.Response:
        """Record a contact's (un)subscription."""
        data = await read_json(request)
        require(data, "locationId", "contactId", "email", "subscription_action")
        dataset = self.state.dataset_for(data["locationId"], token_of(request))
        action = data["subscription_action"]
        if not isinstance(action, dict) or action.get("type") not in _SUBSCRIPTION_ACTIONS:
            raise Reject(422, ["subscription_action.type must be one of: default, custom"])
        key = (dataset.location_id, data["contactId"])
        self.state.subscriptions.setdefault(key, []).append(action)
        return json_response({"success": True})

    async def typing(self, request: web.Request) -> web.Response:
        """A live-chat typing indicator."""
        data = await read_json(request)
        require(data, "locationId", "visitorId", "conversationId")
        if "isTyping" not in data:
            raise Reject(422, ["isTyping should not be empty"])
        self.state.dataset_for(data["locationId"], token_of(request))
        self.state.typing_events.append(data)
        return json_response({"success": True}, 201)
