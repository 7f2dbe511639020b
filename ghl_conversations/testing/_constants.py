"""The SDK's own constants, as the fake needs them: imported, never copied, so the two agree."""

from __future__ import annotations

from .._operations import (
    ALLOWED_EXTENSIONS,
    API_VERSION,
    EXPORT_CHANNELS,
    EXPORT_PAGE_LIMITS,
    EXPORT_SORT_BY,
    MESSAGES_PAGE_LIMITS,
    SEARCH_PAGE_LIMITS,
    SEND_TYPES,
    SORT_ORDERS,
    UPLOAD_LIMIT,
    WHATSAPP_UPLOAD_LIMIT,
)

__all__ = [
    "ALLOWED_UPLOADS",
    "API_VERSION",
    "EXPORT_CHANNELS",
    "EXPORT_PAGE_LIMITS",
    "EXPORT_SORT_BY",
    "MESSAGES_PAGE_LIMITS",
    "SEARCH_PAGE_LIMITS",
    "SEND_TYPES",
    "SORT_ORDERS",
    "UPLOAD_LIMIT",
    "WHATSAPP_UPLOAD_LIMIT",
]

#: File extensions the upload endpoints accept (lower case, no dot).
ALLOWED_UPLOADS = frozenset(ext.lower().lstrip(".") for ext in ALLOWED_EXTENSIONS)
