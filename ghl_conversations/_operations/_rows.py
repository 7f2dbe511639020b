"""THE table: one row per operationId of the Conversations API (29), the one source of truth.

The rows live in one module per resource; this module gathers them (``ROWS``), says which class
each resource's generated module defines (``RESOURCES``), and checks the table as a whole.
Generated resource methods refer to the rows by name (``rows.GET_MESSAGE``), so mypy follows them.
"""

from __future__ import annotations

from typing import Any

import attrs

from ._row import Endpoint
from ._rows_conversations import (
    CREATE_CONVERSATION,
    DELETE_CONVERSATION,
    GET_CONVERSATION,
    GET_MESSAGES,
    SEARCH_CONVERSATION,
    UPDATE_CONVERSATION,
)
from ._rows_messages import (
    ADD_AN_INBOUND_MESSAGE,
    ADD_AN_OUTBOUND_MESSAGE,
    ADD_MESSAGE_ATTACHMENTS,
    CANCEL_SCHEDULED_MESSAGE,
    COMPLETE_FILE_UPLOAD,
    DOWNLOAD_MESSAGE_TRANSCRIPTION,
    EXPORT_MESSAGES_BY_LOCATION,
    GET_MESSAGE,
    GET_MESSAGE_RECORDING,
    GET_MESSAGE_TRANSCRIPTION,
    INITIATE_FILE_UPLOAD,
    SEND_A_NEW_MESSAGE,
    SEND_REVIEW_REPLY,
    UPDATE_MESSAGE_STATUS,
    UPLOAD_FILE_ATTACHMENTS,
)
from ._rows_others import (
    CANCEL_SCHEDULED_EMAIL_MESSAGE,
    CREATE_CUSTOM_SUBTYPE,
    GET_ALL_CUSTOM_SUBTYPES,
    GET_CONTACT_UNSUBSCRIPTION_STATUS,
    GET_EMAIL_BY_ID,
    LIVE_CHAT_AGENT_TYPING,
    UPDATE_CUSTOM_SUBTYPE,
    USER_SUBSCRIPTION_CHANGE,
)

__all__ = [
    "ADD_AN_INBOUND_MESSAGE",
    "ADD_AN_OUTBOUND_MESSAGE",
    "ADD_MESSAGE_ATTACHMENTS",
    "CANCEL_SCHEDULED_EMAIL_MESSAGE",
    "CANCEL_SCHEDULED_MESSAGE",
    "COMPLETE_FILE_UPLOAD",
    "CREATE_CONVERSATION",
    "CREATE_CUSTOM_SUBTYPE",
    "DELETE_CONVERSATION",
    "DOWNLOAD_MESSAGE_TRANSCRIPTION",
    "ENDPOINTS",
    "EXPORT_MESSAGES_BY_LOCATION",
    "GET_ALL_CUSTOM_SUBTYPES",
    "GET_CONTACT_UNSUBSCRIPTION_STATUS",
    "GET_CONVERSATION",
    "GET_EMAIL_BY_ID",
    "GET_MESSAGE",
    "GET_MESSAGES",
    "GET_MESSAGE_RECORDING",
    "GET_MESSAGE_TRANSCRIPTION",
    "INITIATE_FILE_UPLOAD",
    "LIVE_CHAT_AGENT_TYPING",
    "RESOURCES",
    "ROWS",
    "SEARCH_CONVERSATION",
    "SEND_A_NEW_MESSAGE",
    "SEND_REVIEW_REPLY",
    "UPDATE_CONVERSATION",
    "UPDATE_CUSTOM_SUBTYPE",
    "UPDATE_MESSAGE_STATUS",
    "UPLOAD_FILE_ATTACHMENTS",
    "USER_SUBSCRIPTION_CHANGE",
    "ResourceModule",
]


@attrs.frozen
class ResourceModule:
    """One generated module of ``_resources``: its class, the hand-written base, its docstring."""

    module: str
    class_name: str
    base: str
    base_module: str
    doc: str


RESOURCES: dict[str, ResourceModule] = {
    "conversations": ResourceModule(
        "_conversations",
        "Conversations",
        "ConversationListings",
        "._listings",
        "``client.conversations``: create, get, update, delete, search, and a conversation's "
        "messages.",
    ),
    "messages": ResourceModule(
        "_messages",
        "Messages",
        "MessageHelpers",
        "._message_helpers",
        "``client.messages``: export, get, send, inbound/outbound, status, files, recordings.",
    ),
    "emails": ResourceModule(
        "_emails",
        "Emails",
        "Resource",
        "._base",
        "``client.emails``: email messages by id, and cancelling scheduled ones.",
    ),
    "preferences": ResourceModule(
        "_preferences",
        "Preferences",
        "Resource",
        "._base",
        "``client.preferences``: custom subscription subtypes and contacts' unsubscriptions.\n\n"
        "The official spec documents no response shape for these operations, so they return\n"
        "the JSON object exactly as HighLevel sends it.",
    ),
    "providers": ResourceModule(
        "_providers",
        "Providers",
        "Resource",
        "._base",
        "``client.providers``: what custom conversation providers and live chat bots call.",
    ),
}

ROWS: tuple[Endpoint[Any], ...] = (
    CREATE_CONVERSATION,
    GET_CONVERSATION,
    UPDATE_CONVERSATION,
    DELETE_CONVERSATION,
    SEARCH_CONVERSATION,
    GET_MESSAGES,
    GET_MESSAGE,
    EXPORT_MESSAGES_BY_LOCATION,
    SEND_A_NEW_MESSAGE,
    ADD_AN_INBOUND_MESSAGE,
    ADD_AN_OUTBOUND_MESSAGE,
    SEND_REVIEW_REPLY,
    UPDATE_MESSAGE_STATUS,
    ADD_MESSAGE_ATTACHMENTS,
    CANCEL_SCHEDULED_MESSAGE,
    GET_MESSAGE_RECORDING,
    GET_MESSAGE_TRANSCRIPTION,
    DOWNLOAD_MESSAGE_TRANSCRIPTION,
    UPLOAD_FILE_ATTACHMENTS,
    INITIATE_FILE_UPLOAD,
    COMPLETE_FILE_UPLOAD,
    GET_EMAIL_BY_ID,
    CANCEL_SCHEDULED_EMAIL_MESSAGE,
    GET_ALL_CUSTOM_SUBTYPES,
    CREATE_CUSTOM_SUBTYPE,
    UPDATE_CUSTOM_SUBTYPE,
    GET_CONTACT_UNSUBSCRIPTION_STATUS,
    USER_SUBSCRIPTION_CHANGE,
    LIVE_CHAT_AGENT_TYPING,
)

#: The rows by operationId.
ENDPOINTS: dict[str, Endpoint[Any]] = {row.operation_id: row for row in ROWS}


def _check_table() -> None:
    if len(ENDPOINTS) != len(ROWS) or len(ROWS) != 29:
        raise ValueError("the table needs exactly one row per operationId (29)")
    methods = [(row.resource, row.name) for row in ROWS]
    methods += [(row.resource, lst.method) for row in ROWS for lst in row.listings]
    if len(set(methods)) != len(methods):
        raise ValueError(f"two rows generate the same method: {methods}")
    unknown = {row.resource for row in ROWS} - set(RESOURCES)
    if unknown:
        raise ValueError(f"rows name resources without a module: {unknown}")


_check_table()
