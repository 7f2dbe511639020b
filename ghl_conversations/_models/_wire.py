"""Typed results and request objects: attrs classes with snake_case attributes.

Every model is frozen (change one with ``attrs.evolve``), keeps the fields HighLevel adds later in
``extra``, and remembers the exact wire dict it was built from, so that ``to_dict`` gives back what
the API sent, even date formats and enum values this SDK does not know.
All fields but ``id`` are optional: the real API omits fields its spec calls required.
"""

from __future__ import annotations

import datetime as _dt
from collections.abc import Iterator
from typing import Any

import attrs

from ._enums import Direction, MessageSource, MessageStatus, MessageType

__all__ = [
    "CallData",
    "CancelScheduledResult",
    "CompleteUploadResult",
    "Conversation",
    "ConversationResult",
    "ConversationSearchPage",
    "Email",
    "ExportPage",
    "ForwardConfig",
    "InitiateUploadResult",
    "Message",
    "MessageError",
    "MessageMeta",
    "MessagesPage",
    "ProcessMessageResult",
    "SendMessageResult",
    "SubscriptionAction",
    "SuccessResult",
    "TranscriptionSentence",
    "UploadResult",
    "WireModel",
]


def wire(name: str, default: Any = None) -> Any:
    """A field whose wire name is not the camelCase of its attribute name."""
    return attrs.field(default=default, metadata={"wire": name})


class _PydanticSerializer:
    """``__pydantic_serializer__`` on demand: pydantic (FastAPI's ``-> Any`` routes, ``TypeAdapter``
    of containers) serialises any object carrying one; it is built, importing pydantic-core, only
    when pydantic asks, so the SDK itself never imports it."""

    def __init__(self) -> None:
        self._made: dict[type, Any] = {}

    def __get__(self, obj: Any, owner: Any = None) -> Any:
        cls = owner if owner is not None else type(obj)
        found = self._made.get(cls)
        if found is None:
            from pydantic_core import SchemaSerializer, core_schema

            from ._converter import to_dict

            found = self._made[cls] = SchemaSerializer(
                core_schema.any_schema(
                    serialization=core_schema.plain_serializer_function_ser_schema(to_dict)
                )
            )
        return found


@attrs.frozen(kw_only=True, slots=False)
class WireModel:
    """Base of every model: unknown fields in ``extra``, the original wire dict kept privately.

    Web frameworks see the wire form, exactly as ``ghl.to_dict(model)`` gives it and never the
    private fields: ``dict(model)`` (what FastAPI's ``jsonable_encoder`` tries first) yields the
    wire items, and a model used as a FastAPI/pydantic annotation serialises through ``to_dict``.
    """

    extra: dict[str, Any] = attrs.field(factory=dict, repr=False)
    _raw: dict[str, Any] | None = attrs.field(init=False, default=None, repr=False, eq=False)

    __pydantic_serializer__ = _PydanticSerializer()

    def __iter__(self) -> Iterator[tuple[str, Any]]:
        """The wire form's ``(key, value)`` pairs, so ``dict(model) == ghl.to_dict(model)``."""
        from ._converter import to_dict

        return iter(to_dict(self).items())

    @classmethod
    def __get_pydantic_core_schema__(cls, source: Any, handler: Any) -> Any:
        """Let pydantic (and so FastAPI's ``response_model``) accept and serialise the model: in
        from a model or a wire dict, out as ``ghl.to_dict(model)``."""
        from pydantic_core import core_schema

        from ._converter import structure, to_dict

        def validate(value: Any) -> Any:
            if isinstance(value, cls):
                return value
            if isinstance(value, dict):
                return structure(value, cls)
            raise ValueError(f"expected a {cls.__name__} or its wire dict")

        return core_schema.no_info_plain_validator_function(
            validate,
            serialization=core_schema.plain_serializer_function_ser_schema(to_dict),
        )

    @classmethod
    def __get_pydantic_json_schema__(cls, schema: Any, handler: Any) -> dict[str, Any]:
        """OpenAPI sees a JSON object in HighLevel's wire form."""
        return {"type": "object", "title": cls.__name__, "additionalProperties": True}


# --- messages -------------------------------------------------------------------------------


@attrs.frozen(kw_only=True, slots=False)
class MessageMeta(WireModel):
    """``meta`` of a message: open by nature (call, email, ig, fb, ... all land in ``extra``)."""

    call_duration: Any = None
    call_status: str | None = None
    email: Any = None
    call: Any = None


@attrs.frozen(kw_only=True, slots=False)
class Message(WireModel):
    """A message of any channel (SMS, email, call, chat...); dates are aware ``datetime``."""

    id: str
    alt_id: str | None = None
    type: int | None = None
    message_type: MessageType | None = None
    location_id: str | None = None
    contact_id: str | None = None
    conversation_id: str | None = None
    date_added: _dt.datetime | None = None
    date_updated: _dt.datetime | None = None
    body: str | None = None
    direction: Direction | None = None
    status: MessageStatus | None = None
    content_type: str | None = None
    attachments: list[str] | None = None
    meta: MessageMeta | None = None
    source: MessageSource | None = None
    user_id: str | None = None
    conversation_provider_id: str | None = None
    chat_widget_id: str | None = None


@attrs.frozen(kw_only=True, slots=False)
class ExportPage(WireModel):
    """One page of ``export-messages-by-location``; ``next_cursor`` is None on the last page."""

    messages: list[Message] = attrs.field(factory=list)
    next_cursor: str | None = None
    total: int | None = None


@attrs.frozen(kw_only=True, slots=False)
class MessagesPage(WireModel):
    """One page of a conversation's messages (nested and flat wire shapes both land here)."""

    last_message_id: str | None = None
    next_page: bool = False
    messages: list[Message] = attrs.field(factory=list)


@attrs.frozen(kw_only=True, slots=False)
class Email(WireModel):
    """An email message as ``emails.get`` returns it (``from_`` is the wire ``from``)."""

    id: str
    alt_id: str | None = None
    thread_id: str | None = None
    location_id: str | None = None
    contact_id: str | None = None
    conversation_id: str | None = None
    date_added: _dt.datetime | None = None
    subject: str | None = None
    body: str | None = None
    direction: Direction | None = None
    status: MessageStatus | None = None
    content_type: str | None = None
    attachments: list[str] | None = None
    provider: str | None = None
    from_: str | None = wire("from")
    to: list[str] | None = None
    cc: list[str] | None = None
    bcc: list[str] | None = None
    reply_to_message_id: str | None = None
    source: MessageSource | None = None
    conversation_provider_id: str | None = None


@attrs.frozen(kw_only=True, slots=False)
class SendMessageResult(WireModel):
    """What sending (or replying, or a status update) returns: the ids created."""

    conversation_id: str | None = None
    message_id: str | None = None
    email_message_id: str | None = None
    message_ids: list[str] | None = None
    msg: str | None = None
    forward_data: Any = None
    status: MessageStatus | None = None


@attrs.frozen(kw_only=True, slots=False)
class ProcessMessageResult(WireModel):
    """Result of adding an inbound message or an outbound call."""

    success: bool | None = None
    conversation_id: str | None = None
    message_id: str | None = None
    message: str | None = None
    contact_id: str | None = None
    date_added: _dt.datetime | None = None
    email_message_id: str | None = None


@attrs.frozen(kw_only=True, slots=False)
class CancelScheduledResult(WireModel):
    """Result of cancelling a scheduled message or email."""

    status: int | None = None
    message: str | None = None


@attrs.frozen(kw_only=True, slots=False)
class UploadResult(WireModel):
    """``uploaded_files`` maps each file name to its hosted URL."""

    uploaded_files: dict[str, Any] = attrs.field(factory=dict)
    twilio_media_sids: list[str] | None = None


@attrs.frozen(kw_only=True, slots=False)
class InitiateUploadResult(WireModel):
    """A reserved signed-URL upload slot (``upload_url`` valid 15 minutes)."""

    upload_url: str | None = None
    upload_id: str | None = None
    file_path: str | None = None
    expires_at: int | None = None
    max_file_size: int | None = None


@attrs.frozen(kw_only=True, slots=False)
class CompleteUploadResult(WireModel):
    """A finished signed-URL upload: the hosted files and their metadata."""

    uploaded_files: dict[str, Any] = attrs.field(factory=dict)
    metadata: dict[str, Any] = attrs.field(factory=dict)


@attrs.frozen(kw_only=True, slots=False)
class TranscriptionSentence(WireModel):
    """One sentence of a call's transcription, with its timing and confidence."""

    media_channel: int | None = None
    sentence_index: int | None = None
    start_time: float | None = None
    end_time: float | None = None
    transcript: str | None = None
    confidence: float | None = None


# --- conversations --------------------------------------------------------------------------


@attrs.frozen(kw_only=True, slots=False)
class Conversation(WireModel):
    """A conversation as search, get, create and update return it (each shows a subset)."""

    id: str
    contact_id: str | None = None
    location_id: str | None = None
    last_message_body: str | None = None
    last_message_type: MessageType | None = None
    last_message_date: _dt.datetime | None = None
    last_message_direction: Direction | None = None
    type: Any = None
    unread_count: int | None = None
    full_name: str | None = None
    contact_name: str | None = None
    email: str | None = None
    phone: str | None = None
    assigned_to: str | None = None
    user_id: str | None = None
    inbox: bool | None = None
    starred: bool | None = None
    deleted: bool | None = None
    date_added: _dt.datetime | None = None
    date_updated: _dt.datetime | None = None
    sort: list[Any] | None = None


@attrs.frozen(kw_only=True, slots=False)
class ConversationSearchPage(WireModel):
    """One page of ``conversations.search``; ``total`` counts every match."""

    conversations: list[Conversation] = attrs.field(factory=list)
    total: int | None = None


@attrs.frozen(kw_only=True, slots=False)
class ConversationResult(WireModel):
    """``{success, conversation}`` as create and update return it."""

    success: bool | None = None
    conversation: Conversation | None = None


@attrs.frozen(kw_only=True, slots=False)
class SuccessResult(WireModel):
    """``{success: bool}``, as several operations answer."""

    success: bool | None = None


# --- request objects (accepted as these models or as plain dicts) ---------------------------


@attrs.frozen(kw_only=True, slots=False)
class SubscriptionAction(WireModel):
    """``subscription_action`` of a user subscription change (snake_case on the wire too)."""

    type: str = wire("type", "default")
    subtype_status: str = wire("subtype_status", "unsubscribed")
    subtype_name: str | None = wire("subtype_name")
    subtype_id: str | None = wire("subtype_id")


@attrs.frozen(kw_only=True, slots=False)
class ForwardConfig(WireModel):
    """``forward`` of ``messages.send``: forward an existing message or thread."""

    is_forwarded: bool = True
    forward_whole_thread: bool | None = None
    message_id: str | None = None
    email_message_id: str | None = None
    source_contact_id: str | None = None
    source_conversation_id: str | None = None
    to_email: str | None = None
    recipient_contact_id: str | None = None
    recipient_conversation_id: str | None = None


@attrs.frozen(kw_only=True, slots=False)
class CallData(WireModel):
    """``call`` of an inbound/outbound call record (``from_`` is the wire ``from``)."""

    to: str | None = None
    from_: str | None = wire("from")
    status: str | None = None


@attrs.frozen(kw_only=True, slots=False)
class MessageError(WireModel):
    """``error`` of a failed delivery reported by a custom provider."""

    code: str
    type: str
    message: str
