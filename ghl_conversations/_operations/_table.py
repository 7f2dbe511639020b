"""THE table: one row per operationId of the Conversations API (29), the one source of truth.

Corrections to the official spec, made here on purpose (see PLATFORM.md):
- ``get-message`` and ``get-email-by-id`` get the ``{id}`` path parameter the spec forgot.
- ``send-a-new-message`` does not require ``status``/``subType``; ``add-an-inbound-message`` needs
  a conversation *or* a contact, and no provider id for default providers.
- get-message accepts ``{"message": {...}}`` as well as the bare object; get-messages accepts the
  nested ``{"messages": {"messages": [...]}}`` page as well as the flat one.
"""

from __future__ import annotations

from typing import Any

from .._models import (
    CancelScheduledResult,
    CompleteUploadResult,
    Conversation,
    ConversationResult,
    ConversationSearchPage,
    Email,
    ExportPage,
    InitiateUploadResult,
    Message,
    MessagesPage,
    ProcessMessageResult,
    SendMessageResult,
    SuccessResult,
    TranscriptionSentence,
    UploadResult,
)
from ._descriptor import BYTES, JSON, TEXT, Endpoint, body, form, path, query

__all__ = ["ENDPOINTS", "endpoint"]


def _unwrap_object(key: str) -> Any:
    """Accept both ``{key: {...}}`` and the bare object."""

    def unwrap(data: Any) -> Any:
        if isinstance(data, dict) and isinstance(data.get(key), dict):
            return data[key]
        return data

    return unwrap


def _unwrap_transcription(data: Any) -> Any:
    if isinstance(data, list):
        return data
    if isinstance(data, dict):
        for key in ("transcriptions", "transcription", "data"):
            if isinstance(data.get(key), list):
                return data[key]
        return [data]
    return []


_ROWS = [
    # -- conversations ----------------------------------------------------------------------
    Endpoint(
        "create-conversation",
        "POST",
        "/conversations/",
        body("location_id", "contact_id"),
        result=ConversationResult,
        idempotent=False,
        required=("location_id", "contact_id"),
    ),
    Endpoint(
        "get-conversation",
        "GET",
        "/conversations/{conversation_id}",
        path("conversation_id"),
        result=Conversation,
        unwrap=_unwrap_object("conversation"),
        required=("conversation_id",),
        location_arg=None,
    ),
    Endpoint(
        "update-conversation",
        "PUT",
        "/conversations/{conversation_id}",
        path("conversation_id") + body("location_id", "unread_count", "starred", "feedback"),
        result=ConversationResult,
        required=("conversation_id", "location_id"),
        ranges={"unread_count": (0, 1_000_000)},
    ),
    Endpoint(
        "delete-conversation",
        "DELETE",
        "/conversations/{conversation_id}",
        path("conversation_id"),
        result=SuccessResult,
        required=("conversation_id",),
        location_arg=None,
    ),
    Endpoint(
        "search-conversation",
        "GET",
        "/conversations/search",
        query(
            "location_id",
            "contact_id",
            "assigned_to",
            "followers",
            "mentions",
            "query",
            "sort",
            "start_after_date",
            "id",
            "limit",
            "last_message_type",
            "last_message_action",
            "last_message_direction",
            "status",
            "sort_by",
            "sort_score_profile",
            "score_profile",
            "score_profile_min",
            "score_profile_max",
            "start_date",
            "end_date",
        ),
        result=ConversationSearchPage,
        required=("location_id",),
        ranges={"limit": (1, 100)},
        dates="epoch_ms",
    ),
    # -- messages ---------------------------------------------------------------------------
    Endpoint(
        "get-messages",
        "GET",
        "/conversations/{conversation_id}/messages",
        path("conversation_id") + query("last_message_id", "limit", types="type"),
        result=MessagesPage,
        unwrap=_unwrap_object("messages"),
        required=("conversation_id",),
        ranges={"limit": (1, 100)},
        location_arg=None,
    ),
    Endpoint(
        "get-message",
        "GET",
        "/conversations/messages/{message_id}",
        path("message_id"),
        result=Message,
        unwrap=_unwrap_object("message"),
        required=("message_id",),
        location_arg=None,
    ),
    Endpoint(
        "export-messages-by-location",
        "GET",
        "/conversations/messages/export",
        query(
            "location_id",
            "limit",
            "cursor",
            "sort_by",
            "sort_order",
            "conversation_id",
            "contact_id",
            "channel",
            "start_date",
            "end_date",
        ),
        result=ExportPage,
        required=("location_id",),
        ranges={"limit": (10, 500)},
    ),
    Endpoint(
        "send-a-new-message",
        "POST",
        "/conversations/messages",
        body(
            "type",
            "contact_id",
            "message",
            "subject",
            "html",
            "attachments",
            "appointment_id",
            "email_from",
            "email_to",
            "email_cc",
            "email_bcc",
            "email_reply_mode",
            "reply_message_id",
            "template_id",
            "thread_id",
            "scheduled_timestamp",
            "conversation_provider_id",
            "custom_subtype_id",
            "from_number",
            "to_number",
            "forward",
            "status",
            "sub_type",
            "uses_native_scheduling_ai",
            "optimization_period",
        ),
        result=SendMessageResult,
        idempotent=False,
        required=("contact_id",),
        location_arg=None,
    ),
    Endpoint(
        "add-an-inbound-message",
        "POST",
        "/conversations/messages/inbound",
        body(
            "type",
            "conversation_id",
            "contact_id",
            "conversation_provider_id",
            "message",
            "attachments",
            "html",
            "subject",
            "email_from",
            "email_to",
            "email_cc",
            "email_bcc",
            "email_message_id",
            "alt_id",
            "direction",
            "date",
            "call",
        ),
        result=ProcessMessageResult,
        idempotent=False,
        location_arg=None,
        one_of=(("conversation_id", "contact_id"),),
    ),
    Endpoint(
        "add-an-outbound-message",
        "POST",
        "/conversations/messages/outbound",
        body(
            "conversation_id",
            "conversation_provider_id",
            "attachments",
            "alt_id",
            "date",
            "call",
        ),
        result=ProcessMessageResult,
        idempotent=False,
        required=("conversation_id", "conversation_provider_id"),
        fixed={"type": "Call"},
        location_arg=None,
    ),
    Endpoint(
        "send-review-reply",
        "POST",
        "/conversations/messages/review-reply",
        body("conversation_id", "location_id", "message"),
        result=SendMessageResult,
        idempotent=False,
        required=("conversation_id", "location_id", "message"),
    ),
    Endpoint(
        "update-message-status",
        "PUT",
        "/conversations/messages/{message_id}/status",
        path("message_id") + body("status", "error", "email_message_id", "recipients"),
        result=SendMessageResult,
        required=("message_id",),
        location_arg=None,
        # Right after a custom provider's send, HighLevel answers this for 5-10 s.
        retry_when=((403, "No conversation provider found"),),
    ),
    Endpoint(
        "add-message-attachments",
        "PUT",
        "/conversations/messages/{message_id}/attachments",
        path("message_id") + body(urls="attachments"),
        result=JSON,
        required=("message_id",),
        location_arg=None,
    ),
    Endpoint(
        "cancel-scheduled-message",
        "DELETE",
        "/conversations/messages/{message_id}/schedule",
        path("message_id"),
        result=CancelScheduledResult,
        required=("message_id",),
        location_arg=None,
    ),
    Endpoint(
        "get-message-recording",
        "GET",
        "/conversations/messages/{message_id}/locations/{location_id}/recording",
        path("message_id", "location_id"),
        result=BYTES,
        required=("message_id", "location_id"),
    ),
    Endpoint(
        "get-message-transcription",
        "GET",
        "/conversations/locations/{location_id}/messages/{message_id}/transcription",
        path("location_id", "message_id"),
        result=list[TranscriptionSentence],
        unwrap=_unwrap_transcription,
        required=("message_id", "location_id"),
    ),
    Endpoint(
        "download-message-transcription",
        "GET",
        "/conversations/locations/{location_id}/messages/{message_id}/transcription/download",
        path("location_id", "message_id"),
        result=TEXT,
        required=("message_id", "location_id"),
    ),
    Endpoint(
        "upload-file-attachments",
        "POST",
        "/conversations/messages/upload",
        form(
            "conversation_id",
            "contact_id",
            "location_id",
            "attachment_urls",
            "chat_service_sid",
            "is_group_sms",
        ),
        result=UploadResult,
        idempotent=False,
        required=("conversation_id", "contact_id", "location_id"),
    ),
    Endpoint(
        "initiate-file-upload",
        "POST",
        "/conversations/messages/upload/initiate",
        body("location_id", "conversation_id", "filename", "content_type", "file_size", "channel"),
        result=InitiateUploadResult,
        # Retrying only reserves another upload slot, which expires unused.
        idempotent=True,
        required=("location_id", "conversation_id", "filename", "content_type"),
        ranges={"file_size": (0, 100 * 1024 * 1024)},
    ),
    Endpoint(
        "complete-file-upload",
        "POST",
        "/conversations/messages/upload/complete",
        body("upload_id", "file_path", "location_id", "conversation_id", "filename"),
        result=CompleteUploadResult,
        idempotent=False,
        required=("upload_id", "file_path", "location_id", "conversation_id", "filename"),
    ),
    # -- emails -----------------------------------------------------------------------------
    Endpoint(
        "get-email-by-id",
        "GET",
        "/conversations/messages/email/{email_id}",
        path("email_id"),
        result=Email,
        unwrap=_unwrap_object("emailMessage"),
        required=("email_id",),
        location_arg=None,
    ),
    Endpoint(
        "cancel-scheduled-email-message",
        "DELETE",
        "/conversations/messages/email/{email_message_id}/schedule",
        path("email_message_id"),
        result=CancelScheduledResult,
        required=("email_message_id",),
        location_arg=None,
    ),
    # -- preferences ------------------------------------------------------------------------
    Endpoint(
        "get-all-custom-subtypes",
        "GET",
        "/conversations/preferences/custom-subtypes",
        query("location_id"),
        result=JSON,
        required=("location_id",),
    ),
    Endpoint(
        "create-custom-subtype",
        "POST",
        "/conversations/preferences/custom-subtypes",
        query("location_id") + body("name", "description", "channel", "language"),
        result=JSON,
        idempotent=False,
        required=("location_id", "name", "language"),
    ),
    Endpoint(
        "update-custom-subtype",
        "PUT",
        "/conversations/preferences/custom-subtypes/{subtype_id}",
        path("subtype_id")
        + query("location_id")
        + body(
            "name",
            "description",
            "archived",
            resubscription_legal_form_id="resubscription_legal_form_id",
        ),
        result=JSON,
        required=("subtype_id", "location_id"),
    ),
    Endpoint(
        "get-contact-unsubscription-status",
        "GET",
        "/conversations/preferences/unsubscriptions/status",
        query("location_id", "contact_id", "email"),
        result=JSON,
        required=("location_id", "contact_id"),
    ),
    Endpoint(
        "user-subscription-change",
        "POST",
        "/conversations/preferences/unsubscriptions/user-change",
        body(
            "location_id",
            "contact_id",
            "email",
            subscription_action="subscription_action",
            legal_reason="legal_reason",
            legal_description="legal_description",
        ),
        result=JSON,
        # Sets a state: repeating it changes nothing.
        idempotent=True,
        required=("location_id", "contact_id", "email"),
    ),
    # -- providers --------------------------------------------------------------------------
    Endpoint(
        "live-chat-agent-typing",
        "POST",
        "/conversations/providers/live-chat/typing",
        body("location_id", "is_typing", "visitor_id", "conversation_id"),
        result=SuccessResult,
        idempotent=True,
        required=("location_id", "visitor_id", "conversation_id"),
    ),
]

ENDPOINTS: dict[str, Endpoint] = {row.operation_id: row for row in _ROWS}
assert len(ENDPOINTS) == len(_ROWS) == 29, "one row per operationId"


def endpoint(operation_id: str) -> Endpoint:
    return ENDPOINTS[operation_id]
