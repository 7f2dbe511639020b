"""Upload endpoints: the multipart upload (5 MB per file) and the three-step signed-URL upload
(initiate, PUT to the signed URL without a token, complete)."""

from __future__ import annotations

import uuid
from typing import Any

from aiohttp import BodyPartReader, web

from .._operations import ALLOWED_EXTENSIONS, UPLOAD_LIMIT, WHATSAPP_UPLOAD_LIMIT
from ._http import FORM_KEY, Reject, json_response, read_json, require, token_of
from ._state import FakeState

__all__ = ["UploadRoutes"]

_SIGNED_URL_TTL = 900.0


class UploadRoutes:
    """Upload endpoints, over the fake's state."""

    def __init__(self, state: FakeState) -> None:
        self.state = state

    async def upload(self, request: web.Request) -> web.Response:
        """Multipart upload of attachments; answers their URLs by file name."""
        fields: dict[str, Any] = {"fileAttachment": []}
        reader = await request.multipart()
        while (part := await reader.next()) is not None:
            if not isinstance(part, BodyPartReader):
                raise Reject(400, "nested multipart is not accepted", "Bad Request")
            if part.name == "fileAttachment":
                data = await part.read()
                fields["fileAttachment"].append(
                    {
                        "filename": part.filename,
                        "size": len(data),
                        "content_type": part.headers.get("Content-Type"),
                        "data": bytes(data),
                    }
                )
            else:
                fields.setdefault(str(part.name), []).append(await part.text())
        request[FORM_KEY] = fields
        for name in ("conversationId", "contactId", "locationId"):
            if not fields.get(name):
                raise Reject(400, f"{name} is required", "Bad Request")
        self.state.dataset_for(fields["locationId"][0], token_of(request))
        uploaded: dict[str, str] = {}
        for item in fields["fileAttachment"]:
            name = str(item["filename"] or "")
            if name.rsplit(".", 1)[-1].lower() not in ALLOWED_EXTENSIONS:
                return json_response({"status": 415, "message": "Unsupported file type"}, 415)
            if item["size"] > UPLOAD_LIMIT:
                return json_response({"status": 413, "message": "File too large"}, 413)
            url = f"https://files.example.test/{uuid.uuid4().hex}/{name}"
            uploaded[name] = url
            self.state.uploaded_files.append({**item, "url": url})
        return json_response({"uploadedFiles": uploaded})

    async def initiate(self, request: web.Request) -> web.Response:
        """Step 1: a signed URL to PUT the file to."""
        state = self.state
        data = await read_json(request)
        require(data, "locationId", "conversationId", "filename", "contentType")
        state.dataset_for(data["locationId"], token_of(request))
        whatsapp = str(data.get("channel", "")).upper() == "WHATSAPP"
        limit = WHATSAPP_UPLOAD_LIMIT if whatsapp else UPLOAD_LIMIT
        if int(data.get("fileSize") or 0) > limit:
            return json_response({"status": 413, "message": "File too large"}, 413)
        upload_id = uuid.uuid4().hex
        file_path = f"{data['locationId']}/{upload_id}/{data['filename']}"
        state.uploads[upload_id] = {"filePath": file_path, "data": None, **data}
        return json_response(
            {
                "uploadUrl": f"{state.base_url}/_upload/{upload_id}",
                "uploadId": upload_id,
                "filePath": file_path,
                "expiresAt": int((state.clock.time() + _SIGNED_URL_TTL) * 1000),
                "maxFileSize": limit,
            }
        )

    async def signed_put(self, request: web.Request) -> web.Response:
        """Step 2: the file's bytes, PUT to the signed URL (which takes no token)."""
        upload = self.state.uploads.get(request.match_info["upload_id"])
        if upload is None:
            return web.Response(status=404, text="NoSuchUpload")
        if request.headers.get("Authorization"):
            return web.Response(status=400, text="signed URLs take no Authorization header")
        upload["data"] = await request.read()
        return web.Response(status=200)

    async def complete(self, request: web.Request) -> web.Response:
        """Step 3: the uploaded file's URL and metadata."""
        data = await read_json(request)
        require(data, "uploadId", "filePath", "locationId", "conversationId", "filename")
        upload = self.state.uploads.get(data["uploadId"])
        if upload is None or upload["filePath"] != data["filePath"]:
            raise Reject(404, "Upload not found", "Not Found")
        if upload["data"] is None:
            raise Reject(400, "The file was not uploaded to the signed URL", "Bad Request")
        url = f"https://files.example.test/{upload['filePath']}"
        return json_response(
            {
                "uploadedFiles": {data["filename"]: url},
                "metadata": {"size": len(upload["data"]), "contentType": upload["contentType"]},
            }
        )
