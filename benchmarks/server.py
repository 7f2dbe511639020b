"""The fake HighLevel in its own process, so server and client each get a core.

``python -m benchmarks.server --messages N ...`` prints one JSON line (url, token, location) and
serves until its standard input closes.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import subprocess
import sys
from collections.abc import Iterator
from typing import Any

from ghl_conversations.testing import FakeHighLevel


async def _serve(args: argparse.Namespace) -> None:
    fake = FakeHighLevel(
        messages=args.messages,
        seed=1,
        latency=args.latency,
        rate_limit=args.rate_limit,
        rate_interval=args.rate_interval,
        daily_limit=10**12,
        record_requests=False,
        future_values=False,
    )
    async with fake:
        print(
            json.dumps({"url": fake.url, "token": fake.token, "location": fake.location_id}),
            flush=True,
        )
        loop = asyncio.get_running_loop()
        await loop.run_in_executor(None, sys.stdin.read)


@contextlib.contextmanager
def serve_process(command: list[str], name: str) -> Iterator[dict[str, Any]]:
    """Run a server script that prints one JSON line and serves until its stdin closes; yield
    that line's object; stop the server afterwards (every benchmark server works this way)."""
    process = subprocess.Popen(command, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    try:
        assert process.stdout is not None
        line = process.stdout.readline()
        if not line:
            raise RuntimeError(f"the {name} did not start")
        info: dict[str, Any] = json.loads(line)
        yield info
    finally:
        assert process.stdin is not None
        process.stdin.close()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()


@contextlib.contextmanager
def serve(
    *, messages: int, latency: float = 0.0, rate_limit: int = 10**9, rate_interval: float = 10.0
) -> Iterator[dict[str, Any]]:
    """Start the fake in a subprocess; yield its url/token/location; stop it afterwards."""
    command = [sys.executable, "-m", "benchmarks.server", "--messages", str(messages)]
    command += ["--latency", str(latency), "--rate-limit", str(rate_limit)]
    command += ["--rate-interval", str(rate_interval)]
    with serve_process(command, "benchmark server") as info:
        yield info


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--messages", type=int, required=True)
    parser.add_argument("--latency", type=float, default=0.0)
    parser.add_argument("--rate-limit", type=int, default=10**9)
    parser.add_argument("--rate-interval", type=float, default=10.0)
    asyncio.run(_serve(parser.parse_args()))


if __name__ == "__main__":
    main()
