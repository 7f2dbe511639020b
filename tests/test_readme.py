"""Every Python block of the README and of ``docs/*.md`` runs as written, against the fake.

Each block is written unedited to a file in a fresh directory and run in its own interpreter,
as a user who copied it would (a block that defines ``test_*`` functions is a test module: it is
run with pytest, as its reader would). No network: a ``FakeHighLevel`` on 127.0.0.1 stands in for
HighLevel, reached through the environment the client already honours (``GHL_BASE_URL``,
``GHL_TOKEN``), and it accepts the README's placeholders: the token ``"pit-..."``, the OAuth
client ``"..."``/``"..."`` with the refresh token ``"..."``, and the locations ``"LOCATION_ID"``,
``"LOC"``, ``"LOC1"``, ``"LOC2"``.
Blocks that serve forever (``web.run_app``, ``uvicorn.run``) serve briefly instead and have every
GET route requested, and so do the web apps a block only defines (``app = FastAPI()``, to be run
by ``uvicorn main:app``): see ``tests/_readme_site/``.
"""

from __future__ import annotations

import ast
import json
import os
import subprocess
import sys
import textwrap
from collections.abc import Iterator
from pathlib import Path

import pytest

from ghl_conversations.testing import FakeHighLevel

from ._readme_blocks import Block, blocks_of, documentation_files

SITE = Path(__file__).resolve().parent / "_readme_site"

PLACEHOLDER_TOKEN = "pit-..."
PLACEHOLDER_LOCATION = "LOCATION_ID"
OTHER_PLACEHOLDER_LOCATIONS = ("LOC", "LOC1", "LOC2")
#: Enough for the export idiom's checkpoint (every 10,000 messages) to be taken.
MESSAGES = 12_000
#: A hang guard for one block, never a speed assertion.
HANG_GUARD_SECONDS = 300

BLOCKS = [block for path in documentation_files() for block in blocks_of(path)]


@pytest.fixture
def fake() -> Iterator[FakeHighLevel]:
    with FakeHighLevel(
        token=PLACEHOLDER_TOKEN,
        location_id=PLACEHOLDER_LOCATION,
        messages=MESSAGES,
        locations=dict.fromkeys(OTHER_PLACEHOLDER_LOCATIONS, 200),
        oauth_client_id="...",
        oauth_client_secret="...",
    ) as server:
        server.refresh_tokens["..."] = PLACEHOLDER_LOCATION  # the Auth example's installed pair
        yield server


def _is_test_module(code: str) -> bool:
    return any(
        isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef) and node.name.startswith("test_")
        for node in ast.parse(code).body
    )


def run_block(code: str, fake: FakeHighLevel, workdir: Path) -> subprocess.CompletedProcess[str]:
    """Run ``code`` as a reader would, in ``workdir``, with the environment pointing at ``fake``."""
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join(filter(None, [str(SITE), os.environ.get("PYTHONPATH")])),
        "GHL_BASE_URL": fake.url,
        "GHL_TOKEN": PLACEHOLDER_TOKEN,
        "README_FAKE_LOCATION": PLACEHOLDER_LOCATION,
        "RUNTIME__DLTHUB_TELEMETRY": "false",
    }
    env.pop("GHL_TOKENS", None)
    if _is_test_module(code):
        script = workdir / "test_readme_example.py"
        command = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", script.name]
    else:
        script = workdir / "main.py"
        command = [sys.executable, "-m", "readme_runner", script.name]
    workdir.mkdir(parents=True, exist_ok=True)
    script.write_text(code, encoding="utf-8")
    return subprocess.run(
        command,
        cwd=workdir,
        env=env,
        capture_output=True,
        text=True,
        timeout=HANG_GUARD_SECONDS,
        check=False,
    )


def _problems(result: subprocess.CompletedProcess[str]) -> list[str]:
    """What a user running the block would see go wrong: an exit code, or a leak or a
    swallowed traceback reported on stderr."""
    problems = []
    if result.returncode != 0:
        problems.append(f"exit code {result.returncode}")
    for symptom in ("Traceback", "Unclosed", "was never awaited", "Task was destroyed"):
        if symptom in result.stderr:
            problems.append(f"stderr shows {symptom!r}")
    return problems


def _report(block: Block, result: subprocess.CompletedProcess[str], problems: list[str]) -> str:
    return (
        f"{block.path}:{block.line} ({block.section}): {', '.join(problems)}\n"
        f"--- stdout (tail) ---\n{result.stdout[-3000:]}\n"
        f"--- stderr (tail) ---\n{result.stderr[-6000:]}"
    )


def test_the_readme_has_python_blocks_to_run() -> None:
    sections = {block.section for block in BLOCKS if block.path == "README.md"}
    assert {"Quickstart", "Auth"} <= sections, sections


@pytest.mark.parametrize("block", BLOCKS, ids=[block.test_id for block in BLOCKS])
def test_block_runs_as_written(block: Block, fake: FakeHighLevel, tmp_path: Path) -> None:
    if block.skip_reason is not None:
        pytest.skip(f"marked in {block.path} as not runnable: {block.skip_reason}")
    result = run_block(block.code, fake, tmp_path)
    problems = _problems(result)
    assert not problems, _report(block, result, problems)


# -- the harness itself: a broken block must fail ------------------------------------------------


def test_blocks_are_found_as_a_reader_sees_them(tmp_path: Path) -> None:
    page = tmp_path / "page.md"
    page.write_text(
        textwrap.dedent(
            """
            # Title

            ```bash
            echo not python
            ```

            ## Steps

            1. In a list item:

               ```python
               if True:
                   print("indented")
               ```

            <!-- readme-test: skip: prints what a terminal shows -->
            ```python
            >>> 1 + 1
            ```
            """
        )
    )
    listed, marked = blocks_of(page)
    assert (listed.section, listed.line, listed.skip_reason) == ("Steps", 12, None)
    assert listed.code == 'if True:\n    print("indented")\n'
    assert marked.skip_reason == "prints what a terminal shows"
    assert listed.test_id == "page.md:12:steps"


def test_a_failing_block_is_reported(fake: FakeHighLevel, tmp_path: Path) -> None:
    result = run_block("import ghl_conversations\nwrite_somewhere()\n", fake, tmp_path)
    assert result.returncode != 0
    assert "NameError" in result.stderr


def test_a_block_reaches_the_fake_through_the_placeholders(
    fake: FakeHighLevel, tmp_path: Path
) -> None:
    code = textwrap.dedent(
        """
        import asyncio
        import ghl_conversations as ghl

        async def main() -> None:
            async with ghl.Client(token="pit-...") as client:
                found = await client.conversations.search("LOCATION_ID", max_items=3).to_list()
                print(len(found))

        asyncio.run(main())
        """
    )
    result = run_block(code, fake, tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "3"
    assert fake.requests[-1].query["locationId"] == "LOCATION_ID"


def test_a_served_route_that_fails_fails_the_block(fake: FakeHighLevel, tmp_path: Path) -> None:
    code = textwrap.dedent(
        """
        from aiohttp import web

        async def broken(request: web.Request) -> web.Response:
            raise web.HTTPInternalServerError()

        app = web.Application()
        app.router.add_get("/{location}/broken", broken)
        web.run_app(app)
        """
    )
    result = run_block(code, fake, tmp_path)
    assert result.returncode != 0
    assert "GET /LOCATION_ID/broken answered 500" in result.stderr


def test_a_fastapi_lifespan_that_fails_fails_the_block(fake: FakeHighLevel, tmp_path: Path) -> None:
    code = textwrap.dedent(
        """
        from contextlib import asynccontextmanager
        import uvicorn
        from fastapi import FastAPI

        @asynccontextmanager
        async def lifespan(app):
            raise RuntimeError("no database")
            yield

        app = FastAPI(lifespan=lifespan)
        uvicorn.run(app)
        """
    )
    result = run_block(code, fake, tmp_path)
    assert result.returncode != 0
    assert "no database" in result.stderr


# -- what the export example promises: killed at any point, run again, every message once ---------


def _export_fake(daily_limit: int = 200_000) -> FakeHighLevel:
    return FakeHighLevel(
        token=PLACEHOLDER_TOKEN,
        location_id=PLACEHOLDER_LOCATION,
        messages=25_000,
        daily_limit=daily_limit,
    )


def test_the_export_example_resumes_after_a_crash_with_every_message_once(tmp_path: Path) -> None:
    (block,) = [b for b in BLOCKS if b.section.startswith("For an export job")]
    with _export_fake() as fake:  # how many requests the whole export takes
        complete = run_block(block.code, fake, tmp_path / "complete")
        assert complete.returncode == 0, complete.stderr
        needed = fake.request_count
    # The location's daily budget runs out three quarters of the way (past the first checkpoint,
    # taken at 10,000 of 25,000): the run dies with lines written after its checkpoint, as a
    # killed process would leave them.
    workdir = tmp_path / "crashed"
    with _export_fake(daily_limit=needed * 3 // 4) as fake:
        crashed = run_block(block.code, fake, workdir)
        assert crashed.returncode != 0, crashed.stdout
        assert "RateLimitError" in crashed.stderr
        state = json.loads((workdir / "messages.state.json").read_text())
        written = (workdir / "messages.jsonl").stat().st_size
        assert 0 < state["offset"] < written  # a checkpoint, and lines beyond it

        fake.daily_limit = 200_000
        resumed = run_block(block.code, fake, workdir)
        assert resumed.returncode == 0, resumed.stderr
        lines = (workdir / "messages.jsonl").read_text().splitlines()
        ids = [json.loads(line)["id"] for line in lines]
        assert sorted(ids) == sorted(fake.dataset.message_id(i) for i in range(25_000))
        assert not (workdir / "messages.state.json").exists()
