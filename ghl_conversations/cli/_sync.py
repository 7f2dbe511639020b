"""``ghl-conversations sync``: bring a DuckDB file or a PostgreSQL database up to date.

    ghl-conversations sync --sandbox                       # no account needed
    ghl-conversations sync --location LOC --to ghl.duckdb
    ghl-conversations sync --location A --location B \\
        --to postgresql://user@host/db

dlt and DuckDB come with the ``[dlt]`` extra (``[postgres]`` adds
PostgreSQL); without them the command says what to install. dlt's anonymous
telemetry is off here unless ``RUNTIME__DLTHUB_TELEMETRY`` says otherwise.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
import threading
from collections.abc import Sequence
from typing import Any, TextIO

from ._connection import connect
from ._exit_codes import ExitCode
from ._explain import UsageError
from ._options import (
    add_connection_options,
    add_location_option,
    add_page_size_option,
    check_unique,
    date_argument,
    integer_argument,
)
from ._progress import ProgressDisplay

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
    add_location_option(what)
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
    add_page_size_option(how)
    how.add_argument("--quiet", action="store_true", help="no progress lines")
    add_connection_options(parser)
    parser.set_defaults(run=run)


# -- progress --------------------------------------------------------------------------------


class _Seen:
    """What the export's progress display reads of an export, fed by the sync's page events."""

    def __init__(self) -> None:
        self.total: int | None = None

    @property
    def checkpoint(self) -> dict[str, Any]:
        return {"yielded": 0}


class SyncProgress:
    """The export's live display (one line per location, rate, ETA) on a terminal, fed from
    the loading thread; a line per committed load above it (and alone when not a terminal)."""

    def __init__(self, stream: TextIO, locations: Sequence[str], *, enabled: bool) -> None:
        self.enabled = enabled
        self._seen = {location: _Seen() for location in locations}
        self._read = dict.fromkeys(locations, 0)
        self.display = ProgressDisplay(stream, self._seen, enabled=enabled and stream.isatty())

    def page(self, event: Any) -> None:
        if event.table != "messages" or event.location not in self._seen:
            return
        if event.total is not None:
            self._seen[event.location].total = event.total
        delta, self._read[event.location] = event.read - self._read[event.location], event.read
        self.display.tick(event.location, delta)

    def load(self, number: int, rows: int) -> None:
        if self.enabled and rows:
            self.display.print_above(f"committed load {number}: {rows:,} rows so far")


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
    check_unique(locations)
    tables = [t.strip() for t in args.tables.split(",") if t.strip()]
    if not tables or set(tables) - {"messages", "conversations"}:
        raise UsageError("--tables takes messages, conversations or both")
    _check_installed(args.to)
    os.environ.setdefault("RUNTIME__DLTHUB_TELEMETRY", "false")  # never phone home unasked
    from ..dlt import sync

    async with connect(args, locations) as connection:
        names = locations or ([connection.default_location] if connection.default_location else [])
        if not names:
            raise UsageError("name at least one --location (or use --sandbox)")
        progress = SyncProgress(sys.stderr, names, enabled=not args.quiet)
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
        with progress.display:
            try:
                summary = await work
            except asyncio.CancelledError:  # Ctrl-C: let the loading thread end after its page
                stop.set()
                raise
    for line in summary.lines():
        print(line, file=sys.stderr)
    return ExitCode.OK


def main(argv: Sequence[str] | None = None) -> int:
    """``python -m ghl_conversations.cli._sync ...``: ``ghl-conversations sync ...``."""
    from ._main import main as cli_main

    return cli_main(["sync", *(sys.argv[1:] if argv is None else argv)])


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
