"""Audit of issue 13's plain measurements: module size, documented public definitions, and the
public test seam (``ghl.MockTransport`` with sync and async handlers is a ``Transport``)."""

from __future__ import annotations

import enum
import importlib
import inspect
import pathlib
from typing import Any

import pytest

import ghl_conversations as ghl

PACKAGE = pathlib.Path(ghl.__file__).resolve().parent
MODULES = sorted(PACKAGE.rglob("*.py"))

#: Where a module is allowed to grow past the rule of thumb, say why (none today).
LIMIT = 500


@pytest.mark.parametrize("path", MODULES, ids=lambda p: str(p.relative_to(PACKAGE)))
def test_no_module_is_over_about_500_lines(path: pathlib.Path) -> None:
    lines = len(path.read_text().splitlines())
    assert lines <= LIMIT, f"{path.relative_to(PACKAGE)} has {lines} lines"


def _undocumented(module_name: str) -> list[str]:
    """The public names of ``module_name`` (``__all__``), and their public methods and
    properties, that have no docstring. Enum members and constants carry no docstring."""
    module = importlib.import_module(module_name)
    missing = []
    for name in module.__all__:
        obj = getattr(module, name)
        if not (inspect.isclass(obj) or inspect.isfunction(obj)):
            continue
        if not (obj.__doc__ or "").strip():
            missing.append(name)
        if not inspect.isclass(obj) or issubclass(obj, enum.Enum):
            continue
        for attribute, value in vars(obj).items():
            if attribute.startswith("_"):
                continue
            function: Any = value.fget if isinstance(value, property) else value
            function = getattr(function, "__func__", function)
            if inspect.isfunction(function) and not (function.__doc__ or "").strip():
                missing.append(f"{name}.{attribute}")
    return missing


PUBLIC_MODULES = [
    "ghl_conversations",
    "ghl_conversations.webhooks",
    "ghl_conversations.testing",
    "ghl_conversations.cli",
    "ghl_conversations.temporal",
    "ghl_conversations.dlt",
]


@pytest.mark.parametrize("module_name", PUBLIC_MODULES)
def test_every_public_definition_is_documented(module_name: str) -> None:
    assert _undocumented(module_name) == []


def _reply(request: ghl.Request) -> ghl.Response:
    return ghl.Response.from_json({"message": {"id": request.url.rsplit("/", 1)[-1]}})


async def _async_reply(request: ghl.Request) -> ghl.Response:
    return _reply(request)


@pytest.mark.parametrize("handler", [_reply, _async_reply], ids=["sync", "async"])
async def test_mock_transport_with_either_handler_is_a_transport(handler: Any) -> None:
    transport: ghl.Transport = ghl.MockTransport(handler)  # mypy checks the protocol here
    assert isinstance(transport, ghl.Transport)
    async with ghl.Client(token="pit-seam", transport=transport, clock=ghl.ManualClock()) as c:
        message = await c.messages.get("m7")
    assert message.id == "m7"
    request = ghl.Request("GET", "https://services.leadconnectorhq.com/conversations/messages/m8")
    async with transport.stream(request) as streamed:
        assert streamed.status == 200 and b'"m8"' in await streamed.read()
    await transport.aclose()
