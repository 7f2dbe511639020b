"""Dates in one place: wire dates (ISO 8601 or epoch milliseconds in, aware UTC ``datetime`` out)
and HTTP dates (``Retry-After``). Nothing here reads a clock: callers pass the time they mean."""

from __future__ import annotations

import datetime as _dt

UTC = _dt.UTC
_EPOCH = _dt.datetime(1970, 1, 1, tzinfo=UTC)


def parse_wire_datetime(value: object) -> _dt.datetime:
    """Parse what HighLevel sends for a date: ISO 8601 (``Z`` or offset) or epoch milliseconds."""
    if value.__class__ is str:
        try:
            parsed = _dt.datetime.fromisoformat(value)
            if parsed.tzinfo is not None:
                return parsed
        except ValueError:
            pass
    if isinstance(value, _dt.datetime):
        return value if value.tzinfo else value.replace(tzinfo=UTC)
    if isinstance(value, str):
        try:
            parsed = _dt.datetime.fromisoformat(value)
        except ValueError:
            if value.isdigit():
                return _EPOCH + _dt.timedelta(milliseconds=int(value))
            if value.endswith(("Z", "z")):
                parsed = _dt.datetime.fromisoformat(value[:-1] + "+00:00")
            else:
                raise
        return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return _EPOCH + _dt.timedelta(milliseconds=value)
    raise ValueError(f"not a date: {value!r}")


def format_wire_datetime(value: _dt.datetime) -> str:
    """HighLevel's own style: ``2024-05-01T12:30:00.000Z`` (UTC, milliseconds)."""
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    value = value.astimezone(UTC)
    return value.strftime("%Y-%m-%dT%H:%M:%S.") + f"{value.microsecond // 1000:03d}Z"


def to_epoch_ms(value: _dt.datetime | int | float) -> int:
    """Epoch milliseconds, the form search's ``startAfterDate``/``startDate`` take."""
    if isinstance(value, _dt.datetime):
        if value.tzinfo is None:
            value = value.replace(tzinfo=UTC)
        return int((value - _EPOCH) / _dt.timedelta(milliseconds=1))
    return int(value)


def parse_http_date(value: str) -> float | None:
    """Epoch seconds from an HTTP date (``Wed, 21 Oct 2015 07:28:00 GMT``, RFC 9110), or None
    for anything else. A date without a zone is taken as UTC, as HTTP dates always are."""
    from email.utils import parsedate_to_datetime

    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return when.timestamp()
