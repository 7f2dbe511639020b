"""The endpoint table generates the resource surface: checked-in modules match it, every row's
method takes exactly the row's arguments, and malformed rows are refused when they are built."""

from __future__ import annotations

import inspect
from typing import Any

import attrs
import pytest

import ghl_conversations as ghl
from ghl_conversations._operations import _codegen, rows
from ghl_conversations._operations._row import Endpoint, Listing, body, model, path, query
from ghl_conversations._pagination import ExportFilters
from ghl_conversations._resources import Conversations, Emails, Messages, Preferences, Providers

CLASSES: dict[str, type[Any]] = {
    "conversations": Conversations,
    "messages": Messages,
    "emails": Emails,
    "preferences": Preferences,
    "providers": Providers,
}


def test_the_checked_in_resource_modules_are_what_the_table_generates() -> None:
    assert _codegen.stale() == [], "run: python -m ghl_conversations._operations._codegen"
    assert _codegen.main(["--check"]) == 0


def _parameters(function: Any) -> dict[str, inspect.Parameter]:
    parameters = dict(inspect.signature(function).parameters)
    parameters.pop("self")
    return parameters


@pytest.mark.parametrize("row", rows.ROWS, ids=lambda r: r.operation_id)
def test_each_method_takes_exactly_its_rows_arguments(row: Endpoint[Any]) -> None:
    parameters = _parameters(getattr(CLASSES[row.resource], row.name))
    assert list(parameters) == [
        *row.positional,
        *(a.name for a in row.args if a.name not in row.positional),
    ]
    for arg in row.args:
        parameter = parameters[arg.name]
        assert (parameter.default is inspect.Parameter.empty) == arg.required
        positional = parameter.kind is inspect.Parameter.POSITIONAL_OR_KEYWORD
        assert positional == (arg.name in row.positional)


@pytest.mark.parametrize(
    ("row", "listing"),
    [(row, listing) for row in rows.ROWS for listing in row.listings],
    ids=lambda v: getattr(v, "method", getattr(v, "operation_id", "")),
)
def test_each_iterator_takes_the_rows_filters_once(row: Endpoint[Any], listing: Listing) -> None:
    parameters = _parameters(getattr(CLASSES[row.resource], listing.method))
    filters = [a.name for a in row.args if a.name != listing.cursor and a.name not in listing.omit]
    assert sorted(parameters) == sorted([*filters, *(name for name, _, _ in listing.extra)])


def test_export_filters_hold_the_export_rows_filters() -> None:
    row = rows.EXPORT_MESSAGES_BY_LOCATION
    assert {f.name for f in attrs.fields(ExportFilters)} == {
        a.name for a in row.args if a.name != "cursor"
    }


def test_every_post_row_states_whether_it_may_be_retried() -> None:
    with pytest.raises(ValueError, match="idempotent"):
        Endpoint("x", "POST", "/x", body(a="str"), model(ghl.SuccessResult), "r", "x", "")
    for row in rows.ROWS:
        assert row.idempotent in (True, False)


@pytest.mark.parametrize(
    "change",
    [
        {"one_of": (("a", "nope"),)},
        {"location_arg": "nope"},
        {"ranges": {"nope": (1, 2)}},
        {"required": ("nope",)},
        {"positional": ("nope",)},
        {"positional": ("b",)},
        {"path_template": "/x/{a}/{nope}"},
        {"args": query(a="str", b="str | None") + query(a="str")},
        {"listings": (Listing("all", "X", "_x", cursor="nope", doc=""),)},
    ],
)
def test_a_row_naming_something_that_is_not_an_argument_is_refused(change: dict[str, Any]) -> None:
    fields: dict[str, Any] = {
        "args": path(a="str") + query(b="str | None"),
        "path_template": "/x/{a}",
        "location_arg": None,
    }
    fields.update(change)
    with pytest.raises(ValueError, match="x"):
        Endpoint(
            "x",
            "GET",
            fields.pop("path_template"),
            fields.pop("args"),
            model(ghl.SuccessResult),
            "r",
            "x",
            "",
            **fields,
        )


def test_constants_are_the_literal_types_values() -> None:
    from ghl_conversations import _operations as ops

    assert "SMS" in ops.EXPORT_CHANNELS and "WhatsApp" in ops.EXPORT_CHANNELS
    assert "Live_Chat" in ops.SEND_TYPES
    low, high = rows.EXPORT_MESSAGES_BY_LOCATION.ranges["limit"]
    assert (low, high) == (10, 500)
    assert ops.EXPORT_PAGE_LIMITS == (10, 500)
    assert ops.API_VERSION == ghl.API_VERSION
    assert "pdf" in ops.ALLOWED_EXTENSIONS
