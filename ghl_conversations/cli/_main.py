"""Argument parsing, the commands, and the one-line error reporting of the CLI."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import datetime as _dt
import logging
import os
import sys
import time
from collections.abc import AsyncIterator, Sequence
from typing import Any, TextIO

import anyio
import orjson

from .._client import Client
from .._dates import parse_wire_datetime
from .._errors import (
    APIConnectionError,
    APIStatusError,
    AuthenticationError,
    BadRequestError,
    GHLError,
    PermissionDeniedError,
    RateLimitError,
    UnprocessableEntityError,
)
from .._models import to_dict
from .._pagination import MessageExport
from .._version import __version__
from ._exit_codes import ExitCode
from ._writer import ExportWriter, load_checkpoint

__all__ = ["main"]

EXIT_OK, EXIT_FAILURE, EXIT_USAGE, EXIT_AUTH, EXIT_REJECTED, EXIT_NETWORK, EXIT_RATE = (
    ExitCode.OK,
    ExitCode.FAILURE,
    ExitCode.USAGE,
    ExitCode.AUTH,
    ExitCode.REJECTED,
    ExitCode.NETWORK,
    ExitCode.RATE_LIMITED,
)
SANDBOX_SEED = 2024


class UsageError(Exception):
    """Bad command-line input: reported as one line, exit code 2."""


# -- argument parsing ------------------------------------------------------------------------


def _date(text: str) -> _dt.datetime:
    try:
        return parse_wire_datetime(text)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"{text!r} is not a date (use ISO 8601, e.g. 2024-05-01 or 2024-05-01T12:00:00Z)"
        ) from None


def _page_size(text: str) -> int:
    value = int(text)
    if not 10 <= value <= 500:
        raise argparse.ArgumentTypeError("must be between 10 and 500")
    return value


def _positive(text: str) -> int:
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError("must be at least 1")
    return value


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> Any:  # one line, exit 2, like every other usage error
        raise UsageError(f"{self.prog}: {message}")


def _add_connection(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--token", help="sub-account token (default: $GHL_TOKEN); never printed")
    parser.add_argument("--base-url", help="API base URL (default: $GHL_BASE_URL or HighLevel)")
    parser.add_argument(
        "--sandbox",
        action="store_true",
        help="run against a built-in fake HighLevel with seeded data (no account needed)",
    )
    parser.add_argument(
        "--sandbox-messages", type=_positive, default=5_000, help="messages in the sandbox"
    )


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="ghl-conversations", description=__doc__.split("\n\n")[0])
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    parser.add_argument(
        "-v", "--verbose", action="count", default=0, help="log more (-v requests, -vv debug)"
    )
    commands = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)

    export = commands.add_parser("export", help="export messages of one or more locations")
    _add_connection(export)
    export.add_argument("--location", action="append", default=[], help="location id (repeat)")
    export.add_argument("--locations-file", help="a file with one location id per line")
    export.add_argument(
        "--channel", choices=["Call", "SMS", "Email", "WhatsApp", "Instagram", "Facebook"]
    )
    export.add_argument("--since", type=_date, help="only messages from this date on")
    export.add_argument("--until", type=_date, help="only messages up to this date")
    export.add_argument("--sort-by", choices=["createdAt", "updatedAt"], default="createdAt")
    export.add_argument("--out", required=True, help="output file, or - for standard output")
    export.add_argument("--format", choices=["jsonl", "csv"], default="jsonl")
    export.add_argument("--concurrency", type=_positive, default=1, help="cursors per location")
    export.add_argument("--page-size", type=_page_size, default=500, help="10..500")
    export.add_argument(
        "--resume", action="store_true", help="continue an interrupted export of --out"
    )
    export.add_argument("--quiet", action="store_true", help="no progress display")

    get = commands.add_parser("get-message", help="print one message as JSON")
    _add_connection(get)
    get.add_argument("message_id")

    send = commands.add_parser("send", help="send a message, print the result as JSON")
    _add_connection(send)
    send.add_argument("--type", required=True, choices=["SMS", "Email", "WhatsApp", "Custom"])
    send.add_argument("--contact", required=True, help="contact id")
    send.add_argument("--message", help="text of the message")
    send.add_argument("--subject", help="email subject")
    send.add_argument("--html", help="email body as HTML")

    search = commands.add_parser("search", help="search conversations, print JSON lines")
    _add_connection(search)
    search.add_argument("--location", help="location id (the sandbox's by default)")
    search.add_argument("--status", choices=["all", "read", "unread", "starred", "recents"])
    search.add_argument("--query", help="free-text search")
    search.add_argument("--max", type=_positive, default=100, help="at most this many results")
    return parser


# -- connection ------------------------------------------------------------------------------


@contextlib.asynccontextmanager
async def _connect(
    args: argparse.Namespace, locations: Sequence[str]
) -> AsyncIterator[tuple[Client, str | None]]:
    """A client (and the default location) for real HighLevel or for the sandbox."""
    async with contextlib.AsyncExitStack() as stack:
        default_location: str | None = None
        base_url: str | None
        if args.sandbox:
            from ..testing import FakeHighLevel

            extra = dict.fromkeys(locations[1:], args.sandbox_messages)
            first = locations[0] if locations else "sandboxLocation00001"
            fake = FakeHighLevel(
                seed=SANDBOX_SEED,
                messages=args.sandbox_messages,
                location_id=first,
                locations=extra,
                rate_limit=1_000,
            )
            await stack.enter_async_context(fake)
            token, base_url = fake.token, fake.url
            default_location = fake.location_id
        else:
            given = args.token or os.environ.get("GHL_TOKEN")
            if not given:
                raise UsageError("no token: pass --token, set GHL_TOKEN, or use --sandbox")
            token, base_url = given, args.base_url or os.environ.get("GHL_BASE_URL")
        client = await stack.enter_async_context(Client(token=token, base_url=base_url))
        yield client, default_location


# -- progress --------------------------------------------------------------------------------


class Progress:
    """A one-line display on a terminal (messages, total, rate, ETA, per location)."""

    def __init__(self, stream: TextIO, exports: dict[str, MessageExport], enabled: bool) -> None:
        self.stream = stream
        self.exports = exports
        self.enabled = enabled
        self.started = time.monotonic()
        self.counts = dict.fromkeys(exports, 0)
        self._last_draw = 0.0

    def tick(self, location: str) -> None:
        self.counts[location] += 1
        if self.enabled and time.monotonic() - self._last_draw > 0.2:
            self.draw()

    def draw(self) -> None:
        self._last_draw = time.monotonic()
        elapsed = max(1e-6, self._last_draw - self.started)
        parts = []
        for location, export in self.exports.items():
            done = int(export.checkpoint["yielded"])  # includes what earlier runs exported
            total = export.total
            rate = self.counts[location] / elapsed
            if total:
                left = max(0, total - done)
                eta = f" ETA {_duration(left / rate)}" if rate > 0 else ""
                parts.append(f"{location[:12]}: {done:,}/{total:,}{eta}")
            else:
                parts.append(f"{location[:12]}: {done:,}")
        overall = sum(self.counts.values()) / elapsed
        self.stream.write("\r\x1b[2K" + " | ".join(parts) + f" | {overall:,.0f} msg/s")
        self.stream.flush()

    def finish(self) -> None:
        if self.enabled:
            self.stream.write("\r\x1b[2K")
            self.stream.flush()


def _duration(seconds: float) -> str:
    seconds = int(seconds)
    return f"{seconds // 3600}:{seconds // 60 % 60:02d}:{seconds % 60:02d}"


# -- commands --------------------------------------------------------------------------------


def _locations(args: argparse.Namespace) -> list[str]:
    locations = list(args.location)
    if args.locations_file:
        try:
            with open(args.locations_file, encoding="utf-8") as handle:
                locations += [line.strip() for line in handle if line.strip()]
        except OSError as exc:
            raise UsageError(f"cannot read --locations-file: {exc.strerror}") from None
    if len(set(locations)) != len(locations):
        raise UsageError("a location is named twice")
    return locations


def _filters(args: argparse.Namespace) -> dict[str, Any]:
    return {
        "channel": args.channel,
        "since": args.since.isoformat() if args.since else None,
        "until": args.until.isoformat() if args.until else None,
        "sort_by": args.sort_by,
        "format": args.format,
    }


async def _export(args: argparse.Namespace) -> int:
    if args.since and args.until and args.until < args.since:
        raise UsageError("--until is before --since")
    locations = _locations(args)
    if not locations and not args.sandbox:
        raise UsageError("name at least one --location (or use --sandbox)")
    if args.resume and args.out == "-":
        raise UsageError("--resume needs --out to be a file")
    saved = load_checkpoint(args.out) if args.resume else None
    if saved is not None:
        if saved.get("filters") != _filters(args):
            raise UsageError(f"{args.out} was exported with other options; drop --resume")
        if saved.get("complete"):
            print(
                f"{args.out} is already complete ({saved['written']:,} messages)", file=sys.stderr
            )
            return EXIT_OK
    started = time.monotonic()
    async with _connect(args, locations) as (client, sandbox_location):
        if not locations and sandbox_location:
            locations = [sandbox_location]
        if saved is not None and sorted(saved.get("exports", {})) != sorted(locations):
            raise UsageError(f"{args.out} was exported for other locations; drop --resume")
        exports = {
            location: client.for_location(location).messages.export(
                location,
                channel=args.channel,
                start_date=args.since,
                end_date=args.until,
                sort_by=args.sort_by,
                limit=args.page_size,
                concurrency=args.concurrency,
                resume=(saved or {}).get("exports", {}).get(location),
            )
            for location in locations
        }
        writer = ExportWriter(
            args.out,
            fmt=args.format,
            resume_from=saved,
            snapshot=lambda: {
                "filters": _filters(args),
                "exports": {loc: export.checkpoint for loc, export in exports.items()},
            },
        )
        already = writer.written
        progress = Progress(sys.stderr, exports, enabled=not args.quiet and sys.stderr.isatty())

        async def pump(location: str, export: MessageExport) -> None:
            async with export:
                async for message in export:
                    writer.write(message)
                    progress.tick(location)

        try:
            async with anyio.create_task_group() as group:
                for location, export in exports.items():
                    group.start_soon(pump, location, export)
        except BaseException:
            writer.checkpoint()  # keep what was written: --resume continues from here
            writer.close()
            progress.finish()
            raise
        writer.checkpoint(complete=True)
        writer.close()
        progress.finish()
    elapsed = time.monotonic() - started
    new = writer.written - already
    where = "standard output" if args.out == "-" else args.out
    resumed = f" (resumed after {already:,})" if saved is not None else ""
    print(
        f"exported {new:,} messages from {len(locations)} location(s) in {elapsed:.1f}s "
        f"({new / max(elapsed, 1e-9):,.0f} msg/s){resumed} -> {where}",
        file=sys.stderr,
    )
    return EXIT_OK


def _print_json(value: Any) -> None:
    sys.stdout.buffer.write(orjson.dumps(value, option=orjson.OPT_INDENT_2) + b"\n")
    sys.stdout.flush()


async def _get_message(args: argparse.Namespace) -> int:
    async with _connect(args, []) as (client, _):
        _print_json(to_dict(await client.messages.get(args.message_id)))
    return EXIT_OK


async def _send(args: argparse.Namespace) -> int:
    if not (args.message or args.html):
        raise UsageError("give --message (or --html for email)")
    async with _connect(args, []) as (client, _):
        result = await client.messages.send(
            type=args.type,
            contact_id=args.contact,
            message=args.message,
            subject=args.subject,
            html=args.html,
        )
        _print_json(to_dict(result))
    return EXIT_OK


async def _search(args: argparse.Namespace) -> int:
    async with _connect(args, [args.location] if args.location else []) as (client, default):
        location = args.location or default
        if not location:
            raise UsageError("name the --location")
        async for conversation in client.conversations.search(
            location, status=args.status, query=args.query, max_items=args.max
        ):
            sys.stdout.buffer.write(orjson.dumps(to_dict(conversation)) + b"\n")
        sys.stdout.flush()
    return EXIT_OK


COMMANDS = {"export": _export, "get-message": _get_message, "send": _send, "search": _search}


# -- errors ----------------------------------------------------------------------------------


def _explain(error: BaseException) -> tuple[str, int]:
    if isinstance(error, UsageError):
        return str(error), EXIT_USAGE
    if isinstance(error, ValueError):
        return f"invalid input: {error}", EXIT_USAGE
    if isinstance(error, AuthenticationError):
        if "version" in error.message.lower():
            hint = "the API rejected the Version header"
        elif "scope" in error.message.lower():
            hint = "the token lacks the scope for this call (add it to the app or integration)"
        else:
            hint = "the token is invalid or expired (check --token / GHL_TOKEN)"
        return f"authentication failed: {hint} [401: {error.message}]", EXIT_AUTH
    if isinstance(error, PermissionDeniedError):
        return (
            f"permission denied: the token has no access to this location or action "
            f"[403: {error.message}]",
            EXIT_AUTH,
        )
    if isinstance(error, (UnprocessableEntityError, BadRequestError)):
        details = "; ".join(error.messages) or error.message
        return f"the server rejected the request [{error.status}]: {details}", EXIT_REJECTED
    if isinstance(error, RateLimitError):
        wait = f" (retry in {error.retry_after:.0f}s)" if error.retry_after else ""
        return f"rate limited{wait}: {error.message}", EXIT_RATE
    if isinstance(error, APIStatusError):
        return f"HighLevel answered {error.status}: {error.message}", EXIT_FAILURE
    if isinstance(error, APIConnectionError):
        return f"network failure: {error.message}", EXIT_NETWORK
    if isinstance(error, GHLError):
        return f"error: {error}", EXIT_FAILURE
    if isinstance(error, OSError):
        return f"cannot write output: {error.strerror or error}", EXIT_FAILURE
    raise error


def _unwrap(error: BaseException) -> BaseException:
    """The first real error inside task-group exception groups."""
    while isinstance(error, BaseExceptionGroup) and error.exceptions:
        error = error.exceptions[0]
    return error


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``ghl-conversations`` console script; returns the exit code."""
    try:
        args = build_parser().parse_args(argv)
        level = {0: logging.WARNING, 1: logging.INFO}.get(args.verbose, logging.DEBUG)
        logging.basicConfig(level=level, format="ghl-conversations: %(message)s")
        return asyncio.run(COMMANDS[args.command](args))
    except KeyboardInterrupt:
        print("interrupted; run again with --resume to continue an export", file=sys.stderr)
        return 130
    except SystemExit as exit_:  # --help / --version
        return int(exit_.code or 0)
    except BaseException as error:  # noqa: BLE001 - every expected failure becomes one line
        message, code = _explain(_unwrap(error))
        print(f"ghl-conversations: {message}", file=sys.stderr)
        return code


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
