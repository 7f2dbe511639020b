"""The hand-written half of ``client.messages``: the export iterator, streamed recordings and the
three-step signed-URL upload, each built on the table's rows (the generated half is
``_messages.py``)."""

from __future__ import annotations

import datetime as _dt
import mimetypes
import os
from collections.abc import AsyncIterator
from typing import IO, Any

import anyio

from .._dates import parse_wire_datetime
from .._models import CompleteUploadResult, ExportPage
from .._operations import UPLOAD_LIMIT, WHATSAPP_UPLOAD_LIMIT, DateInput, Endpoint, rows
from .._pagination import ExportFilters, MessageExport
from ._base import Resource

__all__ = ["MessageHelpers"]


def _as_datetime(name: str, value: DateInput | None) -> _dt.datetime | None:
    if value is None:
        return None
    try:
        return parse_wire_datetime(value)
    except (ValueError, TypeError):
        raise ValueError(
            f"{name} must be a datetime or an ISO 8601 string, got {value!r}"
        ) from None


class MessageHelpers(Resource):
    """Hand-written half of ``Messages``."""

    def _message_export(
        self,
        row: Endpoint[ExportPage],
        filters: dict[str, Any],
        *,
        max_items: int | None,
        concurrency: int,
        resume: dict[str, Any] | str | bytes | None,
    ) -> MessageExport:
        start = _as_datetime("start_date", filters["start_date"])
        end = _as_datetime("end_date", filters["end_date"])
        if start is not None and end is not None and end < start:
            raise ValueError(f"end_date {end.isoformat()} is before start_date {start.isoformat()}")
        fixed = {**filters, "start_date": start, "end_date": end}
        self._build(row, fixed)  # invalid filters fail here, before any request

        async def fetch(**overrides: Any) -> Any:
            # The export_page row and checks, but the page comes back as decoded JSON: the
            # iterator reads the next cursor and requests that page before building models.
            return await self._decoded(row, {**fixed, **overrides})

        return MessageExport(
            fetch,
            ExportFilters(**fixed),
            clock=self._context.clock,
            max_items=max_items,
            concurrency=concurrency,
            resume=resume,
        )

    async def recording_chunks(
        self, message_id: str, location_id: str, *, chunk_size: int = 65536
    ) -> AsyncIterator[bytes]:
        """The recording in chunks, never whole in memory."""
        values = {"message_id": message_id, "location_id": location_id}
        async with self._stream(rows.GET_MESSAGE_RECORDING, values) as response:
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
        slot = await self._run(
            rows.INITIATE_FILE_UPLOAD,
            {
                "location_id": location_id,
                "conversation_id": conversation_id,
                "filename": filename,
                "content_type": kind,
                "file_size": size,
                "channel": channel,
            },
        )
        if not slot.upload_url or not slot.upload_id or not slot.file_path:
            raise ValueError("initiate-file-upload answered without uploadUrl/uploadId/filePath")
        data = await file_path.read_bytes()
        # Through the pipeline (retries, hooks, logging), never with the HighLevel token.
        await self._context.core.put_signed_url(
            slot.upload_url, data, content_type=kind, options=self._context.options
        )
        return await self._run(
            rows.COMPLETE_FILE_UPLOAD,
            {
                "upload_id": slot.upload_id,
                "file_path": slot.file_path,
                "location_id": location_id,
                "conversation_id": conversation_id,
                "filename": filename,
            },
        )
