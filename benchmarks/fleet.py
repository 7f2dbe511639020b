"""Fleet throughput on Temporal: ``python -m benchmarks.fleet`` (minutes) or ``--smoke`` (seconds).

A local Temporal dev server, the fake HighLevel serving several locations with a per-location rate
limit and latency set so that the budget binds, and 1 then 2 worker processes. Reported: the
fleet's aggregate messages per second as a fraction of the summed per-location budgets
(locations x requests per window / window x page size), for each worker count. Timings are printed,
never asserted anywhere.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from typing import Any

from ghl_conversations.cli._fleet_demo import stop_workers, worker_command
from ghl_conversations.cli._fleet_demo import write_job_files as _write_job_files
from ghl_conversations.temporal import (
    DevServer,
    DirectorySink,
    FleetTimeouts,
    LocationExportInput,
    LocationProgress,
    connect,
    fleet_progress,
    start_fleet_export,
)
from ghl_conversations.testing import FakeHighLevel


def _settings(smoke: bool) -> dict[str, Any]:
    if smoke:
        return {
            "locations": 2,
            "messages": 1_500,
            "rate_limit": 50,
            "rate_interval": 1.0,
            "latency": 0.01,
            "page": 100,
        }
    # HighLevel's real budget (100 requests / 10 s) and a typical page latency; 1,000 requests
    # per location (about ten windows), so the empty window at the start weighs little.
    return {
        "locations": 6,
        "messages": 50_000,
        "rate_limit": 100,
        "rate_interval": 10.0,
        "latency": 0.05,
        "page": 50,
    }


async def _run_fleet(
    target: str, queue: str, locations: list[str], out: str, s: dict[str, Any]
) -> tuple[list[LocationProgress], float]:
    temporal = await connect(target)
    template = LocationExportInput(
        location_id=locations[0],
        sink=DirectorySink(out).spec(),
        chunk_messages=max(1_000, s["messages"] // 2),
        concurrency=2,
        page_size=s["page"],
        timeouts=FleetTimeouts(heartbeat=10.0, sticky_start=10.0),
    )
    started = time.monotonic()
    handles = await start_fleet_export(temporal, locations, template, task_queue=queue)
    while True:
        progress = await fleet_progress(handles)
        if all(p.status not in ("running", "exporting", "planning") for p in progress):
            break
        await asyncio.sleep(0.2)
    elapsed = time.monotonic() - started
    return progress, elapsed


@contextlib.contextmanager
def _fake_process(
    locations: list[str], tokens: dict[str, str], s: dict[str, Any]
) -> Iterator[dict[str, Any]]:
    """The fake in its own process (its own core); after the block, its 429 and request counts."""
    config = json.dumps({"locations": locations, "tokens": tokens, "settings": s})
    process = subprocess.Popen(
        [sys.executable, "-m", "benchmarks.fleet", "--serve-fake", config],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert process.stdin is not None and process.stdout is not None
    info: dict[str, Any] = json.loads(process.stdout.readline())
    try:
        yield info
    finally:
        process.stdin.close()
        info.update(json.loads(process.stdout.readline() or "{}"))
        process.wait(30)


async def _serve_fake(config: dict[str, Any]) -> None:
    s, locations = config["settings"], config["locations"]
    async with FakeHighLevel(
        seed=5,
        messages=s["messages"],
        location_id=locations[0],
        locations=dict.fromkeys(locations[1:], s["messages"]),
        tokens=config["tokens"],
        rate_limit=s["rate_limit"],
        rate_interval=s["rate_interval"],
        latency=s["latency"],
        record_requests=False,
    ) as fake:
        print(json.dumps({"url": fake.url}), flush=True)
        await asyncio.get_running_loop().run_in_executor(None, sys.stdin.read)
        counts = {"rate_limited_by_location": dict(fake.rate_limited_by_location)}
        print(json.dumps({**counts, "requests": fake.request_count}), flush=True)


def _wait_for_workers(log_path: str, count: int) -> None:
    """Measure the export, not the workers' start-up: wait until each one polls."""
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        with open(log_path, "rb") as log:
            if log.read().count(b"fleet worker polling") >= count:
                return
        time.sleep(0.05)
    raise RuntimeError(f"the workers did not start; see {log_path}")


def run_once(workers: int, s: dict[str, Any], server: DevServer) -> dict[str, Any]:
    """One fleet export of ``s['locations']`` locations with ``workers`` worker processes."""
    locations = [f"benchLocation{i:07d}" for i in range(1, s["locations"] + 1)]
    tokens = {loc: f"pit-bench-{loc.lower()}" for loc in locations}
    work = tempfile.mkdtemp(prefix="ghl-fleet-bench-")
    out = os.path.join(work, "out")
    with _fake_process(locations, tokens, s) as fake:
        token_file, _ = _write_job_files(work, tokens)
        queue = f"bench-{workers}-{os.getpid()}-{time.monotonic_ns()}"
        command = worker_command(
            server.target,
            task_queue=queue,
            base_url=fake["url"],
            token_file=token_file,
            rate_limit=s["rate_limit"],
            rate_interval=s["rate_interval"],
        )
        log_path = os.path.join(work, "workers.log")
        with open(log_path, "wb") as log:
            processes = [
                subprocess.Popen(command, stdin=subprocess.DEVNULL, stderr=log)
                for _ in range(workers)
            ]
        _wait_for_workers(log_path, workers)
        try:
            progress, elapsed = asyncio.run(_run_fleet(server.target, queue, locations, out, s))
        finally:
            stop_workers(processes)
    limited = fake["rate_limited_by_location"]
    messages = sum(p.messages for p in progress)
    budget = s["locations"] * s["rate_limit"] / s["rate_interval"] * s["page"]
    return {
        "workers": workers,
        "locations": s["locations"],
        "messages": messages,
        "complete": all(p.status == "completed" for p in progress)
        and messages == s["locations"] * s["messages"],
        "seconds": round(elapsed, 2),
        "messages_per_second": round(messages / elapsed),
        "budget_messages_per_second": round(budget),
        "fraction_of_budget": round(messages / elapsed / budget, 3),
        "rate_limited_429": sum(limited.values()),
        "most_429s_of_a_location": max(limited.values(), default=0),
        "requests": fake["requests"],
    }


def main(argv: list[str] | None = None) -> int:
    """Run 1 and 2 workers, print a Markdown table and the raw numbers as JSON."""
    parser = argparse.ArgumentParser(prog="python -m benchmarks.fleet")
    parser.add_argument("--smoke", action="store_true", help="a few seconds, tiny sizes")
    parser.add_argument("--serve-fake", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.serve_fake:
        asyncio.run(_serve_fake(json.loads(args.serve_fake)))
        return 0
    settings = _settings(args.smoke)
    with DevServer() as server:
        results = [run_once(workers, settings, server) for workers in (1, 2)]
    print(
        f"fleet: {settings['locations']} locations x {settings['messages']:,} messages, "
        f"budget {settings['rate_limit']} requests / {settings['rate_interval']:g} s per "
        f"location, {settings['page']} a page, latency {settings['latency'] * 1000:.0f} ms"
    )
    print(
        "| workers | messages/s | summed budget | fraction | seconds | requests | 429s (max/loc) |"
    )
    print("|---:|---:|---:|---:|---:|---:|---|")
    for r in results:
        print(
            f"| {r['workers']} | {r['messages_per_second']:,} | {r['budget_messages_per_second']:,}"
            f" | **{r['fraction_of_budget']:.0%}** | {r['seconds']} | {r['requests']:,} "
            f"| {r['rate_limited_429']} ({r['most_429s_of_a_location']}) |"
        )
    print(json.dumps({"settings": settings, "results": results}))
    sys.stdout.flush()
    sys.stderr.flush()
    # temporalio can abort at interpreter exit (see DESIGN.md): leave once everything is closed.
    os._exit(0 if all(r["complete"] for r in results) else 1)


if __name__ == "__main__":
    main()
