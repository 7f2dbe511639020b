"""Audit of issue 13's plain measurements: module size, documented public definitions, and the
public test seam (``ghl.MockTransport`` with sync and async handlers is a ``Transport``)."""

from __future__ import annotations

import ast
import enum
import importlib
import inspect
import pathlib
import re
from collections.abc import Iterator
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


def _layer_map() -> list[list[str]]:
    """The layers the package docstring lists, top to bottom (each a list of names)."""
    doc = ghl.__doc__ or ""
    block = doc.split("each folder is one layer:", 1)[1].split("```")[1]
    layers = []
    for line in block.strip().splitlines():
        head = line.split("  ", 1)[0]
        layers.append(re.findall(r"(\w+)/", head) or [n.strip() for n in head.split(",")])
    return layers


def test_the_layer_map_names_every_folder_and_only_folders_that_exist() -> None:
    named = {name for layer in _layer_map() for name in layer}
    folders = {p.parent.name for p in PACKAGE.glob("*/__init__.py")}
    assert folders <= named
    assert all((PACKAGE / name).is_dir() or (PACKAGE / f"{name}.py").exists() for name in named)


def _imports(path: pathlib.Path) -> Iterator[tuple[str, int]]:
    """The package-relative modules ``path`` imports from the package, with their line."""
    parts = list(path.relative_to(PACKAGE).with_suffix("").parts)
    package = parts[:-1]
    for node in ast.walk(ast.parse(path.read_text())):
        if not isinstance(node, ast.ImportFrom):
            continue
        if node.level:
            base = package[: len(package) - (node.level - 1)]
            target = ".".join([*base, *([node.module] if node.module else [])])
        elif node.module and node.module.startswith("ghl_conversations."):
            target = node.module.split(".", 1)[1]
        else:
            continue
        if target:
            yield target, node.lineno


def test_no_module_imports_a_layer_above_its_own() -> None:
    rank = {name: index for index, layer in enumerate(_layer_map()) for name in layer}
    upward, checked = [], 0
    for path in MODULES:
        own = rank.get(path.relative_to(PACKAGE).parts[0].removesuffix(".py"))
        if own is None:
            continue
        for target, line in _imports(path):
            other = rank.get(target.split(".")[0])
            checked += other is not None
            if other is not None and other < own:
                upward.append(f"{path.relative_to(PACKAGE)}:{line} imports {target}")
    assert checked > 100 and upward == []
