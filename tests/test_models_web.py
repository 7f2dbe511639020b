"""Models are safe to hand to a web framework: FastAPI serialises them in HighLevel's wire form,
exactly as ``ghl.to_dict`` gives it, never a private field, whether the route declares its
result type or not."""

from __future__ import annotations

from typing import Any

import pytest

import ghl_conversations as ghl

pytest.importorskip("fastapi")

from fastapi import FastAPI
from fastapi.testclient import TestClient

MESSAGE = {
    "id": "m1",
    "messageType": "TYPE_HOLOGRAM",
    "dateAdded": "2024-05-01T12:30:00.123Z",
    "direction": "inbound",
    "meta": {"callDuration": 4, "brandNew": [1, 2]},
    "zzUnknown": {"kept": True},
}
PAGE = {"messages": [MESSAGE, {**MESSAGE, "id": "m2"}], "nextCursor": "c", "total": 2}


def _private_keys(value: Any) -> list[str]:
    if isinstance(value, dict):
        found = [k for k in value if k.startswith("_") or k == "extra"]
        return found + [k for v in value.values() for k in _private_keys(v)]
    if isinstance(value, list):
        return [k for v in value for k in _private_keys(v)]
    return []


@pytest.fixture
def client() -> TestClient:
    app = FastAPI()
    message = ghl.structure(MESSAGE, ghl.Message)
    page = ghl.structure(PAGE, ghl.ExportPage)

    @app.get("/untyped")
    async def untyped():  # type: ignore[no-untyped-def]
        return message

    @app.get("/any")
    async def any_result() -> Any:
        return {"message": message}

    @app.get("/typed")
    async def typed() -> ghl.Message:
        return message

    @app.get("/page", response_model=ghl.ExportPage)
    async def as_page() -> Any:
        return page

    @app.get("/built-in-code")
    async def built() -> ghl.CallData:
        return ghl.CallData(to="+1", from_="+2")

    @app.get("/list")
    async def listed() -> list[ghl.Message]:
        return page.messages

    return TestClient(app)


@pytest.mark.parametrize(
    ("route", "expected"),
    [
        ("/untyped", MESSAGE),
        ("/any", {"message": MESSAGE}),
        ("/typed", MESSAGE),
        ("/page", PAGE),
        ("/built-in-code", {"to": "+1", "from": "+2"}),
        ("/list", PAGE["messages"]),
    ],
)
def test_a_route_returns_the_wire_form_and_no_private_field(
    client: TestClient, route: str, expected: Any
) -> None:
    response = client.get(route)
    assert response.status_code == 200
    assert response.json() == expected
    assert _private_keys(response.json()) == []


def test_the_openapi_schema_can_be_generated(client: TestClient) -> None:
    schema = client.get("/openapi.json").json()
    assert "/typed" in schema["paths"]


def test_dict_of_a_model_is_its_wire_form() -> None:
    message = ghl.structure(MESSAGE, ghl.Message)
    assert dict(message) == ghl.to_dict(message) == MESSAGE
    assert "_raw" not in dict(message)
