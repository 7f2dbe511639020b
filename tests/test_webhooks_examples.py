"""The bot examples users copy: the README's webhook snippets and ``examples/echo_bot.py``."""

from __future__ import annotations

import importlib.util
import os
import pathlib
import re
import subprocess
import sys
from typing import Any

import httpx
import pytest

ROOT = pathlib.Path(__file__).parent.parent


def bot_section_blocks() -> list[str]:
    readme = (ROOT / "README.md").read_text()
    section = readme.split("### For a bot:", 1)[1].split("\n## ", 1)[0]
    return re.findall(r"```python\n(.*?)```", section, flags=re.DOTALL)


def run_block(code: str) -> dict[str, Any]:
    namespace: dict[str, Any] = {"__name__": "readme_example"}
    exec(compile(code, "README.md", "exec"), namespace)
    return namespace


def test_the_readme_bot_snippets_run_as_written() -> None:
    blocks = bot_section_blocks()
    assert len(blocks) == 3
    for block in blocks:
        run_block(block)


async def test_the_readme_fastapi_snippet_refuses_an_unsigned_delivery() -> None:
    [fastapi_block] = [b for b in bot_section_blocks() if "FastAPI()" in b]
    app = run_block(fastapi_block)["app"]
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="http://bot.test"
    ) as http:
        response = await http.post("/ghl", content=b'{"type": "InboundMessage"}')
    assert response.status_code == 401


def load_example(name: str) -> Any:
    path = ROOT / "examples" / f"{name}.py"
    spec = importlib.util.spec_from_file_location(name, path)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


async def test_the_fastapi_bot_example_replies_through_the_fake() -> None:
    reply = await load_example("fastapi_bot").demo()
    assert reply == "You said: Where is my parcel?"


@pytest.mark.parametrize("example", ["echo_bot", "fastapi_bot"])
def test_a_bot_without_a_token_or_demo_says_so_in_one_line(example: str) -> None:
    env = {k: v for k, v in os.environ.items() if k != "GHL_TOKEN"}
    result = subprocess.run(
        [sys.executable, str(ROOT / "examples" / f"{example}.py")],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 2
    assert result.stdout == ""
    assert len(result.stderr.strip().splitlines()) == 1
    assert "GHL_TOKEN" in result.stderr and "--demo" in result.stderr
    assert "Traceback" not in result.stderr
