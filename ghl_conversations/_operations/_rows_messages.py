"""Table rows of ``client.messages``: export, get, send, inbound/outbound, status, files, calls.

Corrections to the official spec, made here on purpose (see PLATFORM.md): ``get-message`` gets
the ``{id}`` path parameter the spec forgot and accepts ``{"message": {...}}`` as well as the bare
object; ``send-a-new-message`` does not require ``status``/``subType``; ``add-an-inbound-message``
needs a conversation *or* a contact, and no provider id for default providers.
"""

from __future__ import annotations

from .._errors import ErrorKind
from .._models import (
    CancelScheduledResult,
    CompleteUploadResult,
    ExportPage,
    InitiateUploadResult,
    Message,
    ProcessMessageResult,
    SendMessageResult,
    TranscriptionSentence,
    UploadResult,
)
from ._constants import EXPORT_PAGE_LIMITS, WHATSAPP_UPLOAD_LIMIT
from ._row import BYTES, JSON, TEXT, Endpoint, Listing, arg, body, files, form, model, models, path
from ._row import query as query_args
from ._unwrap import unwrap_object, unwrap_transcription

__all__ = [
    "ADD_AN_INBOUND_MESSAGE",
    "ADD_AN_OUTBOUND_MESSAGE",
    "ADD_MESSAGE_ATTACHMENTS",
    "CANCEL_SCHEDULED_MESSAGE",
    "COMPLETE_FILE_UPLOAD",
    "DOWNLOAD_MESSAGE_TRANSCRIPTION",
    "EXPORT_MESSAGES_BY_LOCATION",
    "GET_MESSAGE",
    "GET_MESSAGE_RECORDING",
    "GET_MESSAGE_TRANSCRIPTION",
    "INITIATE_FILE_UPLOAD",
    "SEND_A_NEW_MESSAGE",
    "SEND_REVIEW_REPLY",
    "UPDATE_MESSAGE_STATUS",
    "UPLOAD_FILE_ATTACHMENTS",
]

OPTIONAL_STR = "str | None"
OPTIONAL_STRS = "Sequence[str] | None"
OPTIONAL_DATE = "_dt.datetime | None"

GET_MESSAGE = Endpoint(
    "get-message",
    "GET",
    "/conversations/messages/{message_id}",
    path(message_id="str"),
    model(Message),
    "messages",
    "get",
    "One message by id.",
    positional=("message_id",),
    unwrap=unwrap_object("message"),
    required=("message_id",),
    location_arg=None,
)

EXPORT_MESSAGES_BY_LOCATION = Endpoint(
    "export-messages-by-location",
    "GET",
    "/conversations/messages/export",
    query_args(
        location_id="str",
        cursor=OPTIONAL_STR,
        channel="ExportChannel | None",
        conversation_id=OPTIONAL_STR,
        contact_id=OPTIONAL_STR,
        start_date=OPTIONAL_DATE,
        end_date=OPTIONAL_DATE,
        sort_by="ExportSortBy | None",
        sort_order="SortOrder | None",
        limit="int | None",
    ),
    model(ExportPage),
    "messages",
    "export_page",
    "One raw export page, for callers who manage the cursor (valid 2 minutes) themselves.",
    positional=("location_id",),
    required=("location_id",),
    ranges={"limit": EXPORT_PAGE_LIMITS},
    listings=(
        Listing(
            "export",
            "MessageExport",
            "_message_export",
            cursor="cursor",
            filters_class="ExportFilterFields",
            overrides={
                "start_date": ("DateInput | None", "None"),
                "end_date": ("DateInput | None", "None"),
                "sort_by": ("ExportSortBy", '"createdAt"'),
                "sort_order": ("SortOrder", '"desc"'),
                "limit": ("int", str(EXPORT_PAGE_LIMITS[1])),
            },
            extra=(
                ("max_items", "int | None", "None"),
                ("concurrency", "int", "1"),
                ("resume", "dict[str, Any] | str | bytes | None", "None"),
            ),
            doc="Every message of a location: ``async for msg in client.messages.export(loc)``.\n"
            "\n"
            "Survives the cursor's 2-minute life however slow the loop body is; ``.checkpoint``\n"
            "is a JSON value to pass back as ``resume=`` (even in another process) to continue\n"
            "after the last message yielded. ``concurrency=N`` reads N date windows at once\n"
            "under the rate limit (windows interleave; each window stays in sort order).\n"
            "Invalid arguments raise ``ValueError`` here, before any request.",
        ),
    ),
)

SEND_A_NEW_MESSAGE = Endpoint(
    "send-a-new-message",
    "POST",
    "/conversations/messages",
    body(
        type="SendType",
        contact_id="str",
        message=OPTIONAL_STR,
        subject=OPTIONAL_STR,
        html=OPTIONAL_STR,
        attachments=OPTIONAL_STRS,
        appointment_id=OPTIONAL_STR,
        email_from=OPTIONAL_STR,
        email_to=OPTIONAL_STR,
        email_cc=OPTIONAL_STRS,
        email_bcc=OPTIONAL_STRS,
        email_reply_mode=OPTIONAL_STR,
        reply_message_id=OPTIONAL_STR,
        template_id=OPTIONAL_STR,
        thread_id=OPTIONAL_STR,
        scheduled_timestamp="int | None",
        conversation_provider_id=OPTIONAL_STR,
        custom_subtype_id=OPTIONAL_STR,
        from_number=OPTIONAL_STR,
        to_number=OPTIONAL_STR,
        forward="ForwardConfig | dict[str, Any] | None",
        status="StatusUpdate | None",
        sub_type=OPTIONAL_STR,
        uses_native_scheduling_ai="bool | None",
        optimization_period=OPTIONAL_STR,
    ),
    model(SendMessageResult),
    "messages",
    "send",
    "Send an SMS, email, WhatsApp... message. Never retried once it may have been sent.",
    idempotent=False,
    required=("contact_id",),
    location_arg=None,
)

ADD_AN_INBOUND_MESSAGE = Endpoint(
    "add-an-inbound-message",
    "POST",
    "/conversations/messages/inbound",
    body(
        type="InboundType",
        conversation_id=OPTIONAL_STR,
        contact_id=OPTIONAL_STR,
        conversation_provider_id=OPTIONAL_STR,
        message=OPTIONAL_STR,
        attachments=OPTIONAL_STRS,
        html=OPTIONAL_STR,
        subject=OPTIONAL_STR,
        email_from=OPTIONAL_STR,
        email_to=OPTIONAL_STR,
        email_cc=OPTIONAL_STRS,
        email_bcc=OPTIONAL_STRS,
        email_message_id=OPTIONAL_STR,
        alt_id=OPTIONAL_STR,
        direction=OPTIONAL_STR,
        date=OPTIONAL_DATE,
        call="CallData | dict[str, Any] | None",
    ),
    model(ProcessMessageResult),
    "messages",
    "add_inbound",
    "Record a message a contact sent (custom providers); needs a conversation or contact.",
    idempotent=False,
    location_arg=None,
    one_of=(("conversation_id", "contact_id"),),
)

ADD_AN_OUTBOUND_MESSAGE = Endpoint(
    "add-an-outbound-message",
    "POST",
    "/conversations/messages/outbound",
    body(
        conversation_id="str",
        conversation_provider_id="str",
        call="CallData | dict[str, Any] | None",
        attachments=OPTIONAL_STRS,
        alt_id=OPTIONAL_STR,
        date=OPTIONAL_DATE,
    ),
    model(ProcessMessageResult),
    "messages",
    "add_outbound_call",
    'Record an outbound call made through a custom provider (sends ``type="Call"``).',
    idempotent=False,
    required=("conversation_id", "conversation_provider_id"),
    fixed={"type": "Call"},
    location_arg=None,
)

SEND_REVIEW_REPLY = Endpoint(
    "send-review-reply",
    "POST",
    "/conversations/messages/review-reply",
    body(conversation_id="str", location_id="str", message="str"),
    model(SendMessageResult),
    "messages",
    "review_reply",
    "Reply to a review.",
    idempotent=False,
    required=("conversation_id", "location_id", "message"),
)

UPDATE_MESSAGE_STATUS = Endpoint(
    "update-message-status",
    "PUT",
    "/conversations/messages/{message_id}/status",
    path(message_id="str")
    + body(
        status="StatusUpdate",
        error="MessageError | dict[str, Any] | None",
        email_message_id=OPTIONAL_STR,
        recipients=OPTIONAL_STRS,
    ),
    model(SendMessageResult),
    "messages",
    "update_status",
    "Report delivery (custom providers). Retries HighLevel's brief 'No conversation\n"
    "provider found' 403 that follows a send.",
    positional=("message_id", "status"),
    required=("message_id",),
    location_arg=None,
    # Right after a custom provider's send, HighLevel answers this for 5-10 s.
    retry_when=(ErrorKind.PROVIDER_NOT_READY,),
)

ADD_MESSAGE_ATTACHMENTS = Endpoint(
    "add-message-attachments",
    "PUT",
    "/conversations/messages/{message_id}/attachments",
    path(message_id="str") + body(urls=arg("Sequence[str]", wire="attachments")),
    JSON,
    "messages",
    "set_attachments",
    "Attach already-hosted files (URLs) to a message.",
    positional=("message_id", "urls"),
    required=("message_id",),
    location_arg=None,
)

CANCEL_SCHEDULED_MESSAGE = Endpoint(
    "cancel-scheduled-message",
    "DELETE",
    "/conversations/messages/{message_id}/schedule",
    path(message_id="str"),
    model(CancelScheduledResult),
    "messages",
    "cancel_scheduled",
    "Cancel a message scheduled for later.",
    positional=("message_id",),
    required=("message_id",),
    location_arg=None,
)

GET_MESSAGE_RECORDING = Endpoint(
    "get-message-recording",
    "GET",
    "/conversations/messages/{message_id}/locations/{location_id}/recording",
    path(message_id="str", location_id="str"),
    BYTES,
    "messages",
    "recording",
    "A call recording's audio, exactly as served (``recording_to_file`` for large ones).",
    positional=("message_id", "location_id"),
    required=("message_id", "location_id"),
)

GET_MESSAGE_TRANSCRIPTION = Endpoint(
    "get-message-transcription",
    "GET",
    "/conversations/locations/{location_id}/messages/{message_id}/transcription",
    path(location_id="str", message_id="str"),
    models(TranscriptionSentence),
    "messages",
    "transcription",
    "A call's transcription, sentence by sentence.",
    positional=("message_id", "location_id"),
    unwrap=unwrap_transcription,
    required=("message_id", "location_id"),
)

DOWNLOAD_MESSAGE_TRANSCRIPTION = Endpoint(
    "download-message-transcription",
    "GET",
    "/conversations/locations/{location_id}/messages/{message_id}/transcription/download",
    path(location_id="str", message_id="str"),
    TEXT,
    "messages",
    "download_transcription",
    "A call's transcription as plain text.",
    positional=("message_id", "location_id"),
    required=("message_id", "location_id"),
)

UPLOAD_FILE_ATTACHMENTS = Endpoint(
    "upload-file-attachments",
    "POST",
    "/conversations/messages/upload",
    form(
        conversation_id="str",
        contact_id="str",
        location_id="str",
        attachment_urls=OPTIONAL_STRS,
        chat_service_sid=OPTIONAL_STR,
        is_group_sms="bool | None",
    )
    + files(files=arg("Sequence[FileInput]", wire="fileAttachment")),
    model(UploadResult),
    "messages",
    "upload",
    "Upload files (paths, ``(name, bytes[, type])`` tuples or binary files) as multipart,\n"
    "each part named ``fileAttachment``; disallowed types fail before sending.",
    idempotent=False,
    required=("conversation_id", "contact_id", "location_id"),
)

INITIATE_FILE_UPLOAD = Endpoint(
    "initiate-file-upload",
    "POST",
    "/conversations/messages/upload/initiate",
    body(
        location_id="str",
        conversation_id="str",
        filename="str",
        content_type="str",
        file_size="int | None",
        channel=OPTIONAL_STR,
    ),
    model(InitiateUploadResult),
    "messages",
    "initiate_upload",
    "Reserve a signed upload URL (valid 15 minutes).",
    # Retrying only reserves another upload slot, which expires unused.
    idempotent=True,
    required=("location_id", "conversation_id", "filename", "content_type"),
    ranges={"file_size": (0, WHATSAPP_UPLOAD_LIMIT)},
)

COMPLETE_FILE_UPLOAD = Endpoint(
    "complete-file-upload",
    "POST",
    "/conversations/messages/upload/complete",
    body(
        upload_id="str", file_path="str", location_id="str", conversation_id="str", filename="str"
    ),
    model(CompleteUploadResult),
    "messages",
    "complete_upload",
    "Finish a signed-URL upload.",
    idempotent=False,
    required=("upload_id", "file_path", "location_id", "conversation_id", "filename"),
)
