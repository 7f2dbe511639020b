"""The declarative endpoint table (``rows``), the row type, request encoding, checks and constants.

``python -m ghl_conversations._operations._codegen`` writes the resource modules from the table.
"""

from . import _rows as rows
from ._checks import check_path_id
from ._constants import (
    API_VERSION,
    EXPORT_CHANNELS,
    EXPORT_PAGE_LIMITS,
    EXPORT_SORT_BY,
    INBOUND_TYPES,
    MESSAGES_PAGE_LIMITS,
    SEARCH_PAGE_LIMITS,
    SEND_TYPES,
    SORT_ORDERS,
    UPLOAD_LIMIT,
    WHATSAPP_UPLOAD_LIMIT,
    DateInput,
)
from ._encoding import build, decoder, parser
from ._files import ALLOWED_EXTENSIONS, FileInput, file_parts
from ._row import BYTES, JSON, TEXT, Arg, Endpoint, Listing, Result, ResultKind

__all__ = [
    "ALLOWED_EXTENSIONS",
    "API_VERSION",
    "Arg",
    "BYTES",
    "DateInput",
    "EXPORT_CHANNELS",
    "EXPORT_PAGE_LIMITS",
    "EXPORT_SORT_BY",
    "Endpoint",
    "FileInput",
    "INBOUND_TYPES",
    "JSON",
    "Listing",
    "MESSAGES_PAGE_LIMITS",
    "Result",
    "ResultKind",
    "SEARCH_PAGE_LIMITS",
    "SEND_TYPES",
    "SORT_ORDERS",
    "TEXT",
    "UPLOAD_LIMIT",
    "WHATSAPP_UPLOAD_LIMIT",
    "build",
    "check_path_id",
    "decoder",
    "file_parts",
    "parser",
    "rows",
]
