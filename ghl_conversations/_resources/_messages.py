"""``client.messages``: export, get, send, inbound/outbound, status, files, recordings."""

from __future__ import annotations

import datetime as _dt
import mimetypes
import os
from collections.abc import AsyncIterator, Sequence
from typing import IO, Any

import anyio
import anyio.to_thread

from .._dates import parse_wire_datetime
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
from .._operations import FileInput, endpoint, file_parts, operation
from .._pagination import ExportFilters, MessageExport
from .._transport import Request, Timeout
from ._base import Resource

DateInput = _dt.datetime | str

#: Upload limits of the signed-URL flow (bytes).
UPLOAD_LIMIT = 5 * 1024 * 1024
WHATSAPP_UPLOAD_LIMIT = 100 * 1024 * 1024


def _as_datetime(name: str, value: DateInput | None) -> _dt.datetime | None:
    if value is None:
        return None
    try:
        return parse_wire_datetime(value)
    except (ValueError, TypeError):
        raise ValueError(
            f"{name} must be a datetime or an ISO 8601 string, got {value!r}"
        ) from None


class Messages(Resource):
    # -- reading -------------------------------------------------------------------------

    @operation(endpoint("get-message"))
    async def get(self, message_id: str) -> Message:
        """One message by id."""

    @operation(endpoint("export-messages-by-location"))
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

        Survives the cursor's 2-minute life however slow the loop body is; ``.checkpoint`` is a
        JSON value to pass back as ``resume=`` (even in another process) to continue after the
        last message yielded. ``concurrency=N`` reads N date windows at once under the rate
        limit (windows interleave; each window stays in sort order). Invalid arguments raise
        ``ValueError`` here, before any request.
        """
        start = _as_datetime("start_date", start_date)
        end = _as_datetime("end_date", end_date)
        if start is not None and end is not None and end < start:
            raise ValueError(f"end_date {end.isoformat()} is before start_date {start.isoformat()}")
        fixed = {
            "location_id": location_id,
            "channel": channel,
            "conversation_id": conversation_id,
            "contact_id": contact_id,
            "sort_by": sort_by,
            "sort_order": sort_order,
            "limit": limit,
        }
        self._check("export_page", {**fixed, "start_date": start, "end_date": end})
        filters = ExportFilters(
            location_id=location_id,
            channel=channel,
            conversation_id=conversation_id,
            contact_id=contact_id,
            start_date=start,
            end_date=end,
            sort_by=sort_by,
            sort_order=sort_order,
            limit=limit,
        )
        row = endpoint("export-messages-by-location")

        async def fetch(**overrides: Any) -> Any:
            # The same row and checks as export_page, but the page comes back as decoded JSON:
            # the iterator reads the next cursor and requests that page before building models.
            values = {**fixed, **overrides}
            self._check("export_page", values)
            return await self._execute(row, values, decode_only=True)

        return MessageExport(
            fetch,
            filters,
            clock=self._context.clock,
            max_items=max_items,
            concurrency=concurrency,
            resume=resume,
        )

    # -- sending -------------------------------------------------------------------------

    @operation(endpoint("send-a-new-message"))
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

    @operation(endpoint("add-an-inbound-message"))
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

    @operation(endpoint("add-an-outbound-message"))
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

    @operation(endpoint("send-review-reply"))
    async def review_reply(
        self, *, conversation_id: str, location_id: str, message: str
    ) -> SendMessageResult:
        """Reply to a review."""

    @operation(endpoint("update-message-status"))
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
        provider found' 403 that follows a send."""

    @operation(endpoint("add-message-attachments"))
    async def set_attachments(self, message_id: str, urls: Sequence[str]) -> dict[str, Any]:
        """Attach already-hosted files (URLs) to a message."""

    @operation(endpoint("cancel-scheduled-message"))
    async def cancel_scheduled(self, message_id: str) -> CancelScheduledResult:
        """Cancel a message scheduled for later."""

    # -- recordings and transcriptions -----------------------------------------------------

    @operation(endpoint("get-message-recording"))
    async def recording(self, message_id: str, location_id: str) -> bytes:
        """A call recording's audio, exactly as served (``recording_to_file`` for large ones)."""

    async def recording_chunks(
        self, message_id: str, location_id: str, *, chunk_size: int = 65536
    ) -> AsyncIterator[bytes]:
        """The recording in chunks, never whole in memory."""
        values = {"message_id": message_id, "location_id": location_id}
        self._check("recording", dict(values))
        async with self._stream(endpoint("get-message-recording"), values) as response:
            async for chunk in response.iter_chunks(chunk_size):
                yield chunk

    async def recording_to_file(
        self,
        message_id: str,
        location_id: str,
        destination: str | os.PathLike[str] | IO[bytes],
        *,
        chunk_size: int = 65536,
    ) -> int:
        """Stream a recording to a path (written atomically) or a binary file; return its size."""
        written = 0
        chunks = self.recording_chunks(message_id, location_id, chunk_size=chunk_size)
        if hasattr(destination, "write"):
            async for chunk in chunks:
                destination.write(chunk)
                written += len(chunk)
            return written
        target = anyio.Path(os.fspath(destination))
        partial = target.with_name(f".{target.name}.{os.getpid()}.partial")
        try:
            async with await anyio.open_file(partial, "wb") as handle:
                async for chunk in chunks:
                    await handle.write(chunk)
                    written += len(chunk)
            await partial.replace(target)  # atomic: a reader never sees half a recording
        except BaseException:
            with anyio.CancelScope(shield=True):
                await partial.unlink(missing_ok=True)
            raise
        return written

    @operation(endpoint("get-message-transcription"))
    async def transcription(self, message_id: str, location_id: str) -> list[TranscriptionSentence]:
        """A call's transcription, sentence by sentence."""

    @operation(endpoint("download-message-transcription"))
    async def download_transcription(self, message_id: str, location_id: str) -> str:
        """A call's transcription as plain text."""

    # -- files ---------------------------------------------------------------------------

    async def upload(
        self,
        *,
        conversation_id: str,
        contact_id: str,
        location_id: str,
        files: Sequence[FileInput],
        attachment_urls: Sequence[str] | None = None,
        chat_service_sid: str | None = None,
        is_group_sms: bool | None = None,
    ) -> UploadResult:
        """Upload files (paths, ``(name, bytes[, type])`` tuples or binary files) as multipart,
        each part named ``fileAttachment``; disallowed types fail before sending."""
        values: dict[str, Any] = {
            "conversation_id": conversation_id,
            "contact_id": contact_id,
            "location_id": location_id,
            "attachment_urls": list(attachment_urls) if attachment_urls else None,
            "chat_service_sid": chat_service_sid,
            "is_group_sms": is_group_sms,
        }
        parts = await anyio.to_thread.run_sync(file_parts, files)  # reading files blocks
        result: UploadResult = await self._execute(
            endpoint("upload-file-attachments"), values, files=parts
        )
        return result

    @operation(endpoint("initiate-file-upload"))
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

    @operation(endpoint("complete-file-upload"))
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

    async def upload_large(
        self,
        path: str | os.PathLike[str],
        *,
        location_id: str,
        conversation_id: str,
        content_type: str | None = None,
        channel: str | None = None,
    ) -> CompleteUploadResult:
        """Initiate -> PUT the bytes to the signed URL -> complete (5 MB limit, 100 MB for
        ``channel="WHATSAPP"``). The signed URL gets no HighLevel token."""
        file_path = anyio.Path(os.fspath(path))
        if not await file_path.is_file():
            raise ValueError(f"{str(file_path)!r} is not a file")
        size = (await file_path.stat()).st_size
        limit = WHATSAPP_UPLOAD_LIMIT if (channel or "").upper() == "WHATSAPP" else UPLOAD_LIMIT
        if size > limit:
            raise ValueError(f"{str(file_path)!r} is {size} bytes; the limit is {limit} bytes")
        filename = file_path.name
        kind = content_type or mimetypes.guess_type(filename)[0] or "application/octet-stream"
        slot = await self.initiate_upload(
            location_id=location_id,
            conversation_id=conversation_id,
            filename=filename,
            content_type=kind,
            file_size=size,
            channel=channel,
        )
        if not slot.upload_url or not slot.upload_id or not slot.file_path:
            raise ValueError("initiate-file-upload answered without uploadUrl/uploadId/filePath")
        data = await file_path.read_bytes()
        put = Request(
            "PUT",
            slot.upload_url,
            headers={"Content-Type": kind},
            content=data,
            timeout=Timeout(total=900.0),
        )
        response = await self._context.core.transport.send(put)
        if response.status >= 400:
            from .._errors import error_from_response

            raise error_from_response(response.status, response.headers, response.content)
        return await self.complete_upload(
            upload_id=slot.upload_id,
            file_path=slot.file_path,
            location_id=location_id,
            conversation_id=conversation_id,
            filename=filename,
        )
