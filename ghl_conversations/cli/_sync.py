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
import os
import sys
import threading
import time
from collections.abc import Sequence
from typing import Any, TextIO

from ._connection import connect
from ._exit_codes import ExitCode
from ._explain import UsageError
from ._options import add_connection_options, date_argument, integer_argument

__all__ = ["add_parser", "main", "run"]

_DLT_HINT = "sync needs the dlt extra: pip install 'ghl-conversations[dlt]'"
_POSTGRES_HINT = "syncing into PostgreSQL needs: pip install 'ghl-conversations[dlt,postgres]'"


def add_parser(subparsers: Any) -> None:
    """Register ``sync`` on the CLI's subcommand parsers."""
    parser = subparsers.add_parser(
        "sync",
        help="load messages and conversations into DuckDB or PostgreSQL, incrementally",
        description=__doc__,
    )
    what = parser.add_argument_group("what to sync")
    what.add_argument(
        "--location", action="append", default=[], metavar="ID", help="location id (repeat)"
    )
    what.add_argument(
        "--since", type=date_argument, metavar="DATE", help="only messages created from then on"
    )
    what.add_argument(
        "--tables",
        default="messages,conversations",
        help="what to load: messages, conversations or both",
    )
    where = parser.add_argument_group("where to")
    where.add_argument(
        "--to",
        default="ghl.duckdb",
        metavar="DEST",
        help="a DuckDB file, or postgresql://user:password@host:port/database",
    )
    where.add_argument("--dataset", default="highlevel", help="the schema holding the tables")
    where.add_argument(
        "--work-dir", metavar="DIR", help="dlt's working files (default: ~/.dlt/pipelines)"
    )
    how = parser.add_argument_group("how")
    how.add_argument(
        "--chunk-size",
        type=integer_argument(1),
        default=50_000,
        metavar="N",
        help="messages per committed load: a killed sync re-reads at most this many",
    )
    how.add_argument(
        "--page-size", type=integer_argument(10, 500), default=500, metavar="N", help="10..500"
    )
    how.add_argument("--quiet", action="store_true", help="no progress lines")
    add_connection_options(parser)
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


def _check_installed(destination: str) -> None:
    """Say what to install when the extras are missing, before anything is sent."""
    try:
        import dlt  # noqa: F401
        import duckdb  # noqa: F401
    except ImportError:
        raise UsageError(_DLT_HINT) from None
    if destination.startswith(("postgresql://", "postgres://")):
        try:
            import psycopg2  # type: ignore[import-untyped]  # noqa: F401
        except ImportError:
            raise UsageError(_POSTGRES_HINT) from None


async def run(args: argparse.Namespace) -> int:
    """Run ``sync`` for parsed arguments; returns the exit code."""
    locations = list(args.location)
    if len(set(locations)) != len(locations):
        raise UsageError("a location is named twice")
    tables = [t.strip() for t in args.tables.split(",") if t.strip()]
    if not tables or set(tables) - {"messages", "conversations"}:
        raise UsageError("--tables takes messages, conversations or both")
    _check_installed(args.to)
    os.environ.setdefault("RUNTIME__DLTHUB_TELEMETRY", "false")  # never phone home unasked
    from ..dlt import sync

    progress = SyncProgress(sys.stderr, enabled=not args.quiet)
    async with connect(args, locations) as connection:
        names = locations or ([connection.default_location] if connection.default_location else [])
        if not names:
            raise UsageError("name at least one --location (or use --sandbox)")
        stop = threading.Event()
        work = asyncio.to_thread(
            sync,
            names,
            args.to,
            token=connection.token,
            base_url=connection.base_url,
            since=args.since,
            dataset=args.dataset,
            tables=tables,
            chunk_size=args.chunk_size,
            page_size=args.page_size,
            pipelines_dir=args.work_dir,
            on_progress=progress.page,
            on_load=progress.load,
            stop=stop,
        )
        try:
            summary = await work
        except asyncio.CancelledError:  # Ctrl-C: let the loading thread end after its page
            stop.set()
            raise
    if progress.tty and progress.enabled:
        sys.stderr.write("\r\x1b[2K")
    for line in summary.lines():
        print(line, file=sys.stderr)
    return ExitCode.OK


def main(argv: Sequence[str] | None = None) -> int:
    """``python -m ghl_conversations.cli._sync ...``: ``ghl-conversations sync ...``."""
    from ._main import main as cli_main

    return cli_main(["sync", *(sys.argv[1:] if argv is None else argv)])


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
