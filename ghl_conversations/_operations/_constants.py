"""The API's fixed values, defined once: the CLI, the fake server and the checks import them.

The allowed values of ``Literal`` arguments are read from the annotations themselves, so a value
added to a ``Literal`` is allowed everywhere at once.
"""

from __future__ import annotations

import datetime as _dt
import typing

from .._models import ExportChannel, ExportSortBy, InboundType, SendType, SortOrder
from .._pipeline import API_VERSION

__all__ = [
    "API_VERSION",
    "DateInput",
    "EXPORT_CHANNELS",
    "EXPORT_PAGE_LIMITS",
    "EXPORT_SORT_BY",
    "INBOUND_TYPES",
    "MESSAGES_PAGE_LIMITS",
    "SEARCH_PAGE_LIMITS",
    "SEND_TYPES",
    "SORT_ORDERS",
    "UPLOAD_LIMIT",
    "WHATSAPP_UPLOAD_LIMIT",
]

#: A date argument of the export: an aware ``datetime`` or an ISO 8601 string.
DateInput = _dt.datetime | str

#: ``channel`` values of the export.
EXPORT_CHANNELS: tuple[str, ...] = typing.get_args(ExportChannel)
#: ``sort_by`` values of the export.
EXPORT_SORT_BY: tuple[str, ...] = typing.get_args(ExportSortBy)
#: ``sort_order`` values (export and search).
SORT_ORDERS: tuple[str, ...] = typing.get_args(SortOrder)
#: ``type`` values of ``messages.send``.
SEND_TYPES: tuple[str, ...] = typing.get_args(SendType)
#: ``type`` values of ``messages.add_inbound``.
INBOUND_TYPES: tuple[str, ...] = typing.get_args(InboundType)

#: Inclusive page-size limits (``limit``): export, search, a conversation's messages.
EXPORT_PAGE_LIMITS = (10, 500)
SEARCH_PAGE_LIMITS = (1, 100)
MESSAGES_PAGE_LIMITS = (1, 100)

#: Size limits of the signed-URL upload flow (bytes): 5 MB, 100 MB for ``channel="WHATSAPP"``.
UPLOAD_LIMIT = 5 * 1024 * 1024
WHATSAPP_UPLOAD_LIMIT = 100 * 1024 * 1024
