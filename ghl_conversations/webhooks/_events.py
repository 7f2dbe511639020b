"""Typed webhook events: attrs models built with the same converter as API results.

Unknown event types become a plain ``WebhookEvent`` (never an error), unknown fields land in
``extra``, and ``to_dict(event)`` gives back the payload exactly as HighLevel sent it.
"""

from __future__ import annotations

import datetime as _dt
from typing import Any

import attrs

from .._models import Direction, MessageType, WireModel

__all__ = [
    "AppInstallEvent",
    "ConversationUnreadUpdateEvent",
    "EVENT_TYPES",
    "MessageEvent",
    "ProviderOutboundMessageEvent",
    "WebhookEvent",
]


@attrs.frozen(kw_only=True, slots=False)
class WebhookEvent(WireModel):
    """Any webhook: its ``type`` and the fields every event carries."""

    type: str | None = None
    location_id: str | None = None
    webhook_id: str | None = None
    timestamp: Any = None


@attrs.frozen(kw_only=True, slots=False)
class MessageEvent(WebhookEvent):
    """``InboundMessage`` and ``OutboundMessage``."""

    message_id: str | None = None
    conversation_id: str | None = None
    contact_id: str | None = None
    body: str | None = None
    message_type: MessageType | None = None
    message_type_id: int | None = None
    direction: Direction | None = None
    status: str | None = None
    content_type: str | None = None
    attachments: list[str] | None = None
    date_added: _dt.datetime | None = None
    conversation_provider_id: str | None = None
    user_id: str | None = None

    @property
    def is_inbound(self) -> bool:
        """Whether a contact sent it (by event type or direction): the messages a bot answers."""
        return self.type == "InboundMessage" or self.direction == Direction.INBOUND


@attrs.frozen(kw_only=True, slots=False)
class ConversationUnreadUpdateEvent(WebhookEvent):
    """A conversation's unread count changed (read in the app, or a new inbound message)."""

    id: str | None = None
    contact_id: str | None = None
    unread_count: int | None = None


@attrs.frozen(kw_only=True, slots=False)
class ProviderOutboundMessageEvent(WebhookEvent):
    """What HighLevel posts to a custom provider's delivery URL: deliver it, then report the
    status with ``messages.update_status``."""

    message_id: str | None = None
    conversation_id: str | None = None
    contact_id: str | None = None
    conversation_provider_id: str | None = None
    user_id: str | None = None
    phone: str | None = None
    email_to: str | None = None
    message: str | None = None
    attachments: list[str] | None = None


@attrs.frozen(kw_only=True, slots=False)
class AppInstallEvent(WebhookEvent):
    """``AppInstall`` / ``AppUninstall``."""

    app_id: str | None = None
    company_id: str | None = None
    user_id: str | None = None
    install_type: str | None = None


EVENT_TYPES: dict[str, type[WebhookEvent]] = {
    "InboundMessage": MessageEvent,
    "OutboundMessage": MessageEvent,
    "ConversationUnreadUpdate": ConversationUnreadUpdateEvent,
    "ProviderOutboundMessage": ProviderOutboundMessageEvent,
    "AppInstall": AppInstallEvent,
    "AppUninstall": AppInstallEvent,
}
