"""Literal types of request arguments: mypy checks them, and the SDK checks them again at run
time (before sending) for callers without a type checker."""

from __future__ import annotations

from typing import Literal

__all__ = [
    "ExportChannel",
    "ExportSortBy",
    "InboundType",
    "MessageTypeFilter",
    "SearchSortBy",
    "SearchStatus",
    "SendType",
    "SortOrder",
    "StatusUpdate",
]

ExportChannel = Literal["Call", "SMS", "Email", "WhatsApp", "Instagram", "Facebook"]
ExportSortBy = Literal["createdAt", "updatedAt"]
SortOrder = Literal["asc", "desc"]
SendType = Literal["SMS", "RCS", "Email", "WhatsApp", "IG", "FB", "Custom", "Live_Chat", "TIKTOK"]
InboundType = Literal[
    "SMS",
    "RCS",
    "Email",
    "WhatsApp",
    "GMB",
    "IG",
    "FB",
    "Custom",
    "WebChat",
    "Live_Chat",
    "Call",
    "IVR_Call",
    "Campaign_Call",
    "Campaign_VoiceMail",
    "TIKTOK",
    "ALL_IN_ONE_CHAT",
    "FORM_SUBMISSION",
]
StatusUpdate = Literal["delivered", "failed", "pending", "read"]
SearchStatus = Literal["all", "read", "unread", "starred", "recents"]
SearchSortBy = Literal[
    "last_manual_message_date", "last_message_date", "score_profile", "overdue_at", "due_at"
]
MessageTypeFilter = Literal[
    "TYPE_CALL",
    "TYPE_SMS",
    "TYPE_RCS",
    "TYPE_EMAIL",
    "TYPE_FACEBOOK",
    "TYPE_GMB",
    "TYPE_INSTAGRAM",
    "TYPE_WHATSAPP",
    "TYPE_ACTIVITY_APPOINTMENT",
    "TYPE_ACTIVITY_CONTACT",
    "TYPE_ACTIVITY_INVOICE",
    "TYPE_ACTIVITY_PAYMENT",
    "TYPE_ACTIVITY_OPPORTUNITY",
    "TYPE_LIVE_CHAT",
    "TYPE_INTERNAL_COMMENTS",
    "TYPE_ACTIVITY_EMPLOYEE_ACTION_LOG",
    "TYPE_TIKTOK",
    "TYPE_ACTIVITY_WHATSAPP",
    "TYPE_FORM_SUBMISSION",
]
