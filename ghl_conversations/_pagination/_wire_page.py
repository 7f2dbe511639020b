"""What an export page must look like before the iterator trusts it, and its models.

An export must never end, skip or repeat because of a malformed answer: a page that is not an
object, whose ``messages`` is not a list of objects, whose ``nextCursor`` is not a string, or whose
messages cannot be structured raises :class:`APIResponseValidationError` (with a short excerpt of
what arrived). Only a valid page whose ``nextCursor`` is empty ends a window.
"""

from __future__ import annotations

from typing import Any

import attrs
import orjson

from .._errors import APIResponseValidationError
from .._models import Message, structure_checked

__all__ = ["EXPORT_OPERATION", "ExportWirePage", "invalid_page", "read_export_page", "to_messages"]

EXPORT_OPERATION = "export-messages-by-location"
_EXCERPT = 300


def _excerpt(value: Any) -> str:
    try:
        text = orjson.dumps(value, default=repr).decode()
    except (TypeError, ValueError):
        text = repr(value)
    return text[:_EXCERPT]


def invalid_page(reason: str, value: Any) -> APIResponseValidationError:
    """The error for an export answer that cannot be trusted (``value``: what arrived)."""
    return APIResponseValidationError(
        reason, status=200, operation=EXPORT_OPERATION, excerpt=_excerpt(value)
    )


@attrs.frozen
class ExportWirePage:
    """A validated export page: the wire dicts as sent, the next cursor (None: the end), total."""

    messages: list[dict[str, Any]]
    next_cursor: str | None
    total: int | None


def read_export_page(data: Any) -> ExportWirePage:
    """Validate one decoded export answer (cheap: shapes only; dates are checked where read)."""
    if data.__class__ is not dict:
        raise invalid_page("an export page must be a JSON object", data)
    messages = data.get("messages")
    if messages.__class__ is not list:
        raise invalid_page("an export page's 'messages' must be a list", data)
    if messages and set(map(type, messages)) != {dict}:  # one C-level pass over the page
        bad = next(m for m in messages if m.__class__ is not dict)
        raise invalid_page("an export page's messages must be JSON objects", bad)
    cursor = data.get("nextCursor")
    if cursor is not None and cursor.__class__ is not str:
        raise invalid_page("an export page's 'nextCursor' must be a string or null", data)
    total = data.get("total")
    if total.__class__ is not int:
        total = None
    return ExportWirePage(messages, cursor or None, total)


def to_messages(raw: list[dict[str, Any]]) -> list[Message]:
    """Models for wire messages; a message that cannot be structured is a server fault.

    ``raw`` comes from :func:`read_export_page`, which has checked its shape (a list of objects),
    so only the structuring (required fields, dates, enums) is left to fail here.
    """
    return structure_checked(raw, list[Message], operation=EXPORT_OPERATION, status=200)
