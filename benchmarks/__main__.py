"""One runner for every figure: ``python -m benchmarks`` (minutes) or ``--smoke`` (seconds).

Contenders run interleaved in the same process against the same fake server (its own process, on
loopback), several rounds; medians and ratios are reported. Results go to stdout as a Markdown
table and to ``benchmarks/results/latest.json``. Nothing here asserts a timing: CI only runs the
smoke to prove the runner works.
"""

from __future__ import annotations

import argparse
import asyncio
import functools
import json
import os
import pathlib
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable
from typing import Any

import aiohttp

import ghl_conversations as ghl

from . import contenders, cpu
from .server import serve

Results = dict[str, Any]


def _sizes(smoke: bool) -> dict[str, Any]:
    if smoke:
        return {
            "cpu_messages": 3_000,
            "cpu_calls": 50,
            "export_messages": 3_000,
            "rounds": 1,
            "gets": 60,
            "memory": (2_000, 20_000),
            "concurrent": 100,
            "rate": {
                "limit": 20,
                "interval": 1.0,
                "latency": 0.15,
                "seconds": 2.5,
                "page": 500,
                "messages": 100_000,
            },
        }
    return {
        "cpu_messages": 300_000,
        "cpu_calls": 2_000,
        "export_messages": 200_000,
        "rounds": 3,
        "gets": 2_000,
        "memory": (100_000, 1_000_000),
        "concurrent": 1_000,
        "rate": {
            "limit": 100,
            "interval": 10.0,
            "latency": 0.3,
            "seconds": 40.0,
            "page": 500,
            "messages": 400_000,
        },
    }


async def _timed(job: Callable[[], Awaitable[int]]) -> tuple[int, float]:
    started = time.perf_counter()
    count = await job()
    return count, time.perf_counter() - started


async def export_throughput(size: dict[str, Any], include_official: bool) -> Results:
    names: dict[str, Callable[[dict[str, Any]], Awaitable[int]]] = {
        "floor (bare aiohttp, dicts)": contenders.floor_export,
        "ghl-conversations (full models)": contenders.sdk_export,
    }
    if include_official and contenders.official_available():
        names["official gohighlevel-api-client (dicts)"] = contenders.official_export
    times: dict[str, list[float]] = {name: [] for name in names}
    with serve(messages=size["export_messages"]) as server:
        await contenders.floor_export(server)  # warm the server's caches and the JIT-less path
        order = list(names)
        for round_ in range(size["rounds"]):
            for name in order[round_ % len(order) :] + order[: round_ % len(order)]:
                count, seconds = await _timed(functools.partial(names[name], server))
                if count != size["export_messages"]:
                    raise RuntimeError(f"{name} exported {count} of {size['export_messages']}")
                times[name].append(seconds)
    floor = statistics.median(times[order[0]])
    return {
        name: {
            "median_seconds": statistics.median(runs),
            "messages_per_second": size["export_messages"] / statistics.median(runs),
            "time_vs_floor": statistics.median(runs) / floor,
            "runs": runs,
        }
        for name, runs in times.items()
    }


async def export_cpu_table(size: dict[str, Any], include_official: bool) -> Results:
    """CPU per message of every export contender, at 100 and 500 messages a page."""
    return {
        str(page): await cpu.export_cpu(
            messages=size["cpu_messages"],
            page=page,
            rounds=size["rounds"],
            include_official=include_official,
        )
        for page in (500, 100)
    }


async def call_overhead(size: dict[str, Any]) -> Results:
    """Per-call overhead over the floor, against the canned server."""
    return await cpu.call_overhead(calls=size["cpu_calls"], rounds=size["rounds"])


# VmHWM is the peak RSS of this address space alone. getrusage()'s ru_maxrss is not: after exec
# Linux keeps the pre-exec high-water mark, i.e. the (large) benchmark parent's RSS at fork time.
_MEASURED_EXPORT = """
import sys
from ghl_conversations.cli import main
code = main(sys.argv[1:])
with open("/proc/self/status") as status:
    peak = next(int(line.split()[1]) for line in status if line.startswith("VmHWM:"))
print(f"PEAK_RSS_KB {peak}", file=sys.stderr)
sys.exit(code)
"""


def _peak_rss_of_export(server: dict[str, Any], out: pathlib.Path) -> tuple[float, int]:
    """Run the CLI export in a fresh process that reports its own peak RSS."""
    done = subprocess.run(
        [
            sys.executable,
            "-c",
            _MEASURED_EXPORT,
            "export",
            "--token",
            server["token"],
            "--base-url",
            server["url"],
            "--location",
            server["location"],
            "--out",
            str(out),
            "--quiet",
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        raise RuntimeError(f"the export failed: {done.stderr}")
    peak_kb = next(
        int(line.split()[1]) for line in done.stderr.splitlines() if line.startswith("PEAK_RSS_KB")
    )
    lines = sum(1 for _ in out.open("rb"))
    return peak_kb / 1024, lines


def memory(size: dict[str, Any]) -> Results:
    results: Results = {}
    with tempfile.TemporaryDirectory() as folder:
        for count in size["memory"]:
            with serve(messages=count) as server:
                out = pathlib.Path(folder) / f"{count}.jsonl"
                started = time.perf_counter()
                peak_mb, lines = _peak_rss_of_export(server, out)
                results[str(count)] = {
                    "peak_rss_mb": peak_mb,
                    "lines": lines,
                    "seconds": time.perf_counter() - started,
                    "bytes": out.stat().st_size,
                }
    return results


async def concurrency(size: dict[str, Any]) -> Results:
    with serve(messages=5_000) as server:
        async with ghl.Client(
            token=server["token"], base_url=server["url"], rate_limit=contenders.unlimited()
        ) as client:
            page = await client.messages.export_page(server["location"], limit=100)
            ids = [page.messages[i % len(page.messages)].id for i in range(size["concurrent"])]
            started = time.perf_counter()
            outcomes = await asyncio.gather(
                *(client.messages.get(i) for i in ids), return_exceptions=True
            )
            seconds = time.perf_counter() - started
            transport = client.transport
            opened = (
                transport.connections_opened
                if isinstance(transport, ghl.AiohttpTransport)
                else None
            )
    errors = sum(isinstance(o, BaseException) for o in outcomes)
    return {
        "calls": len(ids),
        "seconds": seconds,
        "errors": errors,
        "connections_opened": opened,
        "pool_limit": 100,
    }


async def _budget_run(server: dict[str, Any], rate: dict[str, Any], workers: int) -> float:
    async with ghl.Client(token=server["token"], base_url=server["url"]) as client:
        count = 0
        started = time.perf_counter()
        async with client.messages.export(
            server["location"], limit=rate["page"], concurrency=workers
        ) as export:
            async for _ in export:
                count += 1
                if time.perf_counter() - started >= rate["seconds"]:
                    break
        return count / (time.perf_counter() - started)


async def rate_budget(size: dict[str, Any]) -> Results:
    rate = size["rate"]
    budget = rate["limit"] / rate["interval"] * rate["page"]
    results: Results = {"budget_messages_per_second": budget, **rate}
    for label, workers in (("single cursor", 1), ("parallel windows (4)", 4)):
        with serve(
            messages=rate["messages"],
            latency=rate["latency"],
            rate_limit=rate["limit"],
            rate_interval=rate["interval"],
        ) as server:
            per_second = await _budget_run(server, rate, workers)
        results[label] = {"messages_per_second": per_second, "fraction": per_second / budget}
    return results


def _machine() -> Results:
    return {
        "python": platform.python_version(),
        "platform": platform.platform(),
        "cpus": os.cpu_count(),
        "ghl_conversations": ghl.__version__,
        "aiohttp": aiohttp.__version__,
    }


def _render_cpu(results: Results) -> list[str]:
    lines: list[str] = []
    for page, table in results["export_cpu"].items():
        lines += [
            f"## Export CPU, canned server, {page} messages a page",
            "",
            "| contender | wall s | CPU per message | CPU vs floor | wall vs floor |",
            "|---|---:|---:|---:|---:|",
        ]
        for name, row in table.items():
            lines.append(
                f"| {name} | {row['wall_s']:.2f} | {row['cpu_us_per_message']:.1f} us | "
                f"{row['cpu_vs_floor']:.2f}x | {row['wall_vs_floor']:.2f}x |"
            )
        lines.append("")
    lines += [
        "## Per-call overhead, canned server (sequential calls)",
        "",
        "| call | floor us | ghl-conversations us | overhead us | CPU floor / SDK us |",
        "|---|---:|---:|---:|---:|",
    ]
    for label, row in results["call_overhead"].items():
        lines.append(
            f"| {label} | {row['floor_us']:.0f} | {row['sdk_us']:.0f} | "
            f"**{row['overhead_us']:.0f}** | {row['floor_cpu_us']:.0f} / {row['sdk_cpu_us']:.0f} |"
        )
    return [*lines, ""]


def render(results: Results) -> str:
    lines = [
        *_render_cpu(results),
        "## Export throughput against the fake (it generates messages as asked: it sets the pace)",
        "",
        "| contender | median s | messages/s | time vs floor |",
        "|---|---:|---:|---:|",
    ]
    for name, row in results["export_throughput"].items():
        lines.append(
            f"| {name} | {row['median_seconds']:.2f} | "
            f"{row['messages_per_second']:,.0f} | {row['time_vs_floor']:.2f}x |"
        )
    lines += [
        "",
        "## Memory (CLI export to JSONL, peak RSS)",
        "",
        "| messages | peak RSS MB | seconds |",
        "|---:|---:|---:|",
    ]
    for count, row in results["memory"].items():
        lines.append(f"| {int(count):,} | {row['peak_rss_mb']:.0f} | {row['seconds']:.1f} |")
    conc = results["concurrency"]
    lines += [
        "",
        "## Concurrency (concurrent messages.get on one client)",
        "",
        f"{conc['calls']:,} calls in {conc['seconds']:.2f} s, {conc['errors']} errors, "
        f"{conc['connections_opened']} connections opened (pool limit {conc['pool_limit']})",
    ]
    rate = results["rate_budget"]
    lines += [
        "",
        f"## Rate budget ({rate['limit']} requests / {rate['interval']:g} s, "
        f"{rate['latency'] * 1000:.0f} ms latency, {rate['page']} a page)",
        "",
        "| mode | messages/s | fraction of budget |",
        "|---|---:|---:|",
    ]
    for label in ("single cursor", "parallel windows (4)"):
        row = rate[label]
        lines.append(f"| {label} | {row['messages_per_second']:,.0f} | {row['fraction']:.0%} |")
    return "\n".join(lines)


async def run(args: argparse.Namespace) -> Results:
    size = _sizes(args.smoke)
    results: Results = {"machine": _machine(), "smoke": args.smoke}
    results["export_cpu"] = await export_cpu_table(size, not args.no_official)
    results["call_overhead"] = await call_overhead(size)
    results["export_throughput"] = await export_throughput(size, not args.no_official)
    results["memory"] = memory(size)
    results["concurrency"] = await concurrency(size)
    results["rate_budget"] = await rate_budget(size)
    return results


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m benchmarks")
    parser.add_argument("--smoke", action="store_true", help="tiny sizes: proves the runner works")
    parser.add_argument("--no-official", action="store_true", help="skip the official SDK")
    parser.add_argument("--out", default=str(pathlib.Path(__file__).parent / "results"))
    args = parser.parse_args()
    results = asyncio.run(run(args))
    folder = pathlib.Path(args.out)
    folder.mkdir(parents=True, exist_ok=True)
    (folder / ("smoke.json" if args.smoke else "latest.json")).write_text(
        json.dumps(results, indent=2)
    )
    print(render(results))


if __name__ == "__main__":
    main()
