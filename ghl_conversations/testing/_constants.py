"""The SDK's own constants, as the fake needs them: imported, never copied, so the two agree."""

from __future__ import annotations

import typing

from .. import ALLOWED_EXTENSIONS, API_VERSION
from .._models import ExportChannel, SendType
from .._operations import endpoint

__all__ = [
    "ALLOWED_UPLOADS",
    "API_VERSION",
    "CONVERSATION_PAGE_LIMITS",
    "EXPORT_CHANNELS",
    "EXPORT_PAGE_LIMITS",
    "SEARCH_PAGE_LIMITS",
    "SEND_TYPES",
    "SIGNED_UPLOAD_LIMIT",
]

#: File extensions the upload endpoints accept (lower case, no dot).
ALLOWED_UPLOADS = frozenset(ext.lower().lstrip(".") for ext in ALLOWED_EXTENSIONS)
#: Channels the export filters by.
EXPORT_CHANNELS = frozenset(typing.get_args(ExportChannel))
#: ``type`` values a send accepts.
SEND_TYPES = frozenset(typing.get_args(SendType))


def _range(operation_id: str, argument: str) -> tuple[int, int]:
    low, high = endpoint(operation_id).ranges[argument]
    return int(low), int(high)


#: ``limit`` bounds of each page shape (the endpoint table's ranges).
EXPORT_PAGE_LIMITS = _range("export-messages-by-location", "limit")
CONVERSATION_PAGE_LIMITS = _range("get-messages", "limit")
SEARCH_PAGE_LIMITS = _range("search-conversation", "limit")
#: The largest file the signed-URL upload takes (a WhatsApp file).
SIGNED_UPLOAD_LIMIT = _range("initiate-file-upload", "file_size")[1]
