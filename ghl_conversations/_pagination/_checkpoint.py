"""The export checkpoint: its JSON format, complete validation on ``resume=``, serialisation.

A checkpoint is the export's filters, its date windows (each with the position reached and
whether it is done) and how many messages were handed over. A checkpoint that is malformed, or
whose windows do not tile the export's range exactly (a gap or an overlap would lose or repeat
messages), is refused with a ``ValueError`` naming what is wrong: resuming from it could not be
exact.
"""

from __future__ import annotations

import datetime as _dt
import itertools
from typing import Any

import attrs
import orjson

from .._dates import parse_wire_datetime
from .._operations import EXPORT_SORT_BY, SORT_ORDERS
from ._generated_filters import ExportFilterFields
from ._ordering import Position, Window, exclusive_end

__all__ = [
    "CHECKPOINT_VERSION",
    "ExportFilters",
    "dump_checkpoint",
    "initial_windows",
    "load_checkpoint",
]

CHECKPOINT_VERSION = 1


@attrs.frozen
class ExportFilters(ExportFilterFields):
    """What an export selects and how it is sorted (part of its checkpoint).

    Its fields are the export row's filters, generated from the endpoint table.
    """

    def to_json(self) -> dict[str, Any]:
        """The filters as JSON values (dates in ISO 8601)."""
        data = attrs.asdict(self)
        for key in ("start_date", "end_date"):
            if data[key] is not None:
                data[key] = _iso(data[key])
        return data

    @classmethod
    def from_json(cls, data: Any) -> ExportFilters:
        """Filters from :meth:`to_json`'s output; ``ValueError`` names a malformed field."""
        if not isinstance(data, dict):
            raise _bad("filters", "must be an object", data)
        names = [f.name for f in attrs.fields(cls)]
        unknown = sorted(set(data) - set(names))
        if unknown:
            raise _bad("filters", f"has unknown fields {unknown}", data)
        missing = sorted(set(names) - set(data))
        if missing:
            raise _bad("filters", f"lacks {missing}", data)
        values = dict(data)
        _require_str(values["location_id"], "filters.location_id", optional=False)
        for key in ("channel", "conversation_id", "contact_id"):
            _require_str(values[key], f"filters.{key}", optional=True)
        for key in ("start_date", "end_date"):
            values[key] = _date(values[key], f"filters.{key}")
        if values["sort_by"] not in EXPORT_SORT_BY:
            raise _bad(
                "filters.sort_by", f"must be one of {list(EXPORT_SORT_BY)}", values["sort_by"]
            )
        if values["sort_order"] not in SORT_ORDERS:
            raise _bad(
                "filters.sort_order", f"must be one of {list(SORT_ORDERS)}", values["sort_order"]
            )
        _require_count(values["limit"], "filters.limit")
        return cls(**values)

    @property
    def descending(self) -> bool:
        """Whether the export runs newest first."""
        return self.sort_order == "desc"


def initial_windows(filters: ExportFilters) -> list[Window]:
    """The one window of an export not split into parallel windows.

    Sorted by ``createdAt`` it is the caller's date range (``end_date`` inclusive), enforced here
    as well as on the wire. Sorted by ``updatedAt`` it is unbounded: HighLevel may filter
    ``startDate``/``endDate`` on ``dateAdded`` whatever the sort (UNCONFIRMED), so the dates go to
    the server as given and are not re-checked against ``dateUpdated``.
    """
    if filters.sort_by == "updatedAt":
        return [Window(None, None)]
    return [Window(filters.start_date, exclusive_end(filters.end_date))]


def dump_checkpoint(
    filters: ExportFilters, windows: list[Window], total: int | None
) -> dict[str, Any]:
    """The JSON checkpoint for ``windows`` (pass it back as ``resume=``)."""
    return {
        "kind": "export",
        "version": CHECKPOINT_VERSION,
        "filters": filters.to_json(),
        "windows": [_window_json(w) for w in windows],
        "total": total,
        "yielded": sum(w.yielded for w in windows),
    }


def load_checkpoint(
    resume: dict[str, Any] | str | bytes, filters: ExportFilters
) -> tuple[list[Window], int | None]:
    """Validate a checkpoint completely against the export's ``filters``; its windows and total."""
    if isinstance(resume, (str, bytes)):
        try:
            data = orjson.loads(resume)
        except orjson.JSONDecodeError as exc:
            raise ValueError(f"resume= checkpoint is not JSON: {exc}") from None
    else:
        data = resume
    if not isinstance(data, dict) or data.get("kind") != "export":
        raise ValueError("resume= takes the value of an export's .checkpoint")
    if data.get("version") != CHECKPOINT_VERSION:
        raise ValueError(f"unsupported checkpoint version {data.get('version')!r}")
    known = {"kind", "version", "filters", "windows", "total", "yielded"}
    unknown = sorted(set(data) - known)
    if unknown:
        raise _bad("checkpoint", f"has unknown fields {unknown}", data)
    missing = sorted(known - set(data))
    if missing:
        raise _bad("checkpoint", f"lacks {missing}", data)
    saved = ExportFilters.from_json(data["filters"])
    if attrs.evolve(saved, limit=filters.limit) != filters:
        raise ValueError(
            "resume= checkpoint was made with other filters: "
            f"{saved.to_json()} != {filters.to_json()}"
        )
    raw_windows = data["windows"]
    if not isinstance(raw_windows, list) or not raw_windows:
        raise _bad("windows", "must be a non-empty list", raw_windows)
    windows = [_window_from_json(w, f"windows[{i}]") for i, w in enumerate(raw_windows)]
    _check_tiling(windows, filters)
    total = data["total"]
    if total is not None:
        _require_count(total, "total")
    yielded = data["yielded"]
    _require_count(yielded, "yielded")
    if yielded != sum(w.yielded for w in windows):
        raise _bad("yielded", "differs from the sum of the windows' yielded", yielded)
    return windows, total


# -- validation ----------------------------------------------------------------------------


def _bad(where: str, problem: str, value: Any) -> ValueError:
    shown = repr(value)
    if len(shown) > 200:
        shown = shown[:200] + "..."
    return ValueError(f"resume= checkpoint: {where} {problem} (got {shown})")


def _require_str(value: Any, where: str, *, optional: bool) -> None:
    if value is None and optional:
        return
    if not isinstance(value, str) or not value:
        raise _bad(where, "must be a non-empty string" + (" or null" if optional else ""), value)


def _require_count(value: Any, where: str) -> None:
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise _bad(where, "must be a non-negative integer", value)


def _date(value: Any, where: str) -> _dt.datetime | None:
    if value is None:
        return None
    if not isinstance(value, str):
        raise _bad(where, "must be an ISO 8601 date string or null", value)
    try:
        return parse_wire_datetime(value)
    except ValueError:
        raise _bad(where, "is not an ISO 8601 date", value) from None


def _iso(value: _dt.datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def _window_json(window: Window) -> dict[str, Any]:
    return {
        "start": _iso(window.start),
        "end": _iso(window.end),
        "last_value": _iso(window.position.value),
        "ids_at_last_value": sorted(window.position.ids),
        "done": window.done,
        "yielded": window.yielded,
    }


_WINDOW_FIELDS = {"start", "end", "last_value", "ids_at_last_value", "done", "yielded"}


def _window_from_json(data: Any, where: str) -> Window:
    if not isinstance(data, dict):
        raise _bad(where, "must be an object", data)
    unknown = sorted(set(data) - _WINDOW_FIELDS)
    if unknown:
        raise _bad(where, f"has unknown fields {unknown}", data)
    missing = sorted(_WINDOW_FIELDS - set(data))
    if missing:
        raise _bad(where, f"lacks {missing}", data)
    start = _date(data["start"], f"{where}.start")
    end = _date(data["end"], f"{where}.end")
    if start is not None and end is not None and not start < end:
        raise _bad(where, "has start not before end", data)
    value = _date(data["last_value"], f"{where}.last_value")
    ids = data["ids_at_last_value"]
    if not isinstance(ids, list) or not all(isinstance(i, str) and i for i in ids):
        raise _bad(f"{where}.ids_at_last_value", "must be a list of ids", ids)
    if (value is None) != (not ids):
        raise _bad(where, "must name the ids at last_value exactly when last_value is set", data)
    done = data["done"]
    if not isinstance(done, bool):
        raise _bad(f"{where}.done", "must be true or false", done)
    _require_count(data["yielded"], f"{where}.yielded")
    window = Window(start, end, Position(value, set(ids)), done, data["yielded"])
    if value is not None and not window.contains(value):
        raise _bad(where, "has its position outside the window", data)
    return window


def _check_tiling(windows: list[Window], filters: ExportFilters) -> None:
    """The windows, in the export's order, must cover its range exactly once."""
    expected = initial_windows(filters)[0]
    ascending = windows if not filters.descending else list(reversed(windows))
    if ascending[0].start != expected.start:
        raise _bad(
            "windows",
            f"do not start where the export does ({_iso(expected.start)}); "
            f"listed in {filters.sort_order} order",
            _iso(ascending[0].start),
        )
    if ascending[-1].end != expected.end:
        raise _bad(
            "windows",
            f"do not end where the export does ({_iso(expected.end)}); "
            f"listed in {filters.sort_order} order",
            _iso(ascending[-1].end),
        )
    for before, after in itertools.pairwise(ascending):
        if before.end is None or after.start is None or before.end != after.start:
            raise _bad(
                "windows",
                "leave a gap or an overlap (each window must start where the previous one "
                f"ends, in {filters.sort_order} order)",
                [_iso(before.end), _iso(after.start)],
            )
