"""What one row of the endpoint table is, and how a row turns arguments into a request and a
response into a result. The rows themselves live in ``_endpoints.py``.

Arguments are validated before anything is sent: ``Literal`` annotations of the resource stubs
become membership checks, rows declare numeric ranges and required ids, and ids placed in a path
are percent-encoded so an id can never escape its path segment.
"""

from __future__ import annotations

import collections.abc
import datetime as _dt
import enum
import functools
import inspect
import types
import typing
import urllib.parse
from collections.abc import Callable, Mapping
from typing import Any, Literal

import attrs
import orjson

from .._dates import format_wire_datetime, to_epoch_ms
from .._models import camelize, converter, gc_paused, unstructure
from .._pipeline import WireCall
from .._transport import FormPart, Response

__all__ = ["BYTES", "JSON", "TEXT", "Arg", "Endpoint", "body", "form", "path", "query"]

Place = Literal["path", "query", "body", "form"]
DateStyle = Literal["iso", "epoch_ms"]


class _Raw(enum.Enum):
    JSON = "json"
    BYTES = "bytes"
    TEXT = "text"


#: Result kinds for rows whose response has no model: decoded JSON as sent, raw bytes, text.
JSON = _Raw.JSON
BYTES = _Raw.BYTES
TEXT = _Raw.TEXT


@attrs.frozen
class Arg:
    """One argument of an operation: its Python name, wire name and where it goes."""

    name: str
    wire: str
    place: Place
    dates: DateStyle = "iso"


def _args(place: Place, names: tuple[str, ...], renames: Mapping[str, str]) -> tuple[Arg, ...]:
    made = [Arg(name, camelize(name), place) for name in names]
    made += [Arg(name, wire_name, place) for name, wire_name in renames.items()]
    return tuple(made)


def path(*names: str) -> tuple[Arg, ...]:
    return _args("path", names, {})


def query(*names: str, **renames: str) -> tuple[Arg, ...]:
    """Query arguments; ``name="wireName"`` where the wire name is not the camelCase."""
    return _args("query", names, renames)


def body(*names: str, **renames: str) -> tuple[Arg, ...]:
    """JSON body fields; ``name="wire_name"`` where the wire name is not the camelCase."""
    return _args("body", names, renames)


def form(*names: str, **renames: str) -> tuple[Arg, ...]:
    """Multipart fields (files are added by the resource)."""
    return _args("form", names, renames)


@attrs.frozen
class Endpoint:
    """One row: everything needed to call one operationId."""

    operation_id: str
    method: str
    path_template: str
    args: tuple[Arg, ...] = ()
    result: Any = JSON
    #: Safe to retry after the request may have reached the server (GET/PUT/DELETE, or a POST
    #: whose repetition changes nothing).
    idempotent: bool = True
    #: The argument naming the location: it picks the token and the rate-limit bucket.
    location_arg: str | None = "location_id"
    #: Normalises the response JSON before it is structured (e.g. unwraps ``{"message": {...}}``).
    unwrap: Callable[[Any], Any] | None = None
    #: Inclusive numeric ranges of arguments.
    ranges: Mapping[str, tuple[float, float]] = attrs.field(factory=dict)
    #: Arguments that must be non-empty strings.
    required: tuple[str, ...] = ()
    #: Groups of arguments of which at least one must be given.
    one_of: tuple[tuple[str, ...], ...] = ()
    #: Body fields fixed by the operation (``add_outbound_call`` always sends ``type="Call"``).
    fixed: Mapping[str, Any] = attrs.field(factory=dict)
    dates: DateStyle = "iso"
    retry_when: tuple[tuple[int, str], ...] = ()

    def __attrs_post_init__(self) -> None:
        names = {a.name for a in self.args}
        placeholders = {
            part[1:-1] for part in self.path_template.split("/") if part.startswith("{")
        }
        missing = placeholders - {a.name for a in self.args if a.place == "path"}
        if missing:
            raise ValueError(f"{self.operation_id}: path placeholders without args: {missing}")
        unknown = (set(self.ranges) | set(self.required)) - names
        if unknown:
            raise ValueError(f"{self.operation_id}: checks name unknown args: {unknown}")

    # -- request -------------------------------------------------------------------------

    def validate(self, values: Mapping[str, Any]) -> None:
        for name in self.required:
            value = values.get(name)
            if not isinstance(value, str) or not value.strip():
                raise ValueError(f"{name} must be a non-empty string, got {value!r}")
        for group in self.one_of:
            if all(values.get(name) in (None, "") for name in group):
                raise ValueError(f"give at least one of: {', '.join(group)}")
        for name, (low, high) in self.ranges.items():
            value = values.get(name)
            if value is None:
                continue
            if isinstance(value, bool) or not isinstance(value, (int, float)):
                raise ValueError(f"{name} must be a number, got {value!r}")
            if not low <= value <= high:
                raise ValueError(f"{name} must be between {low:g} and {high:g}, got {value!r}")

    def build(
        self,
        values: Mapping[str, Any],
        *,
        location_id: str | None = None,
        files: list[FormPart] | None = None,
    ) -> WireCall:
        """Turn validated arguments into a ``WireCall``; unset (None) arguments are omitted."""
        self.validate(values)
        segments: dict[str, str] = {}
        params: list[tuple[str, str]] = []
        json_body: dict[str, Any] = dict(self.fixed)
        parts: list[FormPart] = []
        for arg in self.args:
            value = values.get(arg.name)
            if value is None:
                continue
            if arg.place == "path":
                segments[arg.name] = urllib.parse.quote(str(value), safe="")
            elif arg.place == "query":
                params.append((arg.wire, _query_value(value, self.dates)))
            elif arg.place == "body":
                json_body[arg.wire] = _json_value(value, self.dates)
            else:
                for item in value if isinstance(value, list) else [value]:
                    parts.append(FormPart(arg.wire, value=_query_value(item, self.dates)))
        url_path = self.path_template.format(**segments)
        content: bytes | None = None
        content_type: str | None = None
        if any(a.place == "body" for a in self.args) or self.fixed:
            content = orjson.dumps(json_body)
            content_type = "application/json"
        location = location_id
        if location is None and self.location_arg is not None:
            location = values.get(self.location_arg)
        return WireCall(
            operation_id=self.operation_id,
            method=self.method,
            path=url_path,
            params=tuple(params),
            content=content,
            content_type=content_type,
            form=(parts + (files or [])) if any(a.place == "form" for a in self.args) else None,
            idempotent=self.idempotent,
            location_id=location,
            accept="*/*" if self.result in (BYTES, TEXT) else "application/json",
            retry_when=self.retry_when,
        )

    # -- response ------------------------------------------------------------------------

    def parse(self, response: Response) -> Any:
        """The result the table promises: a model, decoded JSON, bytes or text."""
        if self.result is BYTES:
            return response.content
        if self.result is TEXT:
            return response.content.decode(_charset(response.headers), errors="replace")
        with gc_paused(large=len(response.content) > _LARGE_BODY):
            data = self.decode(response)
            if self.result is JSON:
                return data
            return converter.structure(data, self.result)

    def decode(self, response: Response) -> Any:
        """The response's JSON in its normal shape (unwrapped), before any model is built."""
        with gc_paused(large=len(response.content) > _LARGE_BODY):
            data = orjson.loads(response.content) if response.content.strip() else {}
            return self.unwrap(data) if self.unwrap is not None else data


_LARGE_BODY = 32_768


def _charset(headers: Mapping[str, str]) -> str:
    content_type = headers.get("content-type", "")
    for piece in content_type.split(";"):
        key, _, value = piece.strip().partition("=")
        if key.lower() == "charset" and value:
            return value.strip('"')
    return "utf-8"


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


# -- the descriptor that turns a typed stub into an operation --------------------------------


def _literal_choices(annotation: Any) -> tuple[frozenset[Any], bool] | None:
    """Allowed values of a ``Literal`` argument: (values, may be a sequence of them), or None.

    Understands ``Literal[...]``, ``Literal[...] | None``, ``Sequence[Literal[...]]`` and unions
    of those (``types=`` takes one type or a list).
    """
    origin = typing.get_origin(annotation)
    if origin in (typing.Union, types.UnionType):
        found = [f for f in map(_literal_choices, typing.get_args(annotation)) if f is not None]
        if not found:
            return None
        return frozenset().union(*(f[0] for f in found)), any(f[1] for f in found)
    if origin is Literal:
        return frozenset(typing.get_args(annotation)), False
    if origin in (list, tuple, collections.abc.Sequence):
        inner = typing.get_args(annotation)
        if inner:
            item = _literal_choices(inner[0])
            if item is not None:
                return item[0], True
    return None


class Operation:
    """A resource method generated from a table row and a typed stub.

    The stub gives the public signature (what mypy and ``help()`` see); the row says where each
    argument goes. Calling the bound method binds the arguments to the stub's signature (so a
    wrong name fails like any Python call), validates them, and hands them to the resource.
    """

    def __init__(self, endpoint: Endpoint, stub: Callable[..., Any]) -> None:
        self.endpoint = endpoint
        self.stub = stub
        self.signature = inspect.signature(stub)
        self._choices: dict[str, tuple[frozenset[Any], bool]] | None = None
        parameters = [p for name, p in self.signature.parameters.items() if name != "self"]
        self._positional = tuple(p.name for p in parameters if p.kind is p.POSITIONAL_OR_KEYWORD)
        self._names = frozenset(p.name for p in parameters)
        self._defaults = {p.name: p.default for p in parameters if p.default is not p.empty}
        self._required = frozenset(p.name for p in parameters if p.default is p.empty)
        functools.update_wrapper(self, stub)
        params = set(self.signature.parameters) - {"self"}
        unknown = {a.name for a in endpoint.args} - params
        if unknown:
            raise TypeError(f"{stub.__qualname__} lacks parameters {unknown} of its table row")

    def __repr__(self) -> str:
        return f"<operation {self.endpoint.operation_id} as {self.stub.__qualname__}>"

    def __get__(self, instance: Any, owner: type | None = None) -> Any:
        if instance is None:
            return self
        return types.MethodType(self._call, instance)

    def _literal_checks(self) -> dict[str, tuple[frozenset[Any], bool]]:
        if self._choices is None:
            hints = typing.get_type_hints(self.stub)
            self._choices = {
                name: found
                for name, hint in hints.items()
                if (found := _literal_choices(hint)) is not None
            }
        return self._choices

    def _bind_arguments(
        self, instance: Any, args: tuple[Any, ...], kwargs: dict[str, Any]
    ) -> dict[str, Any]:
        """Arguments by name with defaults applied; ``inspect`` only for the unusual cases (it
        then raises the exact TypeError Python would)."""
        positional = self._positional[: len(args)]
        if (
            len(args) <= len(self._positional)
            and self._names.issuperset(kwargs)
            and not any(name in kwargs for name in positional)
            and self._required.issubset({*positional, *kwargs})
        ):
            values = dict(self._defaults)
            values.update(zip(positional, args, strict=True))
            values.update(kwargs)
            return values
        bound = self.signature.bind(instance, *args, **kwargs)
        bound.apply_defaults()
        values = dict(bound.arguments)
        values.pop("self", None)
        return values

    def bind(self, instance: Any, args: tuple[Any, ...], kwargs: dict[str, Any]) -> dict[str, Any]:
        values = self._bind_arguments(instance, args, kwargs)
        for name, (choices, is_list) in self._literal_checks().items():
            value = values.get(name)
            if value is None:
                continue
            for item in value if is_list and isinstance(value, (list, tuple)) else [value]:
                plain = item.value if isinstance(item, enum.Enum) else item
                if plain not in choices:
                    allowed = ", ".join(sorted(map(str, choices)))
                    raise ValueError(f"{name}={item!r} is not one of: {allowed}")
        return values

    def __call__(self, instance: Any, /, *args: Any, **kwargs: Any) -> Any:
        """Unbound use, like a plain method: ``Messages.get(resource, "msg-id")``."""
        return self._call(instance, *args, **kwargs)

    def check(self, instance: Any, values: dict[str, Any]) -> dict[str, Any]:
        """Validate keyword ``values`` as a call would, without sending anything."""
        bound = self.bind(instance, (), values)
        self.endpoint.validate(bound)
        return bound

    async def _call(self, instance: Any, /, *args: Any, **kwargs: Any) -> Any:
        values = self.bind(instance, args, kwargs)
        return await instance._execute(self.endpoint, values)


F = typing.TypeVar("F", bound=Callable[..., Any])


def operation(endpoint: Endpoint) -> Callable[[F], F]:
    """Decorate a typed stub so that the row ``endpoint`` supplies its body.

    Typed as returning the stub itself: mypy checks callers against the stub's signature, while at
    run time the ``Operation`` descriptor takes its place.
    """

    def decorate(stub: F) -> F:
        return typing.cast(F, Operation(endpoint, stub))

    return decorate
