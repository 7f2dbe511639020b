"""Request encoding and response decoding of a row.

``build`` turns checked arguments into a ``WireCall`` (ids percent-encoded into their one path
segment, dates in the row's style, models as their wire dicts). ``parse`` turns a 2xx response into
the result the row promises; a body that is not a valid answer (empty, not JSON, the wrong shape,
an unparsable field) raises ``APIResponseValidationError``. ``parse`` runs inside the pipeline's
attempt loop, so a read retries such an answer and a write raises it.
"""

from __future__ import annotations

import datetime as _dt
import enum
import re
import urllib.parse
from collections.abc import Callable, Mapping
from typing import Any

import attrs
import orjson

from .._dates import format_wire_datetime, to_epoch_ms
from .._errors import APIResponseValidationError
from .._models import check_shape, gc_paused, response_excerpt, structure_checked, unstructure
from .._pipeline import WireCall
from .._transport import FormPart, Response
from ._checks import checker
from ._row import DateStyle, Endpoint, ResultKind

__all__ = ["build", "decoder", "parser"]

_PLAIN_SEGMENT = re.compile(r"[A-Za-z0-9_\-]+").fullmatch
_LARGE_BODY = 32_768


def _segment(value: Any) -> str:
    text = value if value.__class__ is str else str(value)
    return text if _PLAIN_SEGMENT(text) else urllib.parse.quote(text, safe="")


@attrs.frozen
class _Plan:
    """What ``build`` needs of a row, worked out once: its arguments grouped by place."""

    check: Callable[[Mapping[str, Any]], None]
    path: tuple[str, ...]
    query: tuple[tuple[str, str], ...]
    body: tuple[tuple[str, str], ...]
    form: tuple[tuple[str, str], ...]
    has_body: bool
    has_form: bool
    accept: str


def _make_plan(row: Endpoint[Any]) -> _Plan:
    def named(place: str) -> tuple[tuple[str, str], ...]:
        return tuple((a.name, a.wire) for a in row.args if a.place == place)

    return _Plan(
        check=checker(row),
        path=tuple(a.name for a in row.args if a.place == "path"),
        query=named("query"),
        body=named("body"),
        form=named("form"),
        has_body=bool(row.fixed) or any(a.place == "body" for a in row.args),
        has_form=any(a.place in ("form", "files") for a in row.args),
        accept="*/*"
        if row.result.kind in (ResultKind.BYTES, ResultKind.TEXT)
        else "application/json",
    )


_PLANS: dict[str, _Plan] = {}


def build(
    row: Endpoint[Any],
    values: Mapping[str, Any],
    *,
    location_id: str | None = None,
    files: list[FormPart] | None = None,
) -> WireCall:
    """Check ``values`` and turn them into a ``WireCall``; None arguments are omitted."""
    plan = _PLANS.get(row.operation_id)
    if plan is None:
        plan = _PLANS[row.operation_id] = _make_plan(row)
    plan.check(values)
    url_path = row.path_template
    if plan.path:
        url_path = url_path.format_map({name: _segment(values[name]) for name in plan.path})
    dates = row.dates
    params = tuple(
        (wire, _query_value(value, dates))
        for name, wire in plan.query
        if (value := values.get(name)) is not None
    )
    content = None
    if plan.has_body:
        json_body = dict(row.fixed)
        for name, wire in plan.body:
            value = values.get(name)
            if value is not None:
                json_body[wire] = _json_value(value, dates)
        content = orjson.dumps(json_body)
    form: list[FormPart] | None = None
    if plan.has_form:
        form = [
            FormPart(wire, value=_query_value(item, dates))
            for name, wire in plan.form
            if (value := values.get(name)) is not None
            for item in (value if isinstance(value, (list, tuple)) else [value])
        ] + (files or [])
    location = location_id
    if location is None and row.location_arg is not None:
        location = values.get(row.location_arg)
    return WireCall(
        operation_id=row.operation_id,
        method=row.method,
        path=url_path,
        params=params,
        content=content,
        content_type="application/json" if plan.has_body else None,
        form=form,
        idempotent=row.retry_safe,
        location_id=location,
        accept=plan.accept,
        retry_when=row.retry_when,
    )


def _json_value(value: Any, dates: DateStyle) -> Any:
    if isinstance(value, _dt.datetime):
        return to_epoch_ms(value) if dates == "epoch_ms" else format_wire_datetime(value)
    if isinstance(value, (str, int, float, bool)) and not isinstance(value, enum.Enum):
        return value
    return unstructure(value)


def _query_value(value: Any, dates: DateStyle) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, enum.Enum):
        return str(value.value)
    if isinstance(value, _dt.datetime):
        if dates == "epoch_ms":
            return str(to_epoch_ms(value))
        return format_wire_datetime(value)
    if isinstance(value, (list, tuple)):
        return ",".join(_query_value(item, dates) for item in value)
    return str(value)


# -- responses -------------------------------------------------------------------------------


def _invalid(row: Endpoint[Any], response: Response, why: str) -> APIResponseValidationError:
    return APIResponseValidationError(
        why,
        status=response.status,
        operation=row.operation_id,
        excerpt=response_excerpt(response.content),
    )


def _decode(row: Endpoint[Any], response: Response) -> Any:
    content = response.content
    if not content.strip():
        if response.status == 204:
            return {}
        raise _invalid(row, response, "the body is empty where JSON was expected")
    try:
        data = orjson.loads(content)
    except orjson.JSONDecodeError:
        raise _invalid(row, response, "the body is not valid JSON") from None
    if row.unwrap is not None:
        data = row.unwrap(data)
    target = row.result.target
    if row.result.kind is ResultKind.JSON:
        if not isinstance(data, dict):
            raise _invalid(row, response, f"expected a JSON object, got {type(data).__name__}")
    elif target is not None:
        problem = check_shape(data, target)
        if problem is not None:
            raise _invalid(row, response, problem)
    return data


def _charset(headers: Mapping[str, str]) -> str:
    content_type = headers.get("content-type", "")
    for piece in content_type.split(";"):
        key, _, value = piece.strip().partition("=")
        if key.lower() == "charset" and value:
            return value.strip('"')
    return "utf-8"


def _make_parser(row: Endpoint[Any]) -> Callable[[Response], Any]:
    kind = row.result.kind
    target = row.result.target
    if kind is ResultKind.BYTES:
        return lambda response: response.content
    if kind is ResultKind.TEXT:

        def text(response: Response) -> str:
            charset = _charset(response.headers)
            try:
                return response.content.decode(charset, errors="replace")
            except LookupError:
                return response.content.decode("utf-8", errors="replace")

        return text

    def finish(response: Response) -> Any:
        data = _decode(row, response)  # its shape is checked there
        if kind is ResultKind.JSON:
            return data
        return structure_checked(data, target, operation=row.operation_id, status=response.status)

    def parse(response: Response) -> Any:
        # One GC pause around decoding and structuring, for bodies large enough to matter.
        if len(response.content) > _LARGE_BODY:
            with gc_paused():
                return finish(response)
        return finish(response)

    return parse


def _make_decoder(row: Endpoint[Any]) -> Callable[[Response], Any]:
    def decode(response: Response) -> Any:
        if len(response.content) > _LARGE_BODY:
            with gc_paused():
                return _decode(row, response)
        return _decode(row, response)

    return decode


_PARSERS: dict[str, Callable[[Response], Any]] = {}
_DECODERS: dict[str, Callable[[Response], Any]] = {}


def parser(row: Endpoint[Any]) -> Callable[[Response], Any]:
    """The row's response parser: the promised result, or ``APIResponseValidationError``."""
    found = _PARSERS.get(row.operation_id)
    if found is None:
        found = _PARSERS[row.operation_id] = _make_parser(row)
    return found


def decoder(row: Endpoint[Any]) -> Callable[[Response], Any]:
    """The row's decoder: the response's JSON in its normal shape, its shape checked, before any
    model is built (the export reads its cursor first); invalid answers raise as in ``parser``."""
    found = _DECODERS.get(row.operation_id)
    if found is None:
        found = _DECODERS[row.operation_id] = _make_decoder(row)
    return found
