"""``ghl-conversations sync``: bring a DuckDB file or a PostgreSQL database up to date.

    ghl-conversations sync --sandbox                       # no account needed
    ghl-conversations sync --location LOC --to ghl.duckdb
    ghl-conversations sync --location A --location B --to postgresql://user@host/db

dlt and DuckDB come with the ``[dlt]`` extra (``[postgres]`` adds PostgreSQL); without them the
command says what to install. dlt's anonymous telemetry is off here unless
``RUNTIME__DLTHUB_TELEMETRY`` says otherwise.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import datetime as _dt
import importlib.util
import os
import sys
import time
from collections.abc import AsyncIterator, Sequence
from typing import Any, TextIO

from .._dates import parse_wire_datetime
from ._exit_codes import ExitCode

__all__ = ["add_parser", "main", "run"]

SANDBOX_SEED = 2024
_DLT_HINT = "sync needs the dlt extra: pip install 'ghl-conversations[dlt]'"
_POSTGRES_HINT = "syncing into PostgreSQL needs: pip install 'ghl-conversations[dlt,postgres]'"


class SyncUsageError(Exception):
    """Bad input for ``sync``, found before anything was sent."""


def _date(text: str) -> _dt.datetime:
    try:
        return parse_wire_datetime(text)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"{text!r} is not a date (use ISO 8601, e.g. 2024-05-01 or 2024-05-01T12:00:00Z)"
        ) from None


def _bounded(low: int, high: int | None = None) -> Any:
    def number(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
        if value < low or (high is not None and value > high):
            raise argparse.ArgumentTypeError(
                f"must be between {low} and {high}" if high else f"must be at least {low}"
            )
        return value

    return number


def add_parser(subparsers: Any) -> None:
    """Register ``sync`` on the CLI's subcommand parsers."""
    parser = subparsers.add_parser(
        "sync",
        help="load messages and conversations into DuckDB or PostgreSQL, incrementally",
        description=__doc__,
    )
    parser.add_argument("--location", action="append", default=[], help="location id (repeat)")
    parser.add_argument(
        "--to",
        default="ghl.duckdb",
        metavar="DEST",
        help="a DuckDB file, or postgresql://user:password@host:port/database",
    )
    parser.add_argument("--since", type=_date, help="only messages created from this date on")
    parser.add_argument("--dataset", default="highlevel", help="schema that holds the tables")
    parser.add_argument(
        "--tables",
        default="messages,conversations",
        help="what to load: messages, conversations or both",
    )
    parser.add_argument(
        "--chunk-size",
        type=_bounded(1),
        default=50_000,
        help="messages per committed load: a killed sync re-reads at most this many",
    )
    parser.add_argument("--page-size", type=_bounded(10, 500), default=500, help="10..500")
    parser.add_argument(
        "--work-dir", help="where dlt keeps its working files (default: ~/.dlt/pipelines)"
    )
    parser.add_argument("--quiet", action="store_true", help="no progress lines")
    if not any(a.dest == "token" for a in parser._actions):
        parser.add_argument("--token", help="sub-account token (default: $GHL_TOKEN)")
        parser.add_argument("--base-url", help="API base URL (default: $GHL_BASE_URL)")
        parser.add_argument(
            "--sandbox",
            action="store_true",
            help="sync from a built-in fake HighLevel with seeded data (no account needed)",
        )
        parser.add_argument(
            "--sandbox-messages", type=_bounded(1), default=5_000, help="messages per location"
        )
    parser.set_defaults(run=run)


# -- progress --------------------------------------------------------------------------------


class SyncProgress:
    """Progress on stderr: one redrawn line on a terminal, a line per committed load always."""

    def __init__(self, stream: TextIO, *, enabled: bool) -> None:
        self.stream = stream
        self.enabled = enabled
        self.tty = stream.isatty()
        self.started = time.monotonic()
        self._drawn = 0.0
        self._lines: dict[tuple[str, str], Any] = {}

    def page(self, event: Any) -> None:
        self._lines[event.table, event.location] = event
        if self.enabled and self.tty and time.monotonic() - self._drawn > 0.2:
            self._drawn = time.monotonic()
            parts = []
            for (table, location), seen in self._lines.items():
                of = f"/{seen.total:,}" if seen.total else ""
                parts.append(f"{table} {location[:12]}: {seen.loaded:,}{of}")
            self.stream.write("\r\x1b[2K" + " | ".join(parts))
            self.stream.flush()

    def load(self, number: int, rows: int) -> None:
        if not self.enabled:
            return
        elapsed = max(time.monotonic() - self.started, 1e-9)
        prefix = "\r\x1b[2K" if self.tty else ""
        self.stream.write(
            f"{prefix}committed load {number}: {rows:,} rows so far "
            f"({rows / elapsed:,.0f} rows/s)\n"
        )
        self.stream.flush()


# -- the command -----------------------------------------------------------------------------


@contextlib.asynccontextmanager
async def _source(
    args: argparse.Namespace, locations: list[str]
) -> AsyncIterator[tuple[str, str | None, list[str]]]:
    """(token, base_url, locations): HighLevel itself, or the sandbox running for the duration."""
    if args.sandbox:
        from ..testing import FakeHighLevel

        first = locations[0] if locations else "sandboxLocation00001"
        async with FakeHighLevel(
            seed=SANDBOX_SEED,
            messages=args.sandbox_messages,
            location_id=first,
            locations=dict.fromkeys(locations[1:], args.sandbox_messages),
            rate_limit=1_000,
            record_requests=False,
        ) as fake:
            yield fake.token, fake.url, locations or [fake.location_id]
        return
    token = args.token or os.environ.get("GHL_TOKEN")
    if not token:
        raise SyncUsageError("no token: pass --token, set GHL_TOKEN, or use --sandbox")
    if not locations:
        raise SyncUsageError("name at least one --location (or use --sandbox)")
    yield token, args.base_url or os.environ.get("GHL_BASE_URL"), locations


def _check_installed(destination: str) -> None:
    if importlib.util.find_spec("dlt") is None or importlib.util.find_spec("duckdb") is None:
        raise SyncUsageError(_DLT_HINT)
    if destination.startswith(("postgresql://", "postgres://")) and (
        importlib.util.find_spec("psycopg2") is None
    ):
        raise SyncUsageError(_POSTGRES_HINT)


async def run(args: argparse.Namespace) -> int:
    """Run ``sync`` for parsed arguments; returns the exit code."""
    locations = list(args.location)
    if len(set(locations)) != len(locations):
        raise SyncUsageError("a location is named twice")
    tables = [t.strip() for t in args.tables.split(",") if t.strip()]
    if not tables or set(tables) - {"messages", "conversations"}:
        raise SyncUsageError("--tables takes messages, conversations or both")
    _check_installed(args.to)
    os.environ.setdefault("RUNTIME__DLTHUB_TELEMETRY", "false")  # never phone home unasked
    from ..dlt import sync

    progress = SyncProgress(sys.stderr, enabled=not args.quiet)
    async with _source(args, locations) as (token, base_url, names):
        summary = await asyncio.to_thread(
            sync,
            names,
            args.to,
            token=token,
            base_url=base_url,
            since=args.since,
            dataset=args.dataset,
            tables=tables,
            chunk_size=args.chunk_size,
            page_size=args.page_size,
            pipelines_dir=args.work_dir,
            on_progress=progress.page,
            on_load=progress.load,
        )
    if progress.tty and progress.enabled:
        sys.stderr.write("\r\x1b[2K")
    for line in summary.lines():
        print(line, file=sys.stderr)
    return ExitCode.OK


def main(argv: Sequence[str] | None = None) -> int:
    """``python -m ghl_conversations.cli._sync ...``: the command on its own."""
    parser = argparse.ArgumentParser(prog="ghl-conversations")
    add_parser(parser.add_subparsers(dest="command", required=True))
    try:
        args = parser.parse_args(["sync", *(sys.argv[1:] if argv is None else argv)])
        return int(asyncio.run(args.run(args)))
    except SystemExit as exit_:
        return int(exit_.code or 0)
    except SyncUsageError as error:
        print(f"ghl-conversations: {error}", file=sys.stderr)
        return ExitCode.USAGE
    except KeyboardInterrupt:
        print("interrupted; run sync again to continue", file=sys.stderr)
        return ExitCode.INTERRUPTED
    except BaseException as error:  # noqa: BLE001 - every expected failure becomes one line
        from ._explain import explain, unwrap

        message, code = explain(unwrap(error))
        print(f"ghl-conversations: {message}", file=sys.stderr)
        return int(code)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
