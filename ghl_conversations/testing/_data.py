"""A seeded, lazily generated dataset for the fake server: millions of messages in a few bytes.

Message ``i`` of a location is computed from ``(seed, i)`` when asked for, never stored, so a fake
with 1,000,000 messages starts instantly and uses no memory for them. Dates rise with ``i`` (pairs
of messages share a timestamp, on purpose: exports must handle ties), message ``i`` belongs to
conversation ``i % conversations``, and channel, direction, status and body vary by a hash of ``i``.
A generated message's ``dateUpdated`` is its ``dateAdded`` plus ``UPDATED_AFTER_MS`` until it is
edited. Messages created through the API (send, inbound...) live in a small list beside the
generated ones; edits of generated messages are kept as overrides (and, when they move its
``dateUpdated``, in a small sorted list the ``updatedAt`` order merges in).
"""

from __future__ import annotations

import bisect
import datetime as _dt
import hashlib
from typing import Any

import attrs

__all__ = ["CHANNEL_TYPES", "UPDATED_AFTER_MS", "Dataset", "format_ms"]

_WORDS = [
    "hello",
    "thanks",
    "appointment",
    "tomorrow",
    "confirm",
    "price",
    "quote",
    "invoice",
    "please",
    "call",
    "back",
    "booked",
    "great",
    "order",
    "shipped",
    "question",
    "available",
    "friday",
    "monday",
    "review",
    "follow",
    "up",
    "reschedule",
]

#: (messageType, numeric type, export channel) by share of the generated traffic.
_KINDS: list[tuple[str, int, str | None, int]] = [
    ("TYPE_SMS", 2, "SMS", 40),
    ("TYPE_EMAIL", 3, "Email", 18),
    ("TYPE_CALL", 1, "Call", 14),
    ("TYPE_WHATSAPP", 19, "WhatsApp", 10),
    ("TYPE_INSTAGRAM", 18, "Instagram", 5),
    ("TYPE_FACEBOOK", 11, "Facebook", 5),
    ("TYPE_LIVE_CHAT", 29, None, 4),
    ("TYPE_ACTIVITY_APPOINTMENT", 31, None, 2),
    ("TYPE_CUSTOM_CALL", 34, "Call", 2),
]
_KIND_TABLE: list[int] = [k for k, (*_, weight) in enumerate(_KINDS) for _ in range(weight)]
#: A message type HighLevel may add one day: the SDK must keep it, not crash on it.
FUTURE_KIND = ("TYPE_HOLOGRAM", 97, None)

CHANNEL_TYPES: dict[str, frozenset[str]] = {}
for _message_type, _number, _channel, _weight in _KINDS:
    if _channel:
        CHANNEL_TYPES[_channel] = CHANNEL_TYPES.get(_channel, frozenset()) | {_message_type}

#: A generated message's ``dateUpdated`` is its ``dateAdded`` plus this (until it is edited).
UPDATED_AFTER_MS = 5_000

_STATUSES = ("delivered", "read", "delivered", "sent", "failed", "pending")


def _body(h: int) -> str:
    return " ".join(_WORDS[(h >> (4 * k)) % len(_WORDS)] for k in range(3 + h % 9)).capitalize()


#: Message texts, precomputed: building one per message would dominate the fake's export time.
_BODIES = tuple(_body(_mix_seed) for _mix_seed in range(0, 4096 * 7919, 7919))
_EPOCH = _dt.datetime(1970, 1, 1, tzinfo=_dt.UTC)


_DAY_MS = 86_400_000
_DAY_PREFIXES: dict[int, str] = {}


def format_ms(ms: int) -> str:
    """Epoch milliseconds as HighLevel writes dates: ``2024-05-01T12:30:00.000Z``.

    Hot in the fake's export path (two dates a message), hence the cached day prefix.
    """
    day, in_day = divmod(ms, _DAY_MS)
    prefix = _DAY_PREFIXES.get(day)
    if prefix is None:
        prefix = (_EPOCH + _dt.timedelta(days=day)).strftime("%Y-%m-%dT")
        if len(_DAY_PREFIXES) < 100_000:
            _DAY_PREFIXES[day] = prefix
    seconds, millis = divmod(in_day, 1000)
    minutes, second = divmod(seconds, 60)
    hour, minute = divmod(minutes, 60)
    return f"{prefix}{hour:02d}:{minute:02d}:{second:02d}.{millis:03d}Z"


def _mix(value: int) -> int:
    """splitmix64: a cheap, well-spread hash of an integer."""
    value = (value + 0x9E3779B97F4A7C15) & 0xFFFFFFFFFFFFFFFF
    value = ((value ^ (value >> 30)) * 0xBF58476D1CE4E5B9) & 0xFFFFFFFFFFFFFFFF
    value = ((value ^ (value >> 27)) * 0x94D049BB133111EB) & 0xFFFFFFFFFFFFFFFF
    return value ^ (value >> 31)


@attrs.define
class Dataset:
    """The messages and conversations of one location."""

    location_id: str
    seed: int
    count: int
    conversations: int
    start_ms: int
    step_ms: int = 30_000
    future_values: bool = True
    tag: str = ""
    added: list[dict[str, Any]] = attrs.field(factory=list)
    added_keys: list[tuple[int, int]] = attrs.field(factory=list)
    added_updated_ms: dict[str, int] = attrs.field(factory=dict)
    overrides: dict[str, dict[str, Any]] = attrs.field(factory=dict)
    #: Generated messages whose ``dateUpdated`` was edited: index -> new date, and sorted keys.
    edited: dict[int, int] = attrs.field(factory=dict)
    edited_keys: list[tuple[int, int]] = attrs.field(factory=list)
    extra_conversations: dict[str, dict[str, Any]] = attrs.field(factory=dict)
    conversation_state: dict[str, dict[str, Any]] = attrs.field(factory=dict)
    deleted_conversations: set[str] = attrs.field(factory=set)

    def __attrs_post_init__(self) -> None:
        digest = hashlib.sha1(f"{self.seed}:{self.location_id}".encode()).hexdigest()
        self.tag = digest[:7]
        self.conversations = max(1, self.conversations)

    # -- ids -------------------------------------------------------------------------------

    def message_id(self, index: int) -> str:
        """The id of the message at ``index`` (ids encode their index: lookups need no table)."""
        return f"{self.tag}m{index:012d}"

    def conversation_id(self, conv: int) -> str:
        """The id of conversation number ``conv``."""
        return f"{self.tag}c{conv:012d}"

    def contact_id(self, conv: int) -> str:
        """The id of the contact of conversation number ``conv``."""
        return f"{self.tag}k{conv:012d}"

    def email_id(self, index: int) -> str:
        """The id of the email record of the message at ``index``."""
        return f"{self.tag}e{index:012d}"

    def _decode(self, value: str, letter: str) -> int | None:
        if len(value) != 20 or not value.startswith(self.tag + letter):
            return None
        digits = value[8:]
        return int(digits) if digits.isdigit() else None

    def message_index(self, message_id: str) -> int | None:
        """The index a generated message id encodes, or None for an id of another dataset."""
        index = self._decode(message_id, "m")
        return index if index is not None and index < self.count else None

    def conversation_index(self, conversation_id: str) -> int | None:
        """The number a generated conversation id encodes, or None."""
        conv = self._decode(conversation_id, "c")
        return conv if conv is not None and conv < self.conversations else None

    def contact_index(self, contact_id: str) -> int | None:
        """The conversation number a generated contact id encodes, or None."""
        conv = self._decode(contact_id, "k")
        return conv if conv is not None and conv < self.conversations else None

    def email_index(self, email_id: str) -> int | None:
        """The index a generated email id encodes, or None."""
        index = self._decode(email_id, "e")
        return index if index is not None and index < self.count else None

    # -- generated messages ----------------------------------------------------------------

    def date_ms(self, index: int) -> int:
        """When the message at ``index`` was added (epoch ms); two messages share each date, so
        exports meet ties at page boundaries."""
        return self.start_ms + (index // 2) * self.step_ms

    @property
    def end_ms(self) -> int:
        """When the newest generated message was added (epoch ms)."""
        return self.date_ms(max(0, self.count - 1))

    def _hash(self, index: int) -> int:
        return _mix(self.seed * 1_000_003 + index)

    def kind(self, index: int, h: int | None = None) -> tuple[str, int, str | None]:
        """(messageType, numeric type, export channel) of message ``index`` (``h``: its hash)."""
        if h is None:
            h = self._hash(index)
        if self.future_values and h % 97 == 0:
            return FUTURE_KIND
        message_type, number, channel, _ = _KINDS[_KIND_TABLE[(h >> 8) % len(_KIND_TABLE)]]
        return message_type, number, channel

    def generate(self, index: int) -> dict[str, Any]:
        """The message at ``index`` as HighLevel's wire dict, the same every time for a seed."""
        h = self._hash(index)
        message_type, number, _channel = self.kind(index, h)
        conv = index % self.conversations
        ms = self.date_ms(index)
        message: dict[str, Any] = {
            "id": self.message_id(index),
            "type": number,
            "messageType": message_type,
            "locationId": self.location_id,
            "contactId": self.contact_id(conv),
            "conversationId": self.conversation_id(conv),
            "dateAdded": format_ms(ms),
            "dateUpdated": format_ms(ms + UPDATED_AFTER_MS),
            "body": _BODIES[(h >> 20) % len(_BODIES)],
            "direction": "inbound" if h & 1 else "outbound",
            "status": _STATUSES[(h >> 3) % len(_STATUSES)],
            "contentType": "text/plain",
            "source": "app" if h & 2 else "api",
        }
        if message_type in ("TYPE_CALL", "TYPE_CUSTOM_CALL"):
            duration = (h >> 12) % 900
            message["meta"] = {
                "callDuration": duration,
                "callStatus": "completed",
                "call": {"duration": duration, "status": "completed"},
            }
            message["body"] = ""
        elif message_type == "TYPE_EMAIL":
            message["meta"] = {"email": {"messageIds": [self.email_id(index)]}}
            message["contentType"] = "text/html"
        elif message_type == "TYPE_INSTAGRAM":
            message["meta"] = {"ig": {"mid": f"ig{h % 1_000_000}"}}
        if h % 5 == 0:
            message["attachments"] = [f"https://files.example.test/{self.tag}/{index}.png"]
        if h % 11 == 0:
            message["altId"] = f"alt-{index}"
        if message_type == FUTURE_KIND[0]:
            message["hologramDepth"] = h % 7
            message["status"] = "teleported"
        override = self.overrides.get(message["id"])
        if override:
            message.update(override)
        return message

    def email(self, index: int) -> dict[str, Any]:
        """The email record (get-email-by-id) of the message at ``index``."""
        message = self.generate(index)
        return {
            "id": self.email_id(index),
            "threadId": f"{self.tag}t{index:012d}",
            "locationId": self.location_id,
            "contactId": message["contactId"],
            "conversationId": message["conversationId"],
            "dateAdded": message["dateAdded"],
            "subject": "Re: " + message["body"][:30],
            "body": f"<p>{message['body']}</p>",
            "direction": message["direction"],
            "status": "delivered",
            "contentType": "text/html",
            "provider": "Leadconnector Gmail",
            "from": f"agent@{self.tag}.example.test",
            "to": [f"contact{index % self.conversations}@example.test"],
            "source": "app",
        }

    # -- ordering and filtering ----------------------------------------------------------

    def first_index_at_or_after(self, ms: int) -> int:
        """Smallest index whose date is >= ms (count if none)."""
        if ms <= self.start_ms:
            return 0
        pairs = -(-(ms - self.start_ms) // self.step_ms)
        return min(self.count, pairs * 2)

    def last_index_at_or_before(self, ms: int) -> int:
        """Largest index whose date is <= ms (-1 if none)."""
        if ms < self.start_ms:
            return -1
        pairs = (ms - self.start_ms) // self.step_ms
        return min(self.count - 1, pairs * 2 + 1)

    def add(self, message: dict[str, Any], ms: int, updated_ms: int) -> None:
        """Store a message created through the API (or ``add_message``), dated ``ms``."""
        key = (ms, self.count + len(self.added))
        position = bisect.bisect(self.added_keys, key)
        self.added_keys.insert(position, key)
        self.added.insert(position, message)
        self.added_updated_ms[message["id"]] = updated_ms

    def find_added(self, message_id: str) -> dict[str, Any] | None:
        """A message created through the API, by id (None if there is none)."""
        for message in self.added:
            if message["id"] == message_id:
                return message
        return None

    def get_message(self, message_id: str) -> dict[str, Any] | None:
        """Any message of this location, generated or added, as the API shows it."""
        index = self.message_index(message_id)
        if index is not None:
            return self.generate(index)
        return self.find_added(message_id)

    def edit(self, message_id: str, changes: dict[str, Any], updated_ms: int | None) -> bool:
        """Apply ``changes`` to a message (``updated_ms``: its new ``dateUpdated``, if it moves).

        Returns False when this location has no such message.
        """
        index = self.message_index(message_id)
        if index is not None:
            self.overrides.setdefault(message_id, {}).update(changes)
            if updated_ms is not None:
                old = self.edited.get(index)
                if old is not None:
                    self.edited_keys.remove((old, index))
                self.edited[index] = updated_ms
                bisect.insort(self.edited_keys, (updated_ms, index))
            return True
        stored = self.find_added(message_id)
        if stored is None:
            return False
        stored.update(changes)
        if updated_ms is not None:
            self.added_updated_ms[message_id] = updated_ms
        return True
