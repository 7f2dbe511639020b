"""The decoding limit's types: an export page as msgspec Structs (typed, nested, aware datetimes).

A module of its own without ``from __future__ import annotations``: msgspec resolves the
annotations of Structs at class creation.
"""

import datetime as dt
from collections.abc import Callable
from typing import Any

import msgspec


class Call(msgspec.Struct):
    """``meta.call``: a call's duration and outcome."""

    duration: int | None = None
    status: str | None = None


class Meta(msgspec.Struct, rename="camel"):
    """A message's ``meta``: call details, email ids."""

    call_duration: int | str | None = None
    call_status: str | None = None
    call: Call | None = None
    email: dict[str, Any] | None = None


class Message(msgspec.Struct, rename="camel"):
    """One exported message, as typed as the SDK's model."""

    id: str
    type: int
    message_type: str
    location_id: str
    contact_id: str
    conversation_id: str
    date_added: dt.datetime
    date_updated: dt.datetime | None = None
    body: str | None = None
    direction: str | None = None
    status: str | None = None
    content_type: str | None = None
    source: str | None = None
    alt_id: str | None = None
    attachments: list[str] = []
    meta: Meta | None = None


class Page(msgspec.Struct, rename="camel"):
    """One export page."""

    messages: list[Message]
    next_cursor: str | None = None
    total: int | None = None


def page_decoder() -> Callable[[bytes], Any]:
    """A decoder from page bytes to ``{"messages": [Message...], "nextCursor": ...}``."""
    decoder = msgspec.json.Decoder(Page)

    def loads(content: bytes) -> Any:
        page = decoder.decode(content)
        return {"messages": page.messages, "nextCursor": page.next_cursor}

    return loads
