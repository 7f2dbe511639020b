"""``ghl-conversations fleet worker|export|status|demo``: the fleet export on Temporal.

    ghl-conversations fleet demo
    ghl-conversations fleet worker --temporal HOST:PORT --token-file tokens.json
    ghl-conversations fleet export --temporal HOST:PORT --locations-file locs.txt \\
        --out DIR --wait
    ghl-conversations fleet status --temporal HOST:PORT

temporalio is imported inside the commands (``--help`` stays fast, and without the extra ``fleet``
says what to install). A process that used a Temporal client can abort at interpreter exit (an
upstream bug), so a fleet command flushes its output and leaves with ``os._exit`` once everything
is closed.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import datetime as _dt
import importlib.util
import logging
import os
import signal
import sys
import time
from collections.abc import Sequence
from typing import Any, TextIO

from .._dates import parse_wire_datetime
from ._exit_codes import ExitCode
from ._explain import UsageError, explain
from ._options import (
    add_channel_option,
    add_page_size_option,
    check_date_range,
    check_unique,
    integer_argument,
    read_locations_file,
)

__all__ = ["add_parser", "main", "run"]

INSTALL_HINT = "fleet needs the Temporal extra: pip install 'ghl-conversations[temporal]'"
#: Seconds to keep trying to reach Temporal (a server just started takes a moment).
CONNECT_WAIT = 10.0


class TemporalUnreachableError(Exception):
    """No Temporal server answered at ``--temporal``: one line, exit code 5."""


async def _connect(args: argparse.Namespace) -> Any:
    from ..temporal import connect

    try:
        return await connect(args.temporal, namespace=args.namespace, wait=CONNECT_WAIT)
    except RuntimeError as error:
        raise TemporalUnreachableError(
            f"cannot reach Temporal at {args.temporal} (is the server running?): {error}"
        ) from None


def _date(text: str) -> str:
    try:
        return parse_wire_datetime(text).astimezone(_dt.UTC).isoformat(timespec="milliseconds")
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"{text!r} is not a date (use ISO 8601, e.g. 2024-05-01 or 2024-05-01T12:00:00Z)"
        ) from None


_positive = integer_argument(1)


def _seconds(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number of seconds") from None
    if value <= 0:
        raise argparse.ArgumentTypeError("must be a positive number of seconds")
    return value


def _add_temporal(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--temporal", required=True, metavar="HOST:PORT", help="Temporal frontend address"
    )
    parser.add_argument("--namespace", default="default", help="Temporal namespace")
    parser.add_argument(
        "--task-queue", default="ghl-conversations-fleet", help="the fleet's task queue"
    )


def add_parser(subparsers: Any) -> None:
    """Register ``fleet`` and its four subcommands (the CLI's command-module contract)."""
    fleet = subparsers.add_parser(
        "fleet",
        help="export many locations on Temporal (needs the [temporal] extra)",
        description="Export many locations on Temporal: run workers, start or attach to\n"
        "a fleet export, watch it, or try it all locally with 'fleet demo'.",
    )
    actions = fleet.add_subparsers(dest="fleet_command", metavar="ACTION")

    worker = actions.add_parser("worker", help="run a worker process (until SIGTERM/Ctrl-C)")
    _add_temporal(worker)
    worker.add_argument("--base-url", help="API base URL (default: $GHL_BASE_URL or HighLevel)")
    worker.add_argument(
        "--token-file",
        help='JSON {"locationId": "token"} (default: $GHL_TOKENS, then $GHL_TOKEN for all)',
    )
    worker.add_argument(
        "--max-locations", type=_positive, default=32, help="locations driven at once"
    )
    worker.add_argument(
        "--rate-limit", type=_positive, default=100, help="requests per window per location"
    )
    worker.add_argument(
        "--rate-interval", type=_seconds, default=10.0, help="rate window (seconds)"
    )
    worker.add_argument(
        "--heartbeat-every",
        type=_seconds,
        default=1.0,
        help="seconds between a chunk's durable checkpoints",
    )

    export = actions.add_parser("export", help="start one workflow per location")
    _add_temporal(export)
    export.add_argument("--locations-file", required=True, help="one location id per line")
    export.add_argument("--out", required=True, help="output directory every worker can reach")
    export.add_argument("--since", type=_date, help="first date (inclusive)")
    export.add_argument("--until", type=_date, help="last date (inclusive)")
    add_channel_option(export)
    export.add_argument(
        "--chunk-messages", type=_positive, default=50_000, help="messages per chunk (about)"
    )
    export.add_argument(
        "--concurrency", type=_positive, default=4, help="parallel windows inside a chunk"
    )
    add_page_size_option(export)
    export.add_argument(
        "--chunks-per-run",
        type=_positive,
        default=100,
        help="chunks per workflow run before it continues as new (bounds its history)",
    )
    export.add_argument("--wait", action="store_true", help="show progress until all are done")
    export.add_argument(
        "--heartbeat-timeout",
        type=_seconds,
        default=30.0,
        help="seconds without a heartbeat before a chunk moves to another worker",
    )

    status = actions.add_parser("status", help="list fleet exports and their progress")
    _add_temporal(status)

    demo = actions.add_parser(
        "demo", help="local Temporal + two workers + a sandbox of several locations"
    )
    demo.add_argument("--out", help="output directory (default: a new temporary one)")
    demo.add_argument(
        "--messages", type=_positive, default=2_000, help="messages per sandbox location"
    )

    for parser in (fleet, worker, export, status, demo):
        parser.set_defaults(run=run, hard_exit=True)


async def run(args: argparse.Namespace) -> int:
    """Run the fleet subcommand named in ``args``; returns the exit code.

    Every outcome, failures included, ends in ``_leave``: once a Temporal client existed in this
    process, only ``os._exit`` is safe from temporalio's exit-time abort.
    """
    if importlib.util.find_spec("temporalio") is None:
        print(f"ghl-conversations: {INSTALL_HINT}", file=sys.stderr)
        return int(ExitCode.USAGE)
    command = getattr(args, "fleet_command", None)
    if command is None:
        print(
            "ghl-conversations: fleet needs an action: worker, export, status or demo",
            file=sys.stderr,
        )
        return int(ExitCode.USAGE)
    try:
        code = await _COMMANDS[command](args)
    except TemporalUnreachableError as error:
        print(f"ghl-conversations: {error}", file=sys.stderr)
        code = int(ExitCode.NETWORK)
    except Exception as error:  # noqa: BLE001 - every failure becomes one line, then _leave
        line, exit_code = explain(error)
        print(f"ghl-conversations: {line}", file=sys.stderr)
        code = int(exit_code)
    return _leave(code, args)


def _leave(code: int, args: argparse.Namespace) -> int:
    """Flush, then leave without interpreter finalisation (temporalio's exit-time abort)."""
    if getattr(args, "hard_exit", False):
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(code)
    return code


# -- worker ----------------------------------------------------------------------------------


async def _worker(args: argparse.Namespace) -> int:
    from .._client import Client
    from .._pipeline import RateLimitConfig
    from ..temporal import LocationTokens, create_worker

    try:
        tokens = (
            LocationTokens.from_file(args.token_file)
            if args.token_file
            else LocationTokens.from_environment()
        )
    except (OSError, ValueError) as error:
        raise UsageError(f"cannot read the tokens: {error}") from None
    if not logging.getLogger().handlers:
        logging.basicConfig(format="fleet worker %(process)d: %(message)s")
    logging.getLogger("ghl_conversations.temporal").setLevel(logging.INFO)
    temporal = await _connect(args)
    limits = RateLimitConfig(max_requests=args.rate_limit, interval=args.rate_interval)
    async with Client(token=tokens, base_url=args.base_url, rate_limit=limits) as client:
        worker = create_worker(
            temporal,
            client,
            task_queue=args.task_queue,
            max_concurrent_activities=args.max_locations,
            rate_interval=args.rate_interval,
            heartbeat_every=args.heartbeat_every,
        )
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for signum in (signal.SIGTERM, signal.SIGINT):
            loop.add_signal_handler(signum, stop.set)
        running = asyncio.ensure_future(worker.run())
        print(
            f"fleet worker polling {args.task_queue} (own queue {worker.worker_queue})",
            file=sys.stderr,
            flush=True,
        )
        stopped = asyncio.ensure_future(stop.wait())
        await asyncio.wait({running, stopped}, return_when=asyncio.FIRST_COMPLETED)
        if not running.done():
            await worker.shutdown()
        stopped.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await running
    return int(ExitCode.OK)


# -- export ----------------------------------------------------------------------------------


def _read_locations(path: str) -> list[str]:
    locations = read_locations_file(path)
    if not locations:
        raise UsageError("--locations-file names no location")
    check_unique(locations)
    return locations


async def _export(args: argparse.Namespace) -> int:
    from ..temporal import (
        DirectorySink,
        FleetTimeouts,
        LocationExportInput,
        start_fleet_export,
    )

    locations = _read_locations(args.locations_file)
    check_date_range(args.since, args.until)
    sink = DirectorySink(args.out)
    template = LocationExportInput(
        location_id=locations[0],
        sink=sink.spec(),
        channel=args.channel,
        start_date=args.since,
        end_date=args.until,
        chunk_messages=args.chunk_messages,
        concurrency=args.concurrency,
        page_size=args.page_size,
        chunks_per_run=args.chunks_per_run,
        timeouts=FleetTimeouts(
            heartbeat=args.heartbeat_timeout, sticky_start=args.heartbeat_timeout
        ),
    )
    temporal = await _connect(args)
    handles = await start_fleet_export(temporal, locations, template, task_queue=args.task_queue)
    for handle in handles:
        verb = "attached to" if handle.attached else "started"
        print(f"{verb} {handle.handle.id}", file=sys.stderr)
    if not args.wait:
        return int(ExitCode.OK)
    return await _wait(handles, sink.path, sys.stderr)


async def _wait(handles: Sequence[Any], out: str, stream: TextIO) -> int:
    from ..temporal import fleet_progress

    started = time.monotonic()
    closed = {"completed", "failed", "terminated", "canceled", "timed_out"}
    terminal = stream.isatty()
    last_line = 0.0
    while True:
        progress = await fleet_progress(handles)
        done = sum(p.status in closed for p in progress)
        messages = sum(p.messages for p in progress)
        elapsed = time.monotonic() - started
        line = (
            f"fleet: {done}/{len(progress)} locations done, {messages:,} messages, {elapsed:.0f}s"
        )
        finished = done == len(progress)
        if terminal:  # one line redrawn in place
            stream.write(f"\r{line} ")
        elif finished or elapsed - last_line >= 10.0:  # a log: a line every 10 s
            stream.write(f"{line}\n")
            last_line = elapsed
        stream.flush()
        if finished:
            break
        await asyncio.sleep(1.0)
    if terminal:
        stream.write("\n")
    failed = [p for p in progress if p.status != "completed"]
    width = max(len(p.location_id) for p in progress)
    for p in progress:
        detail = f"{p.messages:,} messages in {p.chunks_done} chunks"
        if p.status != "completed":
            detail = f"{p.status}: {p.error or 'see Temporal'}"
        print(f"{p.location_id:<{width}}  {detail}")
    print(f"files: {out}/<location>/chunk-NNNNN.jsonl")
    if not failed:
        return int(ExitCode.OK)
    return int(ExitCode.PARTIAL if len(failed) < len(progress) else ExitCode.FAILURE)


# -- status ----------------------------------------------------------------------------------


async def _status(args: argparse.Namespace) -> int:
    from ..temporal import list_exports, location_progress

    temporal = await _connect(args)
    rows = await list_exports(temporal)
    if not rows:
        print("no fleet exports")
        return int(ExitCode.OK)
    for workflow_id, location, status in rows:
        line = f"{location}  {status}"
        if status == "running":
            progress = await location_progress(temporal.get_workflow_handle(workflow_id), location)
            chunks = f"{progress.chunks_done}/{progress.chunks_total or '?'}"
            line += f"  {progress.messages:,} messages, chunks {chunks}, {progress.rate:,.0f}/s"
        print(f"{line}  [{workflow_id}]")
    return int(ExitCode.OK)


# -- demo ------------------------------------------------------------------------------------


async def _demo(args: argparse.Namespace) -> int:
    from ._fleet_demo import run_demo

    return await run_demo(args, _export)


_COMMANDS = {"worker": _worker, "export": _export, "status": _status, "demo": _demo}


def main(argv: Sequence[str] | None = None) -> int:
    """``python -m ghl_conversations.cli._fleet ACTION ...`` (what worker processes run)."""
    parser = argparse.ArgumentParser(prog="ghl-conversations")
    add_parser(parser.add_subparsers(dest="command", required=True))
    args = parser.parse_args(["fleet", *(sys.argv[1:] if argv is None else argv)])
    code: int = asyncio.run(args.run(args))
    return code


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
