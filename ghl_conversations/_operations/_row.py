"""What one row of the endpoint table is: an operation's wire shape and its Python signature.

A row says everything about one operationId once: where each argument goes (path, query, body,
form, files), its Python annotation (as source text, for the generated resource modules), which
arguments are positional, the checks (ranges, required ids, one-of groups), the result type and
whether the call is safe to retry. ``_codegen.py`` writes the resource methods from the rows;
``_encoding.py`` turns a row and arguments into a request and a response into a result.

A row is checked when it is built: path placeholders have path arguments, every name a check,
``one_of`` group, ``location_arg`` or listing mentions is an argument, and a POST row states
whether it is ``idempotent`` (a POST retried after a 5xx can send an SMS twice).
"""

from __future__ import annotations

import enum
from collections.abc import Callable, Mapping
from typing import Any, Generic, Literal, TypeVar

import attrs

from .._models import camelize
from .._pipeline import RetryCondition

__all__ = [
    "BYTES",
    "JSON",
    "TEXT",
    "Arg",
    "Endpoint",
    "Listing",
    "Result",
    "ResultKind",
    "arg",
    "body",
    "files",
    "form",
    "model",
    "models",
    "path",
    "query",
]

R = TypeVar("R")
Place = Literal["path", "query", "body", "form", "files"]
DateStyle = Literal["iso", "epoch_ms"]


class ResultKind(enum.Enum):
    """How a response becomes a result: a model, decoded JSON, raw bytes or text."""

    MODEL = "model"
    JSON = "json"
    BYTES = "bytes"
    TEXT = "text"


@attrs.frozen
class Result(Generic[R]):
    """The result a row promises, typed so that a generated method's annotation is checked.

    ``annotation`` is the source text the generated method declares as its return type.
    """

    kind: ResultKind
    annotation: str
    target: Any = None


def model(cls: type[R]) -> Result[R]:
    """The response is one ``cls`` model."""
    return Result(ResultKind.MODEL, cls.__name__, cls)


def models(cls: type[R]) -> Result[list[R]]:
    """The response is a list of ``cls`` models."""
    return Result(ResultKind.MODEL, f"list[{cls.__name__}]", list[cls])  # type: ignore[valid-type]


#: Decoded JSON exactly as sent (operations whose response the spec does not describe).
JSON: Result[dict[str, Any]] = Result(ResultKind.JSON, "dict[str, Any]")
#: The body's bytes, as served (recordings).
BYTES: Result[bytes] = Result(ResultKind.BYTES, "bytes")
#: The body as text, decoded with the response's charset.
TEXT: Result[str] = Result(ResultKind.TEXT, "str")


_NO_DEFAULT = "<required>"


@attrs.frozen
class Arg:
    """One argument: Python name, wire name, place, and its annotation and default as source."""

    name: str
    wire: str
    place: Place
    annotation: str
    #: Source text of the default; ``<required>`` for an argument the caller must give.
    default: str = _NO_DEFAULT

    @property
    def required(self) -> bool:
        """The caller must pass it (the signature gives it no default)."""
        return self.default == _NO_DEFAULT


@attrs.frozen
class Spec:
    """An argument's annotation, with its wire name when that is not the camelCase."""

    annotation: str
    wire: str | None = None


def arg(annotation: str, *, wire: str) -> Spec:
    """An argument whose wire name is not the camelCase of its Python name."""
    return Spec(annotation, wire)


def _args(place: Place, specs: Mapping[str, str | Spec]) -> tuple[Arg, ...]:
    made = []
    for name, spec in specs.items():
        given = spec if isinstance(spec, Spec) else Spec(spec)
        optional = given.annotation.endswith("| None")
        made.append(
            Arg(
                name,
                given.wire or camelize(name),
                place,
                given.annotation,
                "None" if optional else _NO_DEFAULT,
            )
        )
    return tuple(made)


def path(**specs: str | Spec) -> tuple[Arg, ...]:
    """Path arguments (ids): each fills one path segment, never more."""
    return _args("path", specs)


def query(**specs: str | Spec) -> tuple[Arg, ...]:
    """Query arguments; an annotation ending in ``| None`` makes the argument optional."""
    return _args("query", specs)


def body(**specs: str | Spec) -> tuple[Arg, ...]:
    """JSON body fields."""
    return _args("body", specs)


def form(**specs: str | Spec) -> tuple[Arg, ...]:
    """Multipart fields."""
    return _args("form", specs)


def files(**specs: str | Spec) -> tuple[Arg, ...]:
    """Files uploaded as multipart parts (read in a worker thread, checked before sending)."""
    return _args("files", specs)


@attrs.frozen
class Listing:
    """An iterator entry point generated beside a row's page method (``search``, ``export``).

    It takes the row's arguments except ``cursor`` and ``omit`` as filters, with ``overrides``
    replacing an argument's annotation and default (``limit: int = 100``), plus ``extra``
    arguments of its own; its body hands the filters to the resource helper ``helper``.
    """

    method: str
    returns: str
    helper: str
    cursor: str
    doc: str
    omit: tuple[str, ...] = ()
    overrides: Mapping[str, tuple[str, str]] = attrs.field(factory=dict)
    extra: tuple[tuple[str, str, str], ...] = ()
    #: The generated attrs class holding these filters (in ``_pagination``), if the iterator
    #: keeps them (the export's checkpoint does): one field per filter, with the defaults above.
    filters_class: str | None = None


@attrs.frozen
class Endpoint(Generic[R]):
    """One row: everything needed to call one operationId, and the method that calls it."""

    operation_id: str
    method: str
    path_template: str
    args: tuple[Arg, ...]
    result: Result[R]
    #: Where the generated method lives: ``resource`` (``"messages"``) and its ``name``.
    resource: str
    name: str
    doc: str
    #: Safe to retry after the request may have reached the server. POST rows must say so.
    idempotent: bool | None = None
    #: Arguments taken positionally, in this order; the others are keyword-only.
    positional: tuple[str, ...] = ()
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
    #: How datetimes are written on the wire.
    dates: DateStyle = "iso"
    #: Extra conditions worth retrying for this operation (``ErrorKind`` values).
    retry_when: tuple[RetryCondition, ...] = ()
    #: Iterator entry points generated beside the page method.
    listings: tuple[Listing, ...] = ()

    def __attrs_post_init__(self) -> None:
        where = self.operation_id
        if self.idempotent is None:
            if self.method == "POST":
                raise ValueError(f"{where}: a POST row must state idempotent=True or False")
            object.__setattr__(self, "idempotent", True)
        names = [a.name for a in self.args]
        if len(set(names)) != len(names):
            raise ValueError(f"{where}: an argument is declared twice: {names}")
        placeholders = {
            part[1:-1] for part in self.path_template.split("/") if part.startswith("{")
        }
        path_args = {a.name for a in self.args if a.place == "path"}
        if placeholders != path_args:
            raise ValueError(f"{where}: path placeholders {placeholders} != path args {path_args}")
        mentioned = {
            *self.ranges,
            *self.required,
            *self.positional,
            *(name for group in self.one_of for name in group),
            *([self.location_arg] if self.location_arg is not None else []),
            *(name for listing in self.listings for name in (listing.cursor, *listing.omit)),
            *(name for listing in self.listings for name in listing.overrides),
        }
        unknown = mentioned - set(names)
        if unknown:
            raise ValueError(f"{where}: names that are not arguments: {sorted(unknown)}")
        by_name = {a.name: a for a in self.args}
        optional_positional = [n for n in self.positional if not by_name[n].required]
        if optional_positional:
            raise ValueError(
                f"{where}: positional arguments need no default: {optional_positional}"
            )

    @property
    def retry_safe(self) -> bool:
        """Whether the pipeline may repeat the call after it may have reached the server."""
        return bool(self.idempotent)

    def arg(self, name: str) -> Arg:
        """The argument called ``name``."""
        for candidate in self.args:
            if candidate.name == name:
                return candidate
        raise KeyError(name)
