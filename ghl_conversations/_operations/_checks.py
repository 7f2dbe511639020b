"""Argument checks of a row, run before anything is sent.

``Literal`` annotations become membership checks (so callers without a type checker get the same
protection), rows declare numeric ranges, required ids and one-of groups, and every path id must
stay one path segment: empty, ``.`` and ``..`` are refused (percent-encoding cannot hide them).
The checks of a row are compiled once, on its first call.
"""

from __future__ import annotations

import collections.abc
import datetime as _dt
import enum
import types
import typing
from collections.abc import Callable, Mapping, Sequence
from typing import Any, Literal

from .. import _models
from ._constants import DateInput
from ._files import FileInput
from ._row import Endpoint

__all__ = ["annotation_namespace", "check_path_id", "checker", "evaluate"]

Check = Callable[[Mapping[str, Any]], None]


def annotation_namespace() -> dict[str, Any]:
    """The names a row's annotation may use; the generated modules import the same names."""
    namespace: dict[str, Any] = {name: getattr(_models, name) for name in _models.__all__}
    namespace.update(
        Any=Any,
        Literal=Literal,
        Sequence=Sequence,
        _dt=_dt,
        DateInput=DateInput,
        FileInput=FileInput,
    )
    return namespace


_NAMESPACE: dict[str, Any] | None = None


def evaluate(annotation: str) -> Any:
    """The type an annotation's source text names."""
    global _NAMESPACE
    if _NAMESPACE is None:
        _NAMESPACE = annotation_namespace()
    return eval(annotation, dict(_NAMESPACE))


def literal_choices(annotation: Any) -> tuple[frozenset[Any], bool] | None:
    """Allowed values of a ``Literal`` argument: (values, may be a sequence of them), or None.

    Understands ``Literal[...]``, ``Literal[...] | None``, ``Sequence[Literal[...]]`` and unions
    of those (``types=`` takes one type or a list).
    """
    origin = typing.get_origin(annotation)
    if origin in (typing.Union, types.UnionType):
        found = [f for f in map(literal_choices, typing.get_args(annotation)) if f is not None]
        if not found:
            return None
        return frozenset().union(*(f[0] for f in found)), any(f[1] for f in found)
    if origin is Literal:
        return frozenset(typing.get_args(annotation)), False
    if origin in (list, tuple, collections.abc.Sequence):
        inner = typing.get_args(annotation)
        if inner:
            item = literal_choices(inner[0])
            if item is not None:
                return item[0], True
    return None


def check_path_id(name: str, value: Any) -> None:
    """Refuse an id that would not stay one path segment once percent-encoded."""
    text = str(value)
    if text in ("", ".", ".."):
        raise ValueError(f"{name}={value!r} is not a valid id: it would not stay one path segment")


def _literal_check(name: str, choices: frozenset[Any], is_list: bool) -> Check:
    def check(values: Mapping[str, Any]) -> None:
        value = values.get(name)
        if value is None:
            return
        for item in value if is_list and isinstance(value, (list, tuple)) else [value]:
            plain = item.value if isinstance(item, enum.Enum) else item
            if plain not in choices:
                allowed = ", ".join(sorted(map(str, choices)))
                raise ValueError(f"{name}={item!r} is not one of: {allowed}")

    return check


def _required_check(names: tuple[str, ...]) -> Check:
    def check(values: Mapping[str, Any]) -> None:
        for name in names:
            value = values.get(name)
            if not isinstance(value, str) or not value.strip():
                raise ValueError(f"{name} must be a non-empty string, got {value!r}")

    return check


def _path_check(names: tuple[str, ...]) -> Check:
    def check(values: Mapping[str, Any]) -> None:
        for name in names:
            check_path_id(name, values.get(name))

    return check


def _one_of_check(group: tuple[str, ...]) -> Check:
    def check(values: Mapping[str, Any]) -> None:
        if all(values.get(name) in (None, "") for name in group):
            raise ValueError(f"give at least one of: {', '.join(group)}")

    return check


def _range_check(name: str, low: float, high: float) -> Check:
    def check(values: Mapping[str, Any]) -> None:
        value = values.get(name)
        if value is None:
            return
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise ValueError(f"{name} must be a number, got {value!r}")
        if not low <= value <= high:
            raise ValueError(f"{name} must be between {low:g} and {high:g}, got {value!r}")

    return check


def _compile(row: Endpoint[Any]) -> Check:
    checks: list[Check] = []
    if row.required:
        checks.append(_required_check(row.required))
    path_names = tuple(a.name for a in row.args if a.place == "path")
    if path_names:
        checks.append(_path_check(path_names))
    checks += [_one_of_check(group) for group in row.one_of]
    checks += [_range_check(name, low, high) for name, (low, high) in row.ranges.items()]
    for arg in row.args:
        found = literal_choices(evaluate(arg.annotation))
        if found is not None:
            checks.append(_literal_check(arg.name, *found))

    def run(values: Mapping[str, Any]) -> None:
        for check in checks:
            check(values)

    return run


_COMPILED: dict[str, Check] = {}


def checker(row: Endpoint[Any]) -> Check:
    """The compiled checks of ``row`` (built on first use, then reused)."""
    found = _COMPILED.get(row.operation_id)
    if found is None:
        found = _COMPILED[row.operation_id] = _compile(row)
    return found
