"""Shared parts of the fleet tests: reading a fleet's output, polling for a condition."""

from __future__ import annotations

import glob
import os
import time
from collections.abc import Callable, Iterable

import orjson


def exported_ids(out: str, location: str) -> list[str]:
    """Every message id in a location's published chunk files (in file order)."""
    ids: list[str] = []
    for path in sorted(glob.glob(os.path.join(out, location, "chunk-*.jsonl"))):
        with open(path, "rb") as handle:
            for line in handle:
                record = orjson.loads(line)
                assert record["locationId"] == location
                ids.append(record["id"])
    return ids


def leftover_parts(out: str) -> list[str]:
    """In-progress segment files still lying around (none once every chunk is published)."""
    return glob.glob(os.path.join(out, "*", ".*.part"))


def wait_until(condition: Callable[[], object], *, timeout: float = 120.0, what: str = "") -> None:
    """Poll ``condition`` until it holds (a generous limit only guards against a hang)."""
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what or condition}")
        time.sleep(0.05)


def chunks_in_progress(log_lines: Iterable[str]) -> set[str]:
    """Chunks (``LOC#N``) a worker's log shows started and not yet done."""
    started: set[str] = set()
    done: set[str] = set()
    for line in log_lines:
        if ": started (" in line:
            started.add(line.split("chunk ", 1)[1].split(" ", 1)[0])
        elif ": done," in line:
            done.add(line.split("chunk ", 1)[1].split(":", 1)[0])
    return started - done
