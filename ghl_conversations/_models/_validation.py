"""Turning decoded JSON into models with the guarantee every result has: an answer that is not
valid (wrong shape, missing required field, unparsable date or enum) raises
``APIResponseValidationError`` naming the operation, never a bare ``ValueError``/``TypeError``.

``structure_response`` is the one function for it: the operations use it on every response, and
the export iterator uses it on the pages it structures itself.
"""

from __future__ import annotations

import datetime as _dt
import operator
import re
import typing
from collections.abc import Callable
from itertools import repeat
from typing import Any, TypeVar

import attrs
import cattrs
import orjson

from .._dates import parse_wire_datetime
from .._errors import APIResponseValidationError
from ._converter import _strip_optional, _wire_types, converter, gc_paused, wire_name
from ._wire import WireModel

__all__ = ["check_shape", "response_excerpt", "structure_checked", "structure_response"]

T = TypeVar("T")

EXCERPT_CHARS = 200
_PAUSE_FROM_ITEMS = 64
_BEARER = re.compile(rb"(?i)bearer\s+[^\s\"',;]+")


def response_excerpt(content: bytes) -> str:
    """The start of a body for an error message: short, and with any bearer token masked."""
    head = _BEARER.sub(b"Bearer ***", content[: EXCERPT_CHARS * 2])
    return head.decode("utf-8", errors="replace")[:EXCERPT_CHARS]


def _model_lists(cls: type[WireModel]) -> list[tuple[str, tuple[str, ...]]]:
    """The wire keys of ``cls``'s list-of-model fields, with the items' required keys."""
    found = []
    attrs.resolve_types(cls)
    for field in attrs.fields(cls):
        if typing.get_origin(field.type) is list:
            (item,) = typing.get_args(field.type) or (Any,)
            if isinstance(item, type) and issubclass(item, WireModel):
                required = tuple(
                    wire_name(f)
                    for f in attrs.fields(item)
                    if f.default is attrs.NOTHING and f.init
                )
                found.append((wire_name(field), required))
    return found


def _scalar_fields(cls: type[WireModel]) -> list[tuple[str, tuple[type, ...]]]:
    """The wire keys of ``cls``'s typed pass-through fields (``nextCursor``, ``total``) and the
    JSON classes each accepts."""
    found = []
    for field in attrs.fields(cls):
        wire_types = _wire_types(field.type) if field.init and field.name != "extra" else None
        if wire_types is not None:
            found.append((wire_name(field), wire_types[0]))
    return found


def _date_keys(cls: type[WireModel]) -> tuple[str, ...]:
    """The wire keys of ``cls``'s date fields."""
    attrs.resolve_types(cls)
    return tuple(wire_name(f) for f in attrs.fields(cls) if _strip_optional(f.type) is _dt.datetime)


def _edge_dates(key: str, items: list[Any], dates: tuple[str, ...]) -> str | None:
    """What is wrong with the dates of a list's first and last items, or None: a paginator
    orders and windows a page by them before any model is built."""
    for item in (items[0], items[-1]):
        for name in dates:
            value = item.get(name)
            if value is not None:
                try:
                    parse_wire_datetime(value)
                except (ValueError, TypeError, OverflowError):
                    return f"an item of {key!r} has an invalid {name!r}"
    return None


_DICT_ONLY = {dict}


def _list_shape(data: Any) -> str | None:
    if data.__class__ is not list:
        return f"expected a JSON array, got {type(data).__name__}"
    if data and set(map(type, data)) != _DICT_ONLY:
        return "an item of the array is not a JSON object"
    return None


def _list_item(cls: type[WireModel], key: str) -> type[WireModel]:
    (field,) = [f for f in attrs.fields(cls) if wire_name(f) == key]
    (item,) = typing.get_args(field.type)
    return item  # type: ignore[no-any-return]


def _model_shape(target: type[WireModel]) -> Callable[[Any], str | None]:
    lists = _model_lists(target)
    scalars = _scalar_fields(target)
    dated = {key: _date_keys(_list_item(target, key)) for key, _ in lists}

    def check(data: Any) -> str | None:
        if data.__class__ is not dict:
            return f"expected a JSON object, got {type(data).__name__}"
        for key, accepted in scalars:
            value = data.get(key)
            if value is not None and value.__class__ not in accepted:
                return f"{key!r} has the wrong JSON type ({type(value).__name__})"
        for key, required in lists:
            items = data.get(key)
            if items.__class__ is not list:
                return f"{key!r} is not a JSON array but {type(items).__name__}"
            # C-level passes over the page (a Python loop costs more than the page's decoding).
            if items and set(map(type, items)) != _DICT_ONLY:
                return f"an item of {key!r} is not a JSON object"
            for name in required:
                if not all(map(operator.contains, items, repeat(name))):
                    return f"an item of {key!r} has no {name!r}"
            if items and dated[key] and (problem := _edge_dates(key, items, dated[key])):
                return problem
        return None

    return check


_SHAPES: dict[Any, Callable[[Any], str | None]] = {}


def check_shape(data: Any, target: Any) -> str | None:
    """What is wrong with the shape of ``data`` for ``target`` (a model or a list of models), or
    None. Cheap enough to run inside the attempt loop on every page: the containers (a page
    without its list is not a page), each listed item's required keys, the JSON types of the
    object's own typed fields (``nextCursor``) and the dates of a list's first and last items
    (what a paginator reads before building models); not every item's values."""
    check = _SHAPES.get(target)
    if check is None:
        is_list = typing.get_origin(target) is list
        check = _SHAPES[target] = _list_shape if is_list else _model_shape(target)
    return check(data)


_FAULTS = (
    KeyError,
    ValueError,
    TypeError,
    AttributeError,
    OverflowError,
    cattrs.BaseValidationError,
)


def structure_response(data: Any, target: type[T], *, operation: str, status: int = 200) -> T:
    """Build ``target`` (a model class or ``list[Model]``) from an answer's decoded JSON.

    Raises ``APIResponseValidationError`` (with ``operation``, ``status`` and a short excerpt) for
    anything that does not fit; the export iterator calls this on each page it structures.
    """
    problem = check_shape(data, target)
    if problem is None:
        return structure_checked(data, target, operation=operation, status=status)
    raise APIResponseValidationError(
        problem, status=status, operation=operation, excerpt=_excerpt_of(data)
    )


_HOOKS: dict[Any, Callable[[Any, Any], Any]] = {}


def _hook(target: Any) -> Callable[[Any, Any], Any]:
    """The structure function for ``target``; a list of models skips cattrs' per-item dispatch."""
    if typing.get_origin(target) is list:
        (item,) = typing.get_args(target)
        if isinstance(item, type) and issubclass(item, WireModel):
            one = converter.get_structure_hook(item)
            raw = getattr(one, "raw", None) or (lambda value: one(value, item))
            return lambda data, _type: [raw(value) for value in data]
    return converter.get_structure_hook(target)


def structure_checked(data: Any, target: type[T], *, operation: str, status: int) -> T:
    """``structure_response`` for data whose shape ``check_shape`` already accepted."""
    hook = _HOOKS.get(target)
    if hook is None:
        hook = _HOOKS[target] = _hook(target)
    try:
        # A page of models allocates thousands of objects; one model is not worth a pause.
        if data.__class__ is list and len(data) > _PAUSE_FROM_ITEMS:
            with gc_paused():
                return hook(data, target)  # type: ignore[no-any-return]
        return hook(data, target)  # type: ignore[no-any-return]
    except _FAULTS as exc:
        problem = _describe(exc)
    raise APIResponseValidationError(
        problem, status=status, operation=operation, excerpt=_excerpt_of(data)
    )


def _describe(exc: BaseException) -> str:
    if isinstance(exc, cattrs.BaseValidationError) and exc.exceptions:
        return _describe(exc.exceptions[0])
    if isinstance(exc, KeyError):
        return f"missing required field {exc.args[0]!r}"
    return str(exc) or type(exc).__name__


def _excerpt_of(data: Any) -> str:
    try:
        return response_excerpt(orjson.dumps(data)[: EXCERPT_CHARS * 2])
    except TypeError:
        return ""
