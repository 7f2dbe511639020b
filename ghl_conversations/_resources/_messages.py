"""``client.messages``: export, get, send, inbound/outbound, status, files, recordings.

Generated from the endpoint table by
``python -m ghl_conversations._operations._codegen``: change the table and run it; do not
edit this file (a test fails when it is stale).
"""

from __future__ import annotations

import datetime as _dt
from collections.abc import Sequence
from typing import Any

from .._models import (
    CallData,
    CancelScheduledResult,
    CompleteUploadResult,
    ExportChannel,
    ExportPage,
    ExportSortBy,
    ForwardConfig,
    InboundType,
    InitiateUploadResult,
    Message,
    MessageError,
    ProcessMessageResult,
    SendMessageResult,
    SendType,
    SortOrder,
    StatusUpdate,
    TranscriptionSentence,
    UploadResult,
)
from .._operations import DateInput, FileInput, rows
from .._pagination import MessageExport
from ._message_helpers import MessageHelpers

__all__ = ["Messages"]


class Messages(MessageHelpers):
    """The ``client.messages`` methods, generated from the endpoint table."""

    async def get(
        self,
        message_id: str,
    ) -> Message:
        """One message by id."""
        return await self._run(
            rows.GET_MESSAGE,
            {
                "message_id": message_id,
            },
        )

    async def export_page(
        self,
        location_id: str,
        *,
        cursor: str | None = None,
        channel: ExportChannel | None = None,
        conversation_id: str | None = None,
        contact_id: str | None = None,
        start_date: _dt.datetime | None = None,
        end_date: _dt.datetime | None = None,
        sort_by: ExportSortBy | None = None,
        sort_order: SortOrder | None = None,
        limit: int | None = None,
    ) -> ExportPage:
        """One raw export page, for callers who manage the cursor (valid 2 minutes) themselves."""
        return await self._run(
            rows.EXPORT_MESSAGES_BY_LOCATION,
            {
                "location_id": location_id,
                "cursor": cursor,
                "channel": channel,
                "conversation_id": conversation_id,
                "contact_id": contact_id,
                "start_date": start_date,
                "end_date": end_date,
                "sort_by": sort_by,
                "sort_order": sort_order,
                "limit": limit,
            },
        )

    def export(
        self,
        location_id: str,
        *,
        channel: ExportChannel | None = None,
        conversation_id: str | None = None,
        contact_id: str | None = None,
        start_date: DateInput | None = None,
        end_date: DateInput | None = None,
        sort_by: ExportSortBy = "createdAt",
        sort_order: SortOrder = "desc",
        limit: int = 500,
        max_items: int | None = None,
        concurrency: int = 1,
        resume: dict[str, Any] | str | bytes | None = None,
    ) -> MessageExport:
        """Every message of a location: ``async for msg in client.messages.export(loc)``.

        Survives the cursor's 2-minute life however slow the loop body is; ``.checkpoint``
        is a JSON value to pass back as ``resume=`` (even in another process) to continue
        after the last message yielded. ``concurrency=N`` reads N date windows at once
        under the rate limit (windows interleave; each window stays in sort order).
        Invalid arguments raise ``ValueError`` here, before any request.
        """
        return self._message_export(
            rows.EXPORT_MESSAGES_BY_LOCATION,
            {
                "location_id": location_id,
                "channel": channel,
                "conversation_id": conversation_id,
                "contact_id": contact_id,
                "start_date": start_date,
                "end_date": end_date,
                "sort_by": sort_by,
                "sort_order": sort_order,
                "limit": limit,
            },
            max_items=max_items,
            concurrency=concurrency,
            resume=resume,
        )

    async def send(
        self,
        *,
        type: SendType,
        contact_id: str,
        message: str | None = None,
        subject: str | None = None,
        html: str | None = None,
        attachments: Sequence[str] | None = None,
        appointment_id: str | None = None,
        email_from: str | None = None,
        email_to: str | None = None,
        email_cc: Sequence[str] | None = None,
        email_bcc: Sequence[str] | None = None,
        email_reply_mode: str | None = None,
        reply_message_id: str | None = None,
        template_id: str | None = None,
        thread_id: str | None = None,
        scheduled_timestamp: int | None = None,
        conversation_provider_id: str | None = None,
        custom_subtype_id: str | None = None,
        from_number: str | None = None,
        to_number: str | None = None,
        forward: ForwardConfig | dict[str, Any] | None = None,
        status: StatusUpdate | None = None,
        sub_type: str | None = None,
        uses_native_scheduling_ai: bool | None = None,
        optimization_period: str | None = None,
    ) -> SendMessageResult:
        """Send an SMS, email, WhatsApp... message. Never retried once it may have been sent."""
        return await self._run(
            rows.SEND_A_NEW_MESSAGE,
            {
                "type": type,
                "contact_id": contact_id,
                "message": message,
                "subject": subject,
                "html": html,
                "attachments": attachments,
                "appointment_id": appointment_id,
                "email_from": email_from,
                "email_to": email_to,
                "email_cc": email_cc,
                "email_bcc": email_bcc,
                "email_reply_mode": email_reply_mode,
                "reply_message_id": reply_message_id,
                "template_id": template_id,
                "thread_id": thread_id,
                "scheduled_timestamp": scheduled_timestamp,
                "conversation_provider_id": conversation_provider_id,
                "custom_subtype_id": custom_subtype_id,
                "from_number": from_number,
                "to_number": to_number,
                "forward": forward,
                "status": status,
                "sub_type": sub_type,
                "uses_native_scheduling_ai": uses_native_scheduling_ai,
                "optimization_period": optimization_period,
            },
        )

    async def add_inbound(
        self,
        *,
        type: InboundType,
        conversation_id: str | None = None,
        contact_id: str | None = None,
        conversation_provider_id: str | None = None,
        message: str | None = None,
        attachments: Sequence[str] | None = None,
        html: str | None = None,
        subject: str | None = None,
        email_from: str | None = None,
        email_to: str | None = None,
        email_cc: Sequence[str] | None = None,
        email_bcc: Sequence[str] | None = None,
        email_message_id: str | None = None,
        alt_id: str | None = None,
        direction: str | None = None,
        date: _dt.datetime | None = None,
        call: CallData | dict[str, Any] | None = None,
    ) -> ProcessMessageResult:
        """Record a message a contact sent (custom providers); needs a conversation or contact."""
        return await self._run(
            rows.ADD_AN_INBOUND_MESSAGE,
            {
                "type": type,
                "conversation_id": conversation_id,
                "contact_id": contact_id,
                "conversation_provider_id": conversation_provider_id,
                "message": message,
                "attachments": attachments,
                "html": html,
                "subject": subject,
                "email_from": email_from,
                "email_to": email_to,
                "email_cc": email_cc,
                "email_bcc": email_bcc,
                "email_message_id": email_message_id,
                "alt_id": alt_id,
                "direction": direction,
                "date": date,
                "call": call,
            },
        )

    async def add_outbound_call(
        self,
        *,
        conversation_id: str,
        conversation_provider_id: str,
        call: CallData | dict[str, Any] | None = None,
        attachments: Sequence[str] | None = None,
        alt_id: str | None = None,
        date: _dt.datetime | None = None,
    ) -> ProcessMessageResult:
        """Record an outbound call made through a custom provider (sends ``type="Call"``)."""
        return await self._run(
            rows.ADD_AN_OUTBOUND_MESSAGE,
            {
                "conversation_id": conversation_id,
                "conversation_provider_id": conversation_provider_id,
                "call": call,
                "attachments": attachments,
                "alt_id": alt_id,
                "date": date,
            },
        )

    async def review_reply(
        self,
        *,
        conversation_id: str,
        location_id: str,
        message: str,
    ) -> SendMessageResult:
        """Reply to a review."""
        return await self._run(
            rows.SEND_REVIEW_REPLY,
            {
                "conversation_id": conversation_id,
                "location_id": location_id,
                "message": message,
            },
        )

    async def update_status(
        self,
        message_id: str,
        status: StatusUpdate,
        *,
        error: MessageError | dict[str, Any] | None = None,
        email_message_id: str | None = None,
        recipients: Sequence[str] | None = None,
    ) -> SendMessageResult:
        """Report delivery (custom providers). Retries HighLevel's brief 'No conversation
        provider found' 403 that follows a send.
        """
        return await self._run(
            rows.UPDATE_MESSAGE_STATUS,
            {
                "message_id": message_id,
                "status": status,
                "error": error,
                "email_message_id": email_message_id,
                "recipients": recipients,
            },
        )

    async def set_attachments(
        self,
        message_id: str,
        urls: Sequence[str],
    ) -> dict[str, Any]:
        """Attach already-hosted files (URLs) to a message."""
        return await self._run(
            rows.ADD_MESSAGE_ATTACHMENTS,
            {
                "message_id": message_id,
                "urls": urls,
            },
        )

    async def cancel_scheduled(
        self,
        message_id: str,
    ) -> CancelScheduledResult:
        """Cancel a message scheduled for later."""
        return await self._run(
            rows.CANCEL_SCHEDULED_MESSAGE,
            {
                "message_id": message_id,
            },
        )

    async def recording(
        self,
        message_id: str,
        location_id: str,
    ) -> bytes:
        """A call recording's audio, exactly as served (``recording_to_file`` for large ones)."""
        return await self._run(
            rows.GET_MESSAGE_RECORDING,
            {
                "message_id": message_id,
                "location_id": location_id,
            },
        )

    async def transcription(
        self,
        message_id: str,
        location_id: str,
    ) -> list[TranscriptionSentence]:
        """A call's transcription, sentence by sentence."""
        return await self._run(
            rows.GET_MESSAGE_TRANSCRIPTION,
            {
                "location_id": location_id,
                "message_id": message_id,
            },
        )

    async def download_transcription(
        self,
        message_id: str,
        location_id: str,
    ) -> str:
        """A call's transcription as plain text."""
        return await self._run(
            rows.DOWNLOAD_MESSAGE_TRANSCRIPTION,
            {
                "location_id": location_id,
                "message_id": message_id,
            },
        )

    async def upload(
        self,
        *,
        conversation_id: str,
        contact_id: str,
        location_id: str,
        attachment_urls: Sequence[str] | None = None,
        chat_service_sid: str | None = None,
        is_group_sms: bool | None = None,
        files: Sequence[FileInput],
    ) -> UploadResult:
        """Upload files (paths, ``(name, bytes[, type])`` tuples or binary files) as multipart,
        each part named ``fileAttachment``; disallowed types fail before sending.
        """
        return await self._run(
            rows.UPLOAD_FILE_ATTACHMENTS,
            {
                "conversation_id": conversation_id,
                "contact_id": contact_id,
                "location_id": location_id,
                "attachment_urls": attachment_urls,
                "chat_service_sid": chat_service_sid,
                "is_group_sms": is_group_sms,
                "files": files,
            },
        )

    async def initiate_upload(
        self,
        *,
        location_id: str,
        conversation_id: str,
        filename: str,
        content_type: str,
        file_size: int | None = None,
        channel: str | None = None,
    ) -> InitiateUploadResult:
        """Reserve a signed upload URL (valid 15 minutes)."""
        return await self._run(
            rows.INITIATE_FILE_UPLOAD,
            {
                "location_id": location_id,
                "conversation_id": conversation_id,
                "filename": filename,
                "content_type": content_type,
                "file_size": file_size,
                "channel": channel,
            },
        )

    async def complete_upload(
        self,
        *,
        upload_id: str,
        file_path: str,
        location_id: str,
        conversation_id: str,
        filename: str,
    ) -> CompleteUploadResult:
        """Finish a signed-URL upload."""
        return await self._run(
            rows.COMPLETE_FILE_UPLOAD,
            {
                "upload_id": upload_id,
                "file_path": file_path,
                "location_id": location_id,
                "conversation_id": conversation_id,
                "filename": filename,
            },
        )
