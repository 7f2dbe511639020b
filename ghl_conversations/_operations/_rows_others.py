"""Table rows of ``client.emails``, ``client.preferences`` and ``client.providers``.

The official spec documents no response shape for the preference operations, so they return the
JSON object exactly as HighLevel sends it.
"""

from __future__ import annotations

from .._models import CancelScheduledResult, Email, SuccessResult
from ._row import JSON, Endpoint, arg, body, model, path, query
from ._unwrap import unwrap_object

__all__ = [
    "CANCEL_SCHEDULED_EMAIL_MESSAGE",
    "CREATE_CUSTOM_SUBTYPE",
    "GET_ALL_CUSTOM_SUBTYPES",
    "GET_CONTACT_UNSUBSCRIPTION_STATUS",
    "GET_EMAIL_BY_ID",
    "LIVE_CHAT_AGENT_TYPING",
    "UPDATE_CUSTOM_SUBTYPE",
    "USER_SUBSCRIPTION_CHANGE",
]

OPTIONAL_STR = "str | None"

GET_EMAIL_BY_ID = Endpoint(
    "get-email-by-id",
    "GET",
    "/conversations/messages/email/{email_id}",
    path(email_id="str"),
    model(Email),
    "emails",
    "get",
    "One email message by id.",
    positional=("email_id",),
    unwrap=unwrap_object("emailMessage"),
    required=("email_id",),
    location_arg=None,
)

CANCEL_SCHEDULED_EMAIL_MESSAGE = Endpoint(
    "cancel-scheduled-email-message",
    "DELETE",
    "/conversations/messages/email/{email_message_id}/schedule",
    path(email_message_id="str"),
    model(CancelScheduledResult),
    "emails",
    "cancel_scheduled",
    "Cancel an email scheduled for later.",
    positional=("email_message_id",),
    required=("email_message_id",),
    location_arg=None,
)

GET_ALL_CUSTOM_SUBTYPES = Endpoint(
    "get-all-custom-subtypes",
    "GET",
    "/conversations/preferences/custom-subtypes",
    query(location_id="str"),
    JSON,
    "preferences",
    "list_custom_subtypes",
    "All custom subscription subtypes of a location.",
    positional=("location_id",),
    required=("location_id",),
)

CREATE_CUSTOM_SUBTYPE = Endpoint(
    "create-custom-subtype",
    "POST",
    "/conversations/preferences/custom-subtypes",
    query(location_id="str")
    + body(
        name="str",
        description=OPTIONAL_STR,
        channel='Literal["email", "sms"]',
        language="str",
    ),
    JSON,
    "preferences",
    "create_custom_subtype",
    "Create a custom subtype contacts can subscribe to or leave.",
    idempotent=False,
    positional=("location_id",),
    required=("location_id", "name", "language"),
)

UPDATE_CUSTOM_SUBTYPE = Endpoint(
    "update-custom-subtype",
    "PUT",
    "/conversations/preferences/custom-subtypes/{subtype_id}",
    path(subtype_id="str")
    + query(location_id="str")
    + body(
        name=OPTIONAL_STR,
        description=OPTIONAL_STR,
        archived="bool | None",
        resubscription_legal_form_id=arg(OPTIONAL_STR, wire="resubscription_legal_form_id"),
    ),
    JSON,
    "preferences",
    "update_custom_subtype",
    "Rename, describe or archive a custom subtype.",
    positional=("subtype_id", "location_id"),
    required=("subtype_id", "location_id"),
)

GET_CONTACT_UNSUBSCRIPTION_STATUS = Endpoint(
    "get-contact-unsubscription-status",
    "GET",
    "/conversations/preferences/unsubscriptions/status",
    query(location_id="str", contact_id="str", email=OPTIONAL_STR),
    JSON,
    "preferences",
    "unsubscription_status",
    "Which subtypes a contact has left.",
    positional=("location_id", "contact_id"),
    required=("location_id", "contact_id"),
)

USER_SUBSCRIPTION_CHANGE = Endpoint(
    "user-subscription-change",
    "POST",
    "/conversations/preferences/unsubscriptions/user-change",
    body(
        location_id="str",
        contact_id="str",
        email="str",
        subscription_action=arg("SubscriptionAction | dict[str, Any]", wire="subscription_action"),
        legal_reason=arg(OPTIONAL_STR, wire="legal_reason"),
        legal_description=arg(OPTIONAL_STR, wire="legal_description"),
    ),
    JSON,
    "preferences",
    "change_subscription",
    "Subscribe or unsubscribe a contact (``subscription_action`` as model or dict).",
    # Sets a state: repeating it changes nothing.
    idempotent=True,
    required=("location_id", "contact_id", "email"),
)

LIVE_CHAT_AGENT_TYPING = Endpoint(
    "live-chat-agent-typing",
    "POST",
    "/conversations/providers/live-chat/typing",
    body(location_id="str", is_typing="bool", visitor_id="str", conversation_id="str"),
    model(SuccessResult),
    "providers",
    "live_chat_typing",
    "Show or hide the agent's typing indicator in a live chat.",
    idempotent=True,
    positional=("location_id", "conversation_id", "visitor_id", "is_typing"),
    required=("location_id", "visitor_id", "conversation_id"),
)
