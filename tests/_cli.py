"""Helpers for the command-line tests: run the CLI as a real subprocess, read what it wrote."""

from __future__ import annotations

import json
import os
import pathlib
import subprocess
import sys
import time
from collections.abc import Callable

from ghl_conversations.testing import FakeHighLevel

#: The environment without the user's own GHL_* settings.
ENV = {k: v for k, v in os.environ.items() if not k.startswith("GHL_")}
COMMAND = [sys.executable, "-m", "ghl_conversations"]


def run(
    *args: str, env: dict[str, str] | None = None, cwd: pathlib.Path | None = None
) -> subprocess.CompletedProcess[str]:
    """Run ``ghl-conversations ARGS`` to the end."""
    return subprocess.run(
        [*COMMAND, *args], capture_output=True, text=True, timeout=120, env=env or ENV, cwd=cwd
    )


def start(*args: str) -> subprocess.Popen[str]:
    """Start ``ghl-conversations ARGS`` in the background."""
    return subprocess.Popen(
        [*COMMAND, *args],
        env=ENV,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def connection(fake: FakeHighLevel) -> list[str]:
    """The options that point the CLI at ``fake``."""
    return ["--token", fake.token, "--base-url", fake.url]


def expected_ids(fake: FakeHighLevel, location: str | None = None) -> set[str]:
    """Every message id of a location of ``fake``."""
    dataset = fake.datasets[location or fake.location_id]
    return {dataset.message_id(i) for i in range(dataset.count)}


def read_jsonl(path: pathlib.Path) -> list[dict[str, object]]:
    """The JSON objects of a JSONL file (every line must parse)."""
    return [json.loads(line) for line in path.read_text().splitlines()]


def wait_until(condition: Callable[[], bool], process: subprocess.Popen[str]) -> None:
    """Poll ``condition`` while ``process`` runs (bounded, so a broken test cannot hang)."""
    deadline = time.monotonic() + 60
    while not condition():
        assert process.poll() is None, f"the process ended first: {process.communicate()}"
        assert time.monotonic() < deadline, "the condition never came true"
        time.sleep(0.01)
