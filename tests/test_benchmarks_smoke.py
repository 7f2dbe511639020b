"""The benchmark runner works (a seconds-long smoke run; timings are reported, never asserted)."""

from __future__ import annotations

import json
import pathlib
import subprocess
import sys

ROOT = pathlib.Path(__file__).resolve().parent.parent


def test_benchmark_runner_smoke(tmp_path: pathlib.Path) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "benchmarks", "--smoke", "--no-official", "--out", str(tmp_path)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr
    results = json.loads((tmp_path / "smoke.json").read_text())
    assert set(results) >= {
        "export_cpu",
        "export_throughput",
        "call_overhead",
        "memory",
        "concurrency",
        "rate_budget",
    }
    assert results["concurrency"]["errors"] == 0
    assert all(row["lines"] == int(count) for count, row in results["memory"].items())
    assert "## Export throughput" in done.stdout
    for page in ("500", "100"):
        table = results["export_cpu"][page]
        floor = table["floor: aiohttp + orjson, dicts"]
        assert floor["cpu_vs_floor"] == 1.0
        assert "ghl-conversations, full models" in table
        assert all(row["cpu_us_per_message"] > 0 for row in table.values())
    assert set(results["call_overhead"]) == {"messages.get", "conversations.search_page"}
