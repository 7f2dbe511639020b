"""A response model's typed field holding the wrong JSON type is an invalid answer."""

from __future__ import annotations

from typing import Any

import pytest

import ghl_conversations as ghl
from ghl_conversations._models import Message, structure_response

BASE: dict[str, Any] = {"id": "m1", "dateAdded": "2024-01-02T03:04:05.000Z"}


@pytest.mark.parametrize(
    ("field", "value"),
    [("body", 12), ("body", ["x"]), ("attachments", "a.png"), ("attachments", [1])],
)
def test_a_typed_field_of_the_wrong_json_type_is_refused(field: str, value: object) -> None:
    with pytest.raises(ghl.APIResponseValidationError, match=field):
        structure_response({**BASE, field: value}, Message, operation="get-message")


def test_unknown_fields_enum_values_and_open_fields_survive() -> None:
    raw = {**BASE, "body": "hi", "status": "brand-new", "novel": [1], "meta": {"call": {"x": 1}}}
    message = structure_response(raw, Message, operation="get-message")
    assert message.body == "hi" and message.status == "brand-new"
    assert message.extra == {"novel": [1]}
    assert ghl.to_dict(message) == raw
