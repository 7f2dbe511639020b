"""``ghl-conversations export``: every message of one or more locations into a JSONL or CSV file.

The order of work is what makes it safe: arguments are checked first (nothing touched), then the
output is locked (a second writer is refused before it reads anything), then the checkpoint is
checked against the arguments and the file, and only then is the output prepared and the API
called. See ``_writer`` for the crash-safety invariant.
"""

from __future__ import annotations

import argparse
import contextlib
import sys
import time
from typing import TYPE_CHECKING, Any

from ._connection import connect
from ._explain import OutputConflictError, UsageError
from ._options import (
    EXPORT_SORT_BY,
    add_channel_option,
    add_connection_options,
    add_location_option,
    add_page_size_option,
    check_date_range,
    check_unique,
    date_argument,
    integer_argument,
    read_locations_file,
)
from ._progress import ProgressDisplay
from ._writer import ExportWriter, OutputFile, checkpoint_path

if TYPE_CHECKING:
    from .._pagination import MessageExport

__all__ = ["SANDBOX_LOCATION", "add_parser", "run"]

#: The location the sandbox serves when no ``--location`` is named.
SANDBOX_LOCATION = "sandboxLocation00001"

DESCRIPTION = """\
Export every message of one or more locations, exactly as the API sends them.

The output is crash-safe: a checkpoint beside it (OUT.checkpoint) records what
is on disk, so a run stopped at any moment (Ctrl-C, kill -9, a network
failure) continues with --resume and ends with every message exactly once.
Only one process may write an output at a time.

examples:
  ghl-conversations export --sandbox --out messages.jsonl
  ghl-conversations export --location LOC --since 2024-01-01 --out m.jsonl
  ghl-conversations export --location LOC --since 2024-01-01 --out m.jsonl \\
      --resume
"""


def add_parser(subparsers: Any) -> None:
    """Register ``export``."""
    parser = subparsers.add_parser(
        "export",
        help="export messages of one or more locations to JSONL or CSV",
        description=DESCRIPTION,
    )
    what = parser.add_argument_group("what to export")
    add_location_option(what)
    what.add_argument("--locations-file", metavar="FILE", help="a file with one location id a line")
    add_channel_option(what)
    what.add_argument("--since", type=date_argument, metavar="DATE", help="from this date on")
    what.add_argument("--until", type=date_argument, metavar="DATE", help="up to this date")
    what.add_argument("--sort-by", choices=EXPORT_SORT_BY, default="createdAt")
    where = parser.add_argument_group("output")
    where.add_argument("--out", required=True, metavar="FILE", help="output file, - for stdout")
    where.add_argument("--format", choices=["jsonl", "csv"], default="jsonl")
    where.add_argument("--resume", action="store_true", help="continue an interrupted export")
    where.add_argument("--quiet", action="store_true", help="no progress display")
    how = parser.add_argument_group("speed")
    how.add_argument(
        "--concurrency", type=integer_argument(1), default=1, metavar="N", help="cursors a location"
    )
    add_page_size_option(how)
    add_connection_options(parser)
    parser.set_defaults(run=run)


def _locations(args: argparse.Namespace) -> list[str]:
    locations = list(args.location)
    if args.locations_file:
        locations += read_locations_file(args.locations_file)
    check_unique(locations)
    if not locations:
        if not args.sandbox:
            raise UsageError("name at least one --location (or use --sandbox)")
        locations = [SANDBOX_LOCATION]
    return locations


def _filters(args: argparse.Namespace) -> dict[str, Any]:
    return {
        "channel": args.channel,
        "since": args.since.isoformat() if args.since else None,
        "until": args.until.isoformat() if args.until else None,
        "sort_by": args.sort_by,
        "format": args.format,
    }


def _check_arguments(args: argparse.Namespace) -> list[str]:
    check_date_range(args.since, args.until)
    if args.resume and args.out == "-":
        raise UsageError("--resume needs --out to be a file")
    return _locations(args)


def _check_resumable(args: argparse.Namespace, saved: dict[str, Any], locations: list[str]) -> None:
    if saved.get("filters") != _filters(args):
        raise UsageError(f"{args.out} was exported with other options; drop --resume")
    if sorted(saved.get("exports") or {}) != sorted(locations):
        raise UsageError(f"{args.out} was exported for other locations; drop --resume")


async def run(args: argparse.Namespace) -> int:
    """Run ``export``; returns the exit code."""
    locations = _check_arguments(args)
    output = OutputFile.open(args.out, resume=args.resume)
    try:
        saved = output.saved
        if saved is not None:
            _check_resumable(args, saved, locations)
            output.verify(saved)
            if saved.get("complete"):
                count = saved.get("written", 0)
                print(f"{args.out} is already complete ({count:,} messages)", file=sys.stderr)
                return 0
            output.start_after(saved)
        else:
            output.start_fresh()
        return await _export(args, locations, output)
    finally:
        output.close()


async def _export(args: argparse.Namespace, locations: list[str], output: OutputFile) -> int:
    import anyio

    saved = output.saved or {}
    started = time.monotonic()
    async with connect(args, locations) as connection:
        try:
            exports: dict[str, MessageExport] = {
                location: connection.client.for_location(location).messages.export(
                    location,
                    channel=args.channel,
                    start_date=args.since,
                    end_date=args.until,
                    sort_by=args.sort_by,
                    limit=args.page_size,
                    concurrency=args.concurrency,
                    resume=(saved.get("exports") or {}).get(location),
                )
                for location in locations
            }
        except ValueError as error:
            if not saved:
                raise
            where = checkpoint_path(args.out)
            raise OutputConflictError(f"{where} cannot be resumed: {error}") from None
        writer = ExportWriter(
            output,
            fmt=args.format,
            snapshot=lambda: {
                "filters": _filters(args),
                "exports": {loc: export.checkpoint for loc, export in exports.items()},
            },
        )
        already = writer.written
        # On a terminal only, and not when the messages themselves are printed on that terminal.
        show = not args.quiet and sys.stderr.isatty()
        show = show and not (output.to_stdout and sys.stdout.isatty())
        with ProgressDisplay(sys.stderr, exports, enabled=show) as progress:

            async def pump(location: str, export: MessageExport) -> None:
                async with export:
                    # Wire dicts as the API sent them: no model is built only to be undone.
                    async for page in export.raw().pages():
                        writer.write_page(page.items)
                        progress.tick(location, len(page.items))
                progress.finished(location)

            try:
                async with anyio.create_task_group() as group:
                    for location, export in exports.items():
                        group.start_soon(pump, location, export)
            except BaseException:
                # Keep what was written (--resume continues from here); if even that fails,
                # the original failure is the one to report.
                with contextlib.suppress(OSError):
                    writer.checkpoint()
                raise
            writer.checkpoint(complete=True)
    elapsed = time.monotonic() - started
    new = writer.written - already
    where = "standard output" if output.to_stdout else args.out
    resumed = f", resumed after {already:,}" if saved else ""
    places = f"{len(locations)} locations" if len(locations) > 1 else "1 location"
    print(
        f"exported {new:,} messages from {places} in {elapsed:.1f}s "
        f"({new / max(elapsed, 1e-9):,.0f}/s{resumed}) to {where}",
        file=sys.stderr,
    )
    return 0
