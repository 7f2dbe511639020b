"""Where an export stands: sort values of wire messages, positions, date windows.

The export is sorted by ``dateAdded`` (``sortBy=createdAt``) or ``dateUpdated``
(``sortBy=updatedAt``; a message without one sorts by its ``dateAdded``), ascending or descending.
A :class:`Position` is the sort value of the last message passed plus the ids passed at exactly
that value, so ties at a boundary are neither lost nor repeated. A :class:`Window` is a half-open
range ``[start, end)`` of sort values (None: unbounded) with the caller's position in it.

Everything works on the wire dicts (raw mode builds no models); only the messages at the edges of
a page are parsed unless a boundary falls inside the page.
"""

from __future__ import annotations

import datetime as _dt
from typing import Any

import attrs

from .._dates import parse_wire_datetime
from ._wire_page import invalid_page

__all__ = ["ONE_MS", "Ordering", "Position", "Window", "exclusive_end"]

ONE_MS = _dt.timedelta(milliseconds=1)
Wire = dict[str, Any]


def exclusive_end(end: _dt.datetime | None) -> _dt.datetime | None:
    """A caller's ``end_date`` is inclusive; windows are half-open."""
    return end + ONE_MS if end is not None else None


@attrs.define
class Position:
    """The last sort value passed and the ids passed at exactly that value."""

    value: _dt.datetime | None = None
    ids: set[str] = attrs.field(factory=set)

    def copy(self) -> Position:
        """An independent copy (readers run ahead of what the caller has taken)."""
        return Position(self.value, set(self.ids))


@attrs.define
class Window:
    """A half-open range of sort values [start, end) (None: unbounded) and the position in it."""

    start: _dt.datetime | None
    end: _dt.datetime | None
    position: Position = attrs.field(factory=Position)
    done: bool = False
    yielded: int = 0

    def contains(self, value: _dt.datetime) -> bool:
        """Whether a sort value falls inside the window."""
        if self.start is not None and value < self.start:
            return False
        return not (self.end is not None and value >= self.end)

    def copy(self) -> Window:
        """An independent copy (a checkpoint folds a partly taken page into a copy)."""
        return Window(self.start, self.end, self.position.copy(), self.done, self.yielded)


class Ordering:
    """The export's sort: which date of a wire message it uses and in which direction."""

    def __init__(self, sort_by: str, descending: bool) -> None:
        self.sort_by = sort_by
        self.descending = descending
        self.field = "dateUpdated" if sort_by == "updatedAt" else "dateAdded"

    def value(self, message: Wire) -> _dt.datetime:
        """The message's sort value; a message without a readable one is a server fault."""
        raw = message.get(self.field)
        if raw is None and self.field == "dateUpdated":
            raw = message.get("dateAdded")
        if raw is None:
            raise invalid_page(f"an export message has no {self.field}", message)
        try:
            return parse_wire_datetime(raw)
        except (ValueError, TypeError, OverflowError):
            raise invalid_page(f"an export message's {self.field} is not a date", message) from None

    @staticmethod
    def message_id(message: Wire) -> str:
        """The message's id; a message without one is a server fault."""
        identifier = message.get("id")
        if identifier.__class__ is not str or not identifier:
            raise invalid_page("an export message has no id", message)
        return identifier

    def before(self, a: _dt.datetime, b: _dt.datetime) -> bool:
        """Whether sort value ``a`` comes strictly before ``b`` in this order."""
        return a > b if self.descending else a < b

    def passed(self, position: Position, value: _dt.datetime, message: Wire) -> bool:
        """Whether a message is at or before ``position`` (already passed)."""
        if position.value is None:
            return False
        if value == position.value:
            return self.message_id(message) in position.ids
        return self.before(value, position.value)

    def fresh(self, window: Window, position: Position, messages: list[Wire]) -> list[Wire]:
        """The messages inside the window and past the position (a page is sorted, so checking
        its two ends suffices unless a boundary falls inside it)."""
        if not messages:
            return messages
        first = self.value(messages[0])
        last = self.value(messages[-1])
        past = position.value is None or self.before(position.value, first)
        if past and window.contains(first) and window.contains(last):
            return messages
        return [
            message
            for message in messages
            if window.contains(value := self.value(message))
            and not self.passed(position, value, message)
        ]

    def advance(self, position: Position, messages: list[Wire]) -> None:
        """Move ``position`` past ``messages`` (in sort order); only the tail's ties matter."""
        if not messages:
            return
        last_value = self.value(messages[-1])
        ties: set[str] = set()
        for message in reversed(messages):
            if self.value(message) != last_value:
                break
            ties.add(self.message_id(message))
        else:  # the whole run shares one value: it may continue a tie from earlier pages
            if position.value == last_value:
                ties |= position.ids
        position.value = last_value
        position.ids = ties

    def moves(self, scan: Position, messages: list[Wire]) -> bool:
        """Whether a page reaches past ``scan`` (the last page read on the same cursor)."""
        if not messages:
            return False
        if not self.passed(scan, self.value(messages[-1]), messages[-1]):
            return True
        return any(not self.passed(scan, self.value(m), m) for m in messages)
