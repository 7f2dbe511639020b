"""Enums that never fail on a value HighLevel adds later.

HighLevel's enums drift ahead of its spec (``messageType`` already has values the spec lacks). An
``OpenStrEnum`` accepts any string: known values are members, unknown ones become cached
pseudo-members named ``UNKNOWN`` that compare equal to their string and serialise back unchanged.
"""

from __future__ import annotations

import enum
from typing import Any


class OpenStrEnum(enum.StrEnum):
    """A string enum that keeps unknown values instead of raising."""

    @property
    def is_known(self) -> bool:
        """False for a value this version of the SDK does not know yet."""
        return self._name_ != "UNKNOWN"

    @classmethod
    def _missing_(cls, value: object) -> Any:
        if not isinstance(value, str):
            return None
        cache: dict[str, Any] = cls.__dict__.get("_unknown_cache_", None) or {}
        if not cache:
            type.__setattr__(cls, "_unknown_cache_", cache)
        member = cache.get(value)
        if member is None:
            member = str.__new__(cls, value)
            member._name_ = "UNKNOWN"
            member._value_ = value
            cache[value] = member
        return member


class MessageType(OpenStrEnum):
    """``messageType`` of a message (the spec's list; unknown values are kept)."""

    TYPE_CALL = "TYPE_CALL"
    TYPE_SMS = "TYPE_SMS"
    TYPE_RCS = "TYPE_RCS"
    TYPE_EMAIL = "TYPE_EMAIL"
    TYPE_SMS_REVIEW_REQUEST = "TYPE_SMS_REVIEW_REQUEST"
    TYPE_WEBCHAT = "TYPE_WEBCHAT"
    TYPE_SMS_NO_SHOW_REQUEST = "TYPE_SMS_NO_SHOW_REQUEST"
    TYPE_CAMPAIGN_SMS = "TYPE_CAMPAIGN_SMS"
    TYPE_CAMPAIGN_CALL = "TYPE_CAMPAIGN_CALL"
    TYPE_CAMPAIGN_EMAIL = "TYPE_CAMPAIGN_EMAIL"
    TYPE_CAMPAIGN_VOICEMAIL = "TYPE_CAMPAIGN_VOICEMAIL"
    TYPE_FACEBOOK = "TYPE_FACEBOOK"
    TYPE_CAMPAIGN_FACEBOOK = "TYPE_CAMPAIGN_FACEBOOK"
    TYPE_CAMPAIGN_MANUAL_CALL = "TYPE_CAMPAIGN_MANUAL_CALL"
    TYPE_CAMPAIGN_MANUAL_SMS = "TYPE_CAMPAIGN_MANUAL_SMS"
    TYPE_GMB = "TYPE_GMB"
    TYPE_CAMPAIGN_GMB = "TYPE_CAMPAIGN_GMB"
    TYPE_REVIEW = "TYPE_REVIEW"
    TYPE_INSTAGRAM = "TYPE_INSTAGRAM"
    TYPE_WHATSAPP = "TYPE_WHATSAPP"
    TYPE_CUSTOM_SMS = "TYPE_CUSTOM_SMS"
    TYPE_CUSTOM_EMAIL = "TYPE_CUSTOM_EMAIL"
    TYPE_CUSTOM_PROVIDER_SMS = "TYPE_CUSTOM_PROVIDER_SMS"
    TYPE_CUSTOM_PROVIDER_EMAIL = "TYPE_CUSTOM_PROVIDER_EMAIL"
    TYPE_IVR_CALL = "TYPE_IVR_CALL"
    TYPE_ACTIVITY_CONTACT = "TYPE_ACTIVITY_CONTACT"
    TYPE_ACTIVITY_INVOICE = "TYPE_ACTIVITY_INVOICE"
    TYPE_ACTIVITY_PAYMENT = "TYPE_ACTIVITY_PAYMENT"
    TYPE_ACTIVITY_OPPORTUNITY = "TYPE_ACTIVITY_OPPORTUNITY"
    TYPE_LIVE_CHAT = "TYPE_LIVE_CHAT"
    TYPE_LIVE_CHAT_INFO_MESSAGE = "TYPE_LIVE_CHAT_INFO_MESSAGE"
    TYPE_ACTIVITY_APPOINTMENT = "TYPE_ACTIVITY_APPOINTMENT"
    TYPE_FACEBOOK_COMMENT = "TYPE_FACEBOOK_COMMENT"
    TYPE_INSTAGRAM_COMMENT = "TYPE_INSTAGRAM_COMMENT"
    TYPE_CUSTOM_CALL = "TYPE_CUSTOM_CALL"
    TYPE_INTERNAL_COMMENT = "TYPE_INTERNAL_COMMENT"
    TYPE_ACTIVITY_EMPLOYEE_ACTION_LOG = "TYPE_ACTIVITY_EMPLOYEE_ACTION_LOG"
    TYPE_TIKTOK = "TYPE_TIKTOK"
    TYPE_TIKTOK_COMMENT = "TYPE_TIKTOK_COMMENT"
    TYPE_ACTIVITY_WHATSAPP = "TYPE_ACTIVITY_WHATSAPP"
    TYPE_FORM_SUBMISSION = "TYPE_FORM_SUBMISSION"
    TYPE_SMS_REACTION = "TYPE_SMS_REACTION"


class Direction(OpenStrEnum):
    """``direction`` of a message."""

    INBOUND = "inbound"
    OUTBOUND = "outbound"


class MessageStatus(OpenStrEnum):
    """Delivery ``status`` of a message."""

    CONNECTED = "connected"
    DELIVERED = "delivered"
    FAILED = "failed"
    OPENED = "opened"
    PENDING = "pending"
    READ = "read"
    SCHEDULED = "scheduled"
    SENT = "sent"
    UNDELIVERED = "undelivered"
    CLICKED = "clicked"
    OPENED_OR_CLICKED = "opened_or_clicked"


class MessageSource(OpenStrEnum):
    """Where a message came from (``source``)."""

    WORKFLOW = "workflow"
    BULK_ACTIONS = "bulk_actions"
    CAMPAIGN = "campaign"
    API = "api"
    APP = "app"
