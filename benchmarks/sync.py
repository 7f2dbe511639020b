"""What loading into DuckDB costs on top of the export: ``python -m benchmarks.sync``.

The same 200,000 messages (``--messages N``) from the fake HighLevel (its own process) go once
through ``ghl-conversations export`` to JSONL and once through ``ghl-conversations sync`` into a
fresh DuckDB file. Each runs in a fresh process that reports its own peak RSS (``VmHWM``); the
table gives messages per second (wall clock, process start included) and peak memory.
Measured, never asserted.
"""

from __future__ import annotations

import argparse
import os
import pathlib
import subprocess
import sys
import tempfile
import time
from typing import Any

from .server import serve

_MEASURED = """
import sys
{entry}
code = main(sys.argv[1:])
with open("/proc/self/status") as status:
    peak = next(int(line.split()[1]) for line in status if line.startswith("VmHWM:"))
print(f"PEAK_RSS_KB {{peak}}", file=sys.stderr)
sys.exit(code)
"""


def _measure(entry: str, arguments: list[str]) -> tuple[float, float]:
    """(seconds, peak RSS MB) of one CLI run in a fresh process."""
    started = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-c", _MEASURED.format(entry=entry), *arguments],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        check=False,
        env={**os.environ, "RUNTIME__DLTHUB_TELEMETRY": "false"},
    )
    seconds = time.perf_counter() - started
    if done.returncode != 0:
        raise RuntimeError(f"the run failed: {done.stderr[-2000:]}")
    peak_kb = next(
        int(line.split()[1]) for line in done.stderr.splitlines() if line.startswith("PEAK_RSS_KB")
    )
    return seconds, peak_kb / 1024


def run(messages: int, chunk_size: int) -> dict[str, Any]:
    """Export to JSONL, then sync into DuckDB, against the same fake; the figures of both."""
    results: dict[str, Any] = {"messages": messages, "chunk_size": chunk_size}
    with serve(messages=messages) as server, tempfile.TemporaryDirectory() as folder:
        connection = ["--token", server["token"], "--base-url", server["url"]]
        connection += ["--location", server["location"]]
        out = pathlib.Path(folder) / "messages.jsonl"
        seconds, peak = _measure(
            "from ghl_conversations.cli import main",
            ["export", *connection, "--out", str(out), "--quiet"],
        )
        results["export_jsonl"] = {"seconds": seconds, "peak_rss_mb": peak}
        seconds, peak = _measure(
            "from ghl_conversations.cli._sync import main",
            [
                *connection,
                "--to",
                str(pathlib.Path(folder) / "bench.duckdb"),
                "--work-dir",
                str(pathlib.Path(folder) / "dlt"),
                "--tables",
                "messages",
                "--chunk-size",
                str(chunk_size),
                "--quiet",
            ],
        )
        results["sync_duckdb"] = {"seconds": seconds, "peak_rss_mb": peak}
    return results


def render(results: dict[str, Any]) -> str:
    """The Markdown table of ``run``'s figures."""
    count = results["messages"]
    lines = [
        f"| {count:,} messages | seconds | messages/s | peak RSS MB |",
        "|---|---:|---:|---:|",
    ]
    for name, label in (("export_jsonl", "export to JSONL"), ("sync_duckdb", "sync into DuckDB")):
        row = results[name]
        lines.append(
            f"| {label} | {row['seconds']:.1f} | {count / row['seconds']:,.0f} | "
            f"{row['peak_rss_mb']:.0f} |"
        )
    factor = results["sync_duckdb"]["seconds"] / results["export_jsonl"]["seconds"]
    lines.append(
        f"\nsync takes {factor:.1f}x the export's time (chunks of {results['chunk_size']:,})"
    )
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--messages", type=int, default=200_000)
    parser.add_argument("--chunk-size", type=int, default=50_000)
    args = parser.parse_args()
    print(render(run(args.messages, args.chunk_size)))


if __name__ == "__main__":
    main()
