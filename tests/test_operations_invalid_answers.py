"""A 2xx answer that is not a valid answer raises ``APIResponseValidationError`` for every
operation (with its operationId, the status and a short excerpt, never the token): an empty body
where JSON is expected, truncated JSON, an HTML page, the wrong shape, a missing required field,
an unparsable date. Reads retry such an answer like a 5xx; writes raise it after one attempt."""

from __future__ import annotations

import re
import typing
from typing import Any

import attrs
import orjson
import pytest
from aioresponses import aioresponses

import ghl_conversations as ghl
from ghl_conversations._models._converter import _field_converter, wire_name
from ghl_conversations._operations import ResultKind, rows
from ghl_conversations._operations._row import Endpoint

from .conftest import TOKEN
from .test_operations_wire import CASES, MESSAGE, Case

JSON_CASES = [
    c
    for c in CASES
    if rows.ENDPOINTS[c.operation_id].result.kind
    not in (
        ResultKind.BYTES,
        ResultKind.TEXT,
    )
]

BAD_BODIES = {
    "empty": b"",
    "blank": b"  \n",
    "truncated": orjson.dumps({"messages": [MESSAGE], "id": "x"})[:-7],
    "html": b"<!DOCTYPE html><html><body>Bearer " + TOKEN.encode() + b" maintenance</body></html>",
    "wrong shape": b"[1, 2, 3]",
    "a bare string": b'"ok"',
}


def _row(case: Case) -> Endpoint[Any]:
    return rows.ENDPOINTS[case.operation_id]


async def _answer(
    mocked: aioresponses, client: ghl.Client, case: Case, body: bytes
) -> ghl.APIResponseValidationError:
    mocked.add(
        re.compile(".*"),
        case.method,
        status=case.status,
        body=body,
        content_type="application/json",
        repeat=True,
    )
    with pytest.raises(ghl.APIResponseValidationError) as caught:
        await case.call(client)
    return caught.value


def _attempts(mocked: aioresponses) -> int:
    return sum(len(calls) for calls in mocked.requests.values())


@pytest.mark.parametrize("kind", list(BAD_BODIES))
@pytest.mark.parametrize("case", JSON_CASES, ids=lambda c: c.operation_id)
async def test_an_invalid_answer_raises_a_typed_error(
    case: Case, kind: str, mocked: aioresponses, client: ghl.Client
) -> None:
    error = await _answer(mocked, client, case, BAD_BODIES[kind])
    assert error.operation == case.operation_id
    assert error.status == case.status
    assert len(error.excerpt) <= 200
    assert TOKEN not in str(error) and TOKEN not in error.excerpt and TOKEN not in repr(error)
    if _row(case).retry_safe:
        assert _attempts(mocked) > 1, "a read retries an invalid answer"
    else:
        assert _attempts(mocked) == 1, "a write never repeats a request the server may have run"


JUNK = ["x"]  # no date, enum value, model or list of models


def _converted(cls: Any) -> list[attrs.Attribute[Any]]:
    """The fields of a model that need a conversion (dates, enums, nested models and lists)."""
    attrs.resolve_types(cls)
    return [f for f in attrs.fields(cls) if f.name != "extra" and _field_converter(f.type)]


def _broken_variants(case: Case) -> list[bytes]:
    """Copies of the answer with one converted field, of the result or of its first nested
    item, replaced by junk."""
    row = _row(case)
    target = row.result.target
    base = row.unwrap(case.response) if row.unwrap is not None else case.response
    found = []
    for field in _converted(target):
        key = wire_name(field)
        found.append(orjson.dumps({**base, key: JUNK}))
        is_list = typing.get_origin(field.type) is list
        item_type = typing.get_args(field.type)[0] if is_list else None
        if (
            isinstance(base.get(key), list)
            and base[key]
            and item_type is not None
            and attrs.has(item_type)
        ):
            for inner in _converted(item_type):
                item = {**base[key][0], wire_name(inner): JUNK}
                found.append(orjson.dumps({**base, key: [item]}))
    return found


MODEL_CASES = [
    c for c in JSON_CASES if attrs.has(_row(c).result.target) and _converted(_row(c).result.target)
]


@pytest.mark.parametrize("case", MODEL_CASES, ids=lambda c: c.operation_id)
async def test_a_field_of_the_wrong_type_is_refused(
    case: Case, mocked: aioresponses, client: ghl.Client
) -> None:
    """Each field that needs a conversion gets a value it cannot take: the answer is refused
    instead of becoming a half-built model."""
    broken = _broken_variants(case)
    assert broken
    for body in broken:
        mocked.add(re.compile(".*"), case.method, status=case.status, body=body, repeat=True)
        with pytest.raises(ghl.APIResponseValidationError):
            await case.call(client)
        mocked.clear()


async def test_a_message_without_its_id_is_refused(
    mocked: aioresponses, client: ghl.Client
) -> None:
    mocked.get(re.compile(".*"), payload={"message": {"body": "x"}}, repeat=True)
    with pytest.raises(ghl.APIResponseValidationError, match="'id'"):
        await client.messages.get("m1")


async def test_an_export_page_whose_messages_are_not_a_list_is_refused(
    mocked: aioresponses, client: ghl.Client
) -> None:
    mocked.get(re.compile(".*"), payload={"messages": {"0": MESSAGE}, "nextCursor": None})
    mocked.get(re.compile(".*"), payload={"messages": [MESSAGE], "nextCursor": None})
    page = await client.messages.export_page("loc1")  # the first answer is retried
    assert [m.id for m in page.messages] == ["msg1"]


async def test_a_no_content_answer_is_an_empty_result_where_the_model_allows_it(
    mocked: aioresponses, client: ghl.Client
) -> None:
    mocked.delete(re.compile(".*"), status=204, body=b"")
    result = await client.conversations.delete("cv1")
    assert result.success is None


@pytest.mark.parametrize(
    ("call", "page"),
    [
        (lambda c: c.messages.export_page("loc1"), {"nextCursor": None, "total": 0}),
        (lambda c: c.conversations.search_page("loc1"), {"total": 3}),
        (lambda c: c.conversations.messages_page("cv1"), {"lastMessageId": "m", "nextPage": True}),
    ],
)
async def test_a_page_without_its_list_is_not_a_page(
    call: Any, page: dict[str, Any], mocked: aioresponses, client: ghl.Client
) -> None:
    mocked.get(re.compile(".*"), payload=page, repeat=True)
    with pytest.raises(ghl.APIResponseValidationError, match="not a JSON array"):
        await call(client)
