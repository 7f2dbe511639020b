"""Ids stay one path segment: for every operation with an id in its path (read from the table),
an empty, ``.`` or ``..`` id is refused before anything is sent, and any other id is
percent-encoded into exactly its own segment."""

from __future__ import annotations

import contextlib
import re
import urllib.parse
from typing import Any

import pytest
from aioresponses import aioresponses

import ghl_conversations as ghl
from ghl_conversations._operations import Endpoint, rows

PATH_ROWS = [row for row in rows.ROWS if any(a.place == "path" for a in row.args)]

#: A valid value for each required annotation the path operations use.
SAMPLES: dict[str, Any] = {
    "str": "ok-1",
    "StatusUpdate": "delivered",
    "Sequence[str]": ["https://x.test/a.png"],
}


def _arguments(row: Endpoint[Any], **ids: str) -> dict[str, Any]:
    values = {a.name: SAMPLES[a.annotation] for a in row.args if a.required}
    values.update(ids)
    return values


def _method(client: ghl.Client, row: Endpoint[Any]) -> Any:
    return getattr(getattr(client, row.resource), row.name)


def test_the_table_has_path_operations() -> None:
    assert len(PATH_ROWS) >= 12


@pytest.mark.parametrize("bad", ["", ".", ".."])
@pytest.mark.parametrize("row", PATH_ROWS, ids=lambda r: r.operation_id)
async def test_an_id_that_would_leave_its_segment_is_refused_before_sending(
    row: Endpoint[Any], bad: str, mocked: aioresponses, client: ghl.Client
) -> None:
    for arg in (a for a in row.args if a.place == "path"):
        with pytest.raises(ValueError, match=arg.name):
            await _method(client, row)(**_arguments(row, **{arg.name: bad}))
    assert not mocked.requests


@pytest.mark.parametrize("row", PATH_ROWS, ids=lambda r: r.operation_id)
async def test_every_other_id_is_encoded_into_its_own_segment(
    row: Endpoint[Any], mocked: aioresponses, client: ghl.Client
) -> None:
    hostile = "../a b/%2e%2e?x=1#f"
    path_args = [a.name for a in row.args if a.place == "path"]
    mocked.add(re.compile(".*"), row.method, body=b"", repeat=True)
    # An empty answer is refused where JSON is expected; here only the request counts.
    with contextlib.suppress(ghl.APIResponseValidationError):
        await _method(client, row)(**_arguments(row, **dict.fromkeys(path_args, hostile)))
    (method, url), *_ = mocked.requests
    assert method == row.method
    template = row.path_template.split("/")
    sent = url.raw_path.split("/")
    assert len(sent) == len(template)
    for expected, segment in zip(template, sent, strict=True):
        if expected.startswith("{"):
            assert urllib.parse.unquote(segment) == hostile
        else:
            assert segment == expected
    query_args = {a.wire for a in row.args if a.place == "query"}
    assert set(url.query) <= query_args
