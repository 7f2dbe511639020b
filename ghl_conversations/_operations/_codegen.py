"""Write the resource modules from the endpoint table.

Run ``python -m ghl_conversations._operations._codegen`` after changing a row.

Every public method backed by a row (and each row's iterator entry points, ``Listing``) is
generated with its full signature, so mypy --strict checks every call and result, and each
argument list exists once: in the table. ``--check`` exits 1 when a checked-in module differs
from what the table generates (tests/test_operations_surface.py runs the same comparison).
"""

from __future__ import annotations

import argparse
import pathlib
import re
import sys
from collections.abc import Iterable
from typing import Any

from .. import _models
from ._row import Arg, Endpoint, Listing
from ._rows import RESOURCES, ROWS, ResourceModule

__all__ = ["FILTERS_PATH", "generate", "generate_filters", "main", "resource_path", "stale"]

_PACKAGE = pathlib.Path(__file__).resolve().parent.parent
_IDENTIFIER = re.compile(r"(?<![.\w])[A-Za-z_]\w*")
_STRING = re.compile(r'"[^"]*"')
_PAGINATION = {"ConversationSearch", "ConversationMessages", "MessageExport"}
_TYPING = {"Any", "Literal"}
_OPERATIONS = {"DateInput", "FileInput"}
_BUILTINS = {"str", "int", "float", "bool", "bytes", "dict", "list", "None"}


def resource_path(module: ResourceModule) -> pathlib.Path:
    """Where the generated module of a resource lives."""
    return _PACKAGE / "_resources" / f"{module.module}.py"


def _param(name: str, annotation: str, default: str | None) -> str:
    tail = f" = {default}" if default is not None else ""
    return f"        {name}: {annotation}{tail},"


def _signature(
    name: str,
    params: list[tuple[str, str, str | None]],
    positional: Iterable[str],
    returns: str,
    *,
    is_async: bool,
) -> list[str]:
    first = [p for name_ in positional for p in params if p[0] == name_]
    rest = [p for p in params if p not in first]
    lines = [f"    {'async ' if is_async else ''}def {name}(", "        self,"]
    lines += [_param(*p) for p in first]
    if rest:
        lines.append("        *,")
        lines += [_param(*p) for p in rest]
    lines.append(f"    ) -> {returns}:")
    return lines


def _docstring(text: str) -> list[str]:
    parts = text.split("\n")
    if len(parts) == 1:
        return [f'        """{text}"""']
    return (
        [f'        """{parts[0]}'] + [f"        {p}".rstrip() for p in parts[1:]] + ['        """']
    )


def _values(names: Iterable[str]) -> list[str]:
    return ["            {"] + [f'                "{n}": {n},' for n in names] + ["            },"]


def _row_params(row: Endpoint[Any]) -> list[tuple[str, str, str | None]]:
    return [(a.name, a.annotation, None if a.required else a.default) for a in row.args]


def _constant(row: Endpoint[Any]) -> str:
    return row.operation_id.upper().replace("-", "_")


def _method(row: Endpoint[Any]) -> list[str]:
    lines = _signature(
        row.name, _row_params(row), row.positional, row.result.annotation, is_async=True
    )
    lines += _docstring(row.doc)
    lines += ["        return await self._run(", f"            rows.{_constant(row)},"]
    lines += _values(a.name for a in row.args)
    lines.append("        )")
    return lines


def _listing_args(row: Endpoint[Any], listing: Listing) -> list[Arg]:
    return [a for a in row.args if a.name != listing.cursor and a.name not in listing.omit]


def _listing(row: Endpoint[Any], listing: Listing) -> list[str]:
    filters = _listing_args(row, listing)
    params: list[tuple[str, str, str | None]] = []
    for a in filters:
        annotation, default = listing.overrides.get(
            a.name, (a.annotation, None if a.required else a.default)
        )
        params.append((a.name, annotation, default))
    params += [(name, annotation, default) for name, annotation, default in listing.extra]
    positional = [n for n in row.positional if n != listing.cursor]
    lines = _signature(listing.method, params, positional, listing.returns, is_async=False)
    lines += _docstring(listing.doc)
    lines += [f"        return self.{listing.helper}(", f"            rows.{_constant(row)},"]
    lines += _values(a.name for a in filters)
    lines += [f"            {name}={name}," for name, _, _ in listing.extra]
    lines.append("        )")
    return lines


def _annotations(rows: list[Endpoint[Any]]) -> list[str]:
    found = []
    for row in rows:
        found += [a.annotation for a in row.args]
        found.append(row.result.annotation)
        for listing in row.listings:
            found.append(listing.returns)
            found += [annotation for annotation, _ in listing.overrides.values()]
            found += [annotation for _, annotation, _ in listing.extra]
    return found


def _imports(module: ResourceModule, rows: list[Endpoint[Any]]) -> list[str]:
    names = _names(_annotations(rows))
    models = sorted(names & set(_models.__all__), key=str.lower)
    unknown = names - set(models) - _PAGINATION - _TYPING - _OPERATIONS - {"Sequence", "_dt"}
    if unknown:
        raise ValueError(f"annotations use names the generator cannot import: {sorted(unknown)}")
    lines = []
    if "_dt" in names:
        lines.append("import datetime as _dt")
    if "Sequence" in names:
        lines.append("from collections.abc import Sequence")
    typing_names = sorted(names & _TYPING)
    if typing_names:
        lines.append(f"from typing import {', '.join(typing_names)}")
    if lines:
        lines.append("")
    if models:
        lines.append("from .._models import (")
        lines += [f"    {name}," for name in models]
        lines.append(")")
    operations = sorted((names & _OPERATIONS) | {"rows"})
    lines.append(f"from .._operations import {', '.join(operations)}")
    pagination = sorted(names & _PAGINATION)
    if pagination:
        lines.append(f"from .._pagination import {', '.join(pagination)}")
    lines.append(f"from {module.base_module} import {module.base}")
    return lines


def _header(doc: list[str]) -> list[str]:
    """A generated module's docstring (``doc``, then how it is made) and its first import."""
    return [
        f'"""{doc[0]}',
        *doc[1:],
        "",
        "Generated from the endpoint table by",
        "``python -m ghl_conversations._operations._codegen``: change the table and run it; do not",
        "edit this file (a test fails when it is stale).",
        '"""',
        "",
        "from __future__ import annotations",
        "",
    ]


def _names(annotations: Iterable[str]) -> set[str]:
    """The identifiers ``annotations`` use (string literals and builtins left out)."""
    texts = [_STRING.sub("", text) for text in annotations]
    return {n for text in texts for n in _IDENTIFIER.findall(text)} - _BUILTINS


def generate(resource: str) -> str:
    """The source of ``resource``'s generated module."""
    module = RESOURCES[resource]
    rows = [row for row in ROWS if row.resource == resource]
    doc = module.doc.split("\n")
    lines = _header(doc)
    lines += _imports(module, rows)
    lines += ["", f'__all__ = ["{module.class_name}"]', "", ""]
    lines.append(f"class {module.class_name}({module.base}):")
    lines.append(f'    """The ``client.{resource}`` methods, generated from the endpoint table."""')
    for row in rows:
        lines.append("")
        lines += _method(row)
        for listing in row.listings:
            lines.append("")
            lines += _listing(row, listing)
    return "\n".join(lines) + "\n"


#: Where the iterators' filter classes (``Listing.filters_class``) are generated.
FILTERS_PATH = _PACKAGE / "_pagination" / "_generated_filters.py"


def _filter_field(row: Endpoint[Any], listing: Listing, arg: Arg) -> tuple[str, str, str | None]:
    """A filter as the iterator keeps it: the row's type (dates already parsed), the listing's
    default, and no ``None`` where the default is a value."""
    default = None if arg.required else arg.default
    if arg.name in listing.overrides:
        default = listing.overrides[arg.name][1]
    annotation = arg.annotation
    if default is not None and default != "None":
        annotation = annotation.removesuffix(" | None")
    return arg.name, annotation, default


def _filters_class(row: Endpoint[Any], listing: Listing) -> list[str]:
    lines = ["@attrs.frozen", f"class {listing.filters_class}:"]
    where = f"{row.resource}.{listing.method}"
    lines.append(f'    """The filters of ``{where}``, as the table lists them."""')
    lines.append("")
    for name, annotation, default in (
        _filter_field(row, listing, a) for a in _listing_args(row, listing)
    ):
        lines.append(f"    {name}: {annotation}" + (f" = {default}" if default else ""))
    return lines


def generate_filters() -> str:
    """The source of the module holding every ``Listing.filters_class``."""
    found = [(row, lst) for row in ROWS for lst in row.listings if lst.filters_class]
    names = _names(a.annotation for row, lst in found for a in _listing_args(row, lst))
    models = sorted(names & set(_models.__all__), key=str.lower)
    unknown = names - set(models) - {"_dt"}
    if unknown:
        raise ValueError(f"filters use names the generator cannot import: {sorted(unknown)}")
    lines = _header(
        [
            "The iterators' filters, each field one filter of its row: every filter list is",
            "written once, in the endpoint table.",
        ]
    )
    if "_dt" in names:
        lines += ["import datetime as _dt", ""]
    lines += ["import attrs", ""]
    if models:
        lines.append(f"from .._models import {', '.join(models)}")
    quoted = ", ".join(f'"{lst.filters_class}"' for _, lst in found)
    lines += ["", f"__all__ = [{quoted}]"]
    for row, listing in found:
        lines += ["", "", *_filters_class(row, listing)]
    return "\n".join(lines) + "\n"


def _generated() -> dict[pathlib.Path, str]:
    modules = {resource_path(module): generate(name) for name, module in RESOURCES.items()}
    modules[FILTERS_PATH] = generate_filters()
    return modules


def stale() -> list[pathlib.Path]:
    """The generated modules whose checked-in text differs from what the table generates."""
    return [
        path
        for path, text in _generated().items()
        if not path.exists() or path.read_text(encoding="utf-8") != text
    ]


def main(argv: list[str] | None = None) -> int:
    """Write (or with ``--check``, compare) every generated resource module."""
    parser = argparse.ArgumentParser(prog="python -m ghl_conversations._operations._codegen")
    parser.add_argument("--check", action="store_true", help="exit 1 if a module is stale")
    args = parser.parse_args(argv)
    if args.check:
        out_of_date = stale()
        for path in out_of_date:
            print(f"stale: {path}", file=sys.stderr)
        return 1 if out_of_date else 0
    for path, text in _generated().items():
        path.write_text(text, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
