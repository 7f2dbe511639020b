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
def serve(
    *, messages: int, latency: float = 0.0, rate_limit: int = 10**9, rate_interval: float = 10.0
) -> Iterator[dict[str, Any]]:
    """Start the fake in a subprocess; yield its url/token/location; stop it afterwards."""
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "benchmarks.server",
            "--messages",
            str(messages),
            "--latency",
            str(latency),
            "--rate-limit",
            str(rate_limit),
            "--rate-interval",
            str(rate_interval),
        ],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert process.stdout is not None
        line = process.stdout.readline()
        if not line:
            raise RuntimeError("the benchmark server did not start")
        yield json.loads(line)
    finally:
        assert process.stdin is not None
        process.stdin.close()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--messages", type=int, required=True)
    parser.add_argument("--latency", type=float, default=0.0)
    parser.add_argument("--rate-limit", type=int, default=10**9)
    parser.add_argument("--rate-interval", type=float, default=10.0)
    asyncio.run(_serve(parser.parse_args()))


if __name__ == "__main__":
    main()
