"""Helpers for the command-line tests: run the CLI as a real subprocess, read what it wrote."""

from __future__ import annotations

import contextlib
import json
import os
import pathlib
import re
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator, Mapping

import pytest

from ghl_conversations.testing import FakeHighLevel, Fault, FaultInjector

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


def wait_for(event: threading.Event, process: subprocess.Popen[str]) -> None:
    """Wait until ``event`` is set while ``process`` runs (bounded, so a broken test cannot
    hang). The event is checked last, so a process that ends just after setting it is fine."""
    deadline = time.monotonic() + 60
    while not event.wait(0.05):
        alive = process.poll() is None
        assert alive or event.is_set(), f"the process ended first: {process.communicate()}"
        assert time.monotonic() < deadline, "the event never came"


@contextlib.contextmanager
def held_request(
    monkeypatch: pytest.MonkeyPatch, path: str, nth: int = 1
) -> Iterator[threading.Event]:
    """Hold the fake's ``nth`` request whose path matches ``path`` unanswered until the block
    ends; the event yielded is set when that request has arrived.

    The CLI is then mid-request for as long as the test needs, whatever the machine's load: no
    delay decides what it has done. The fake answers nothing meanwhile (the request is held in
    its fault pick, on the fake's loop), so hold only while no other client needs the fake.
    """
    arrived, release = threading.Event(), threading.Event()
    seen = 0
    pick = FaultInjector.pick

    def holding_pick(
        injector: FaultInjector, method: str, where: str, query: Mapping[str, str] | None = None
    ) -> Fault | None:
        nonlocal seen
        if re.search(path, where) is not None:
            seen += 1
            if seen == nth:
                arrived.set()
                release.wait(120)
        return pick(injector, method, where, query)

    monkeypatch.setattr(FaultInjector, "pick", holding_pick)
    try:
        yield arrived
    finally:
        release.set()
