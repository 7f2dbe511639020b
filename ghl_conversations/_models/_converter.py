"""The one cattrs converter: camelCase wire dicts <-> snake_case attrs models.

Why generated hooks: an export structures millions of messages, and a frozen attrs ``__init__``
plus generic per-field dispatch costs several microseconds a message. Each model therefore gets a
structure function compiled once from its attrs fields. It keeps the decoded dict (``to_dict``
returns it) and converts up front only the fields that need a conversion and can be invalid
(dates, nested models, an enum field holding something other than a string), so a bad answer
fails at once; the fields passed through as sent, enum members of strings (any string is a valid
open-enum value) and ``extra`` are read from the kept dict on first access and cached. Scalars
are never coerced: turning ``"12"`` into ``12`` is neither cheap nor lossless; instead each
present typed field's JSON type is checked (one class test), so a wrong type fails at once too.
"""

from __future__ import annotations

import contextlib
import datetime as _dt
import enum
import gc
import re
import types
import typing
from collections.abc import Callable, Iterator
from typing import Any, TypeVar

import attrs
import cattrs
from cattrs.gen import make_dict_unstructure_fn, override

from .._dates import format_wire_datetime, parse_wire_datetime
from ._enums import OpenStrEnum
from ._wire import WireModel

__all__ = ["camelize", "converter", "structure", "to_dict", "unstructure", "wire_name"]

T = TypeVar("T")

_CAMEL_RE = re.compile(r"_([a-z0-9])")


def camelize(name: str) -> str:
    """``conversation_provider_id`` -> ``conversationProviderId``."""
    return _CAMEL_RE.sub(lambda m: m.group(1).upper(), name.rstrip("_"))


def wire_name(field: attrs.Attribute[Any]) -> str:
    """A field's name on the wire: its explicit ``wire`` name, else the camelCase."""
    explicit = field.metadata.get("wire")
    return str(explicit) if explicit else camelize(field.name)


converter = cattrs.Converter()

for _scalar in (str, int, float, bool):
    converter.register_structure_hook(_scalar, lambda value, _type: value)
converter.register_structure_hook(Any, lambda value, _type: value)
converter.register_structure_hook(_dt.datetime, lambda value, _type: parse_wire_datetime(value))
converter.register_unstructure_hook(_dt.datetime, format_wire_datetime)
# Registered by class, not predicate, so they outrank the ``str`` pass-through for str subclasses.
converter.register_structure_hook(OpenStrEnum, lambda value, t: t(value))
converter.register_unstructure_hook(OpenStrEnum, lambda member: member.value)
converter.register_unstructure_hook(enum.Enum, lambda member: member.value)


def _is_model(t: Any) -> bool:
    return isinstance(t, type) and issubclass(t, WireModel)


def _strip_optional(tp: Any) -> Any:
    if typing.get_origin(tp) in (typing.Union, types.UnionType):
        args = [a for a in typing.get_args(tp) if a is not type(None)]
        if len(args) == 1:
            return args[0]
    return tp


def _always_valid(tp: Any) -> type | None:
    """The wire type (``str``, ``dict``) whose values are always valid for ``tp``, if any: open
    enums take any string; a model whose fields are all optional and passed through as sent
    (``MessageMeta``) takes any object."""
    tp = _strip_optional(tp)
    if isinstance(tp, type) and issubclass(tp, OpenStrEnum):
        return str
    if _is_model(tp):
        attrs.resolve_types(tp)
        fields = [f for f in attrs.fields(tp) if f.init and f.name != "extra"]
        if all(f.default is not attrs.NOTHING and _field_converter(f.type) is None for f in fields):
            return dict
    return None


def _enum_converter(cls: type[OpenStrEnum]) -> Callable[[Any], Any]:
    members = cls._value2member_map_

    def convert(value: Any) -> Any:
        member = members.get(value)
        return member if member is not None else cls(value)

    return convert


def _field_converter(tp: Any) -> tuple[str, Any] | None:
    """How one field's wire value becomes its Python value; None means 'keep it as it is'.

    Returns ``(template, helper)``: an expression over ``{v}`` (the wire value) and ``{h}`` (the
    helper), inlined into the generated function so the common cases cost no extra call.
    """
    tp = _strip_optional(tp)
    if tp is _dt.datetime:
        # HighLevel's usual "...Z" strings go straight to the C parser (aware on 3.11+).
        return '(_fromiso({v}) if {v}.__class__ is str and {v}[-1:] == "Z" else {h}({v}))', (
            parse_wire_datetime
        )
    if isinstance(tp, type) and issubclass(tp, OpenStrEnum):
        return "({h}.get({v}) or _enum_{h}({v}))", tp
    if _is_model(tp):
        return "{h}({v})", _raw_structure_fn(tp)
    if typing.get_origin(tp) is list:
        (item,) = typing.get_args(tp) or (Any,)
        inner = _field_converter(item)
        if inner is not None:
            template, helper = inner
            if template == "{h}({v})":
                return "[{h}(item) for item in {v}]", helper
            namespace = {"h": helper, "_fromiso": _dt.datetime.fromisoformat}
            item_fn = eval("lambda v: " + template.format(h="h", v="v"), namespace)
            return "[{h}(item) for item in {v}]", item_fn
    return None


# The JSON types a pass-through field accepts, by its annotation. Scalars are never coerced, so
# a value of another JSON type (``"x"`` for a count, a list for a string) would reach the user as
# is: it is refused while structuring, one class check per present field. A float field takes an
# integer (JSON does not tell ``1`` from ``1.0``). Fields HighLevel fills with varying types
# (``meta.callDuration`` is a number or a string) are typed ``Any`` and stay open.
_WIRE_TYPES: dict[Any, tuple[type, ...]] = {
    str: (str,),
    int: (int,),
    float: (float, int),
    bool: (bool,),
    dict: (dict,),
    list: (list,),
}


def _wire_types(tp: Any) -> tuple[tuple[type, ...], tuple[type, ...] | None] | None:
    """``(accepted classes, accepted item classes or None)`` for a pass-through field, or None
    when its annotation does not say (``Any``, unions)."""
    tp = _strip_optional(tp)
    origin = typing.get_origin(tp) or tp
    accepted = _WIRE_TYPES.get(origin)
    if accepted is None:
        return None
    if origin is list:
        (item,) = typing.get_args(tp) or (Any,)
        return accepted, _WIRE_TYPES.get(item) if item in (str, int, float, bool) else None
    return accepted, None


def _raw_structure_fn(cls: type[WireModel]) -> Callable[[Any], WireModel]:
    hook = converter.get_structure_hook(cls)
    return getattr(hook, "raw", lambda value: hook(value, cls))


class _LazyField:
    """A field read from the model's wire dict on first access, then kept on the instance.

    Only for models built from the API: an instance built in code holds every field in its
    ``__dict__``, which takes precedence over this (non-data) descriptor.
    """

    def __init__(self, name: str, key: str, default: Any, factory: Any, convert: Any) -> None:
        self.name = name
        self.key = key
        self.default = default
        self.factory = factory
        self.convert = convert

    def __get__(self, obj: Any, owner: Any = None) -> Any:
        if obj is None:
            return self
        raw = obj.__dict__.get("_raw")
        if raw is None:
            raise AttributeError(self.name)
        value = raw.get(self.key)
        if value is None:
            value = self.factory() if self.factory is not None else self.default
        elif self.convert is not None:
            value = self.convert(value)
        obj.__dict__[self.name] = value
        return value


class _LazyExtra:
    """``extra`` of a model built from the API: the wire fields it does not know, on demand."""

    def __init__(self, known: frozenset[str]) -> None:
        self.known = known

    def __get__(self, obj: Any, owner: Any = None) -> Any:
        if obj is None:
            return self
        raw = obj.__dict__.get("_raw")
        if raw is None:
            raise AttributeError("extra")
        known = self.known
        extra = {} if known.issuperset(raw) else {k: v for k, v in raw.items() if k not in known}
        obj.__dict__["extra"] = extra
        return extra


def _make_structure(cls: type[WireModel]) -> Callable[[Any, Any], WireModel]:
    """Compile ``cls``'s structure function.

    Eager, so that an invalid answer fails at once: required fields, dates, enums and nested
    models (the fields that need a conversion). Lazy: the fields passed through as sent and
    ``extra``, read from the kept wire dict on first access. ``to_dict`` returns that dict.
    """
    attrs.resolve_types(cls)
    fields = [f for f in attrs.fields(cls) if f.init and f.name != "extra"]
    known = frozenset(wire_name(f) for f in fields)
    namespace: dict[str, Any] = {
        "cls": cls,
        "new": object.__new__,
        "_fromiso": _dt.datetime.fromisoformat,
    }
    lines = [
        "def structure_model(raw, _type=None):",
        "    if raw.__class__ is not dict:",
        "        return fallback(raw)",
        "    obj = new(cls)",
        "    d = obj.__dict__",
        "    d['_raw'] = raw",
    ]
    first_date: tuple[str, str] | None = None
    for index, field in enumerate(fields):
        key = wire_name(field)
        conversion = _field_converter(field.type)
        default, factory = None, None
        if isinstance(field.default, attrs.Factory):  # type: ignore[arg-type]
            factory = field.default.factory
        elif field.default is not attrs.NOTHING:
            default = field.default
        if field.default is attrs.NOTHING and _field_converter(field.type) is None:
            # Required (``id``): checked, and kept at once since every reader wants it.
            lines.append(f"    if (r{index} := raw[{key!r}]) is None:")
            lines.append(f"        raise KeyError({key!r})")
            lines.append(f"    d[{field.name!r}] = r{index}")
        elif field.default is attrs.NOTHING:
            lines.append(f"    if raw[{key!r}] is None:")
            lines.append(f"        raise KeyError({key!r})")
        convert = None
        if conversion is not None:
            template, helper = conversion
            if isinstance(helper, type) and issubclass(helper, OpenStrEnum):
                namespace[f"h{index}"] = helper._value2member_map_
                namespace[f"_enum_h{index}"] = helper
            else:
                namespace[f"h{index}"] = helper
            expr = template.format(h=f"h{index}", v=f"v{index}")
            convert = eval(f"lambda v{index}: {expr}", namespace)
            always_valid = _always_valid(field.type)
            if always_valid is not None:
                # A value of that type cannot be invalid (any string is an open-enum value, any
                # object a model without checked fields): it is converted on first access; a
                # value of another type is converted now, so that it fails at once.
                lines.append(
                    f"    if (v{index} := raw.get({key!r})) is not None"
                    f" and v{index}.__class__ is not {always_valid.__name__}:"
                )
                lines.append(f"        d[{field.name!r}] = {expr}")
                setattr(cls, field.name, _LazyField(field.name, key, default, factory, convert))
                continue
            lines.append(f"    if (v{index} := raw.get({key!r})) is not None:")
            if _strip_optional(field.type) is _dt.datetime and first_date is not None:
                # dateUpdated usually repeats dateAdded: parse that string once.
                same, name = first_date
                expr = f"d[{name!r}] if v{index} == {same} else {expr}"
            lines.append(f"        d[{field.name!r}] = {expr}")
            if _strip_optional(field.type) is _dt.datetime and first_date is None:
                first_date = (f"v{index}", field.name)
        if conversion is None and (wire_types := _wire_types(field.type)) is not None:
            accepted, items = wire_types
            namespace[f"ok{index}"] = accepted[0] if len(accepted) == 1 else frozenset(accepted)
            test = (
                f"c{index}.__class__ is not ok{index}"
                if len(accepted) == 1
                else f"c{index}.__class__ not in ok{index}"
            )
            if items is not None:
                namespace[f"items{index}"] = frozenset(items)
                test += f" or not items{index}.issuperset(map(type, c{index}))"
            lines.append(f"    if (c{index} := raw.get({key!r})) is not None and ({test}):")
            lines.append(f"        raise TypeError(bad({cls.__name__!r}, {key!r}, c{index}))")
        setattr(cls, field.name, _LazyField(field.name, key, default, factory, convert))
    cls.extra = _LazyExtra(known)  # type: ignore[assignment]
    lines.append("    return obj")

    def fallback(raw: Any) -> WireModel:
        if isinstance(raw, cls):
            return raw
        if isinstance(raw, dict):
            return structure_model(dict(raw))  # type: ignore[no-any-return]
        raise TypeError(f"{cls.__name__} needs a JSON object, got {type(raw).__name__}")

    namespace["fallback"] = fallback
    namespace["bad"] = _wrong_type
    exec("\n".join(lines), namespace)
    structure_model = namespace["structure_model"]

    def checked(raw: Any, _type: Any = None) -> WireModel:
        try:
            return structure_model(raw)  # type: ignore[no-any-return]
        except KeyError as exc:
            raise ValueError(f"{cls.__name__} is missing required field {exc.args[0]!r}") from None

    checked.raw = structure_model  # type: ignore[attr-defined]
    return checked


def _wrong_type(model: str, key: str, value: Any) -> str:
    return f"{model}.{key} has the wrong JSON type ({type(value).__name__})"


def _make_unstructure(cls: type[WireModel]) -> Callable[[WireModel], dict[str, Any]]:
    attrs.resolve_types(cls)
    fields = [f for f in attrs.fields(cls) if f.init and f.name != "extra"]
    renames = {f.name: override(rename=wire_name(f)) for f in fields}
    base = make_dict_unstructure_fn(cls, converter, extra=override(omit=True), **renames)  # type: ignore[arg-type]

    def unstructure_model(obj: WireModel) -> dict[str, Any]:
        raw = obj._raw
        if raw is not None:
            return raw
        out = {k: v for k, v in base(obj).items() if v is not None}
        if obj.extra:
            out.update(obj.extra)
        return out

    return unstructure_model


converter.register_structure_hook_factory(_is_model, _make_structure)
converter.register_unstructure_hook_factory(_is_model, _make_unstructure)


@contextlib.contextmanager
def gc_paused(*, large: bool = True) -> Iterator[None]:
    """Pause the cyclic garbage collector while a response is decoded and structured.

    A page allocates thousands of objects, none of them in cycles; collections triggered halfway
    would walk every long-lived object of the process (all of aiohttp, cattrs, the app) in vain.
    Measured: decoding and structuring a 500-message page costs about half as much this way.
    """
    if not large or not gc.isenabled():
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        gc.enable()


def structure(raw: Any, cls: type[T]) -> T:
    """Build a model (or a list of them) from decoded JSON."""
    with gc_paused():
        return converter.structure(raw, cls)


def unstructure(value: Any) -> Any:
    """Wire form of a model, list, dict or scalar; shares structure with the model's source dict."""
    return converter.unstructure(value)


def _copy_json(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _copy_json(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_copy_json(v) for v in value]
    return value


def to_dict(model: Any) -> dict[str, Any]:
    """The wire-format dict of a model: ``to_dict(structure(raw, cls)) == raw``, always.

    A model built from the API gives back exactly what the API sent (unknown fields, unknown enum
    values and the original date strings included); a model built or changed in code gives its
    fields under their wire names. The result is a fresh copy: changing it leaves the model alone.

    This is also what web frameworks send: FastAPI serialises a returned model as ``to_dict``
    gives it (camelCase, as HighLevel sends it), never the model's private fields. Call it
    yourself to store, log or forward a model as JSON.
    """
    if not isinstance(model, WireModel):
        raise TypeError(f"to_dict() takes a ghl_conversations model, not {type(model).__name__}")
    result: dict[str, Any] = _copy_json(converter.unstructure(model))
    return result
