"""``get-message``, ``send`` and ``search``: small commands printing the API's answer as JSON."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from ._connection import connect
from ._explain import UsageError
from ._options import SEND_TYPES, add_connection_options, choice_list, integer_argument

__all__ = ["add_parser"]

SEARCH_STATUSES = ("all", "read", "unread", "starred", "recents")


def add_parser(subparsers: Any) -> None:
    """Register ``get-message``, ``send`` and ``search``."""
    get = subparsers.add_parser(
        "get-message",
        help="print one message as JSON",
        description="Print one message as JSON, exactly as the API sent it.",
    )
    get.add_argument("message_id", metavar="MESSAGE_ID")
    add_connection_options(get)
    get.set_defaults(run=get_message)

    send_parser = subparsers.add_parser(
        "send",
        help="send a message; print the result as JSON",
        description="Send a message to a contact and print the API's answer as JSON.",
    )
    send_parser.add_argument(
        "--type",
        required=True,
        choices=SEND_TYPES,
        metavar="TYPE",
        help=f"the channel: {choice_list(SEND_TYPES)}",
    )
    send_parser.add_argument("--contact", required=True, metavar="ID", help="contact id")
    send_parser.add_argument("--message", metavar="TEXT", help="text of the message")
    send_parser.add_argument("--subject", metavar="TEXT", help="email subject")
    send_parser.add_argument("--html", metavar="HTML", help="email body as HTML")
    add_connection_options(send_parser)
    send_parser.set_defaults(run=send)

    search_parser = subparsers.add_parser(
        "search",
        help="search conversations; print JSON lines",
        description="Search a location's conversations and print one JSON object a line.",
    )
    search_parser.add_argument(
        "--location", metavar="ID", help="location id (the sandbox's by default)"
    )
    search_parser.add_argument("--status", choices=SEARCH_STATUSES)
    search_parser.add_argument("--query", metavar="TEXT", help="free-text search")
    search_parser.add_argument(
        "--max",
        type=integer_argument(1),
        default=100,
        metavar="N",
        help="at most this many results",
    )
    add_connection_options(search_parser)
    search_parser.set_defaults(run=search)


def _write_json(value: Any, *, indent: bool) -> None:
    import orjson

    option = orjson.OPT_INDENT_2 if indent else 0
    sys.stdout.buffer.write(orjson.dumps(value, option=option) + b"\n")


async def get_message(args: argparse.Namespace) -> int:
    """Run ``get-message``."""
    from .._models import to_dict

    async with connect(args) as connection:
        _write_json(to_dict(await connection.client.messages.get(args.message_id)), indent=True)
    sys.stdout.flush()
    return 0


async def send(args: argparse.Namespace) -> int:
    """Run ``send``."""
    from .._models import to_dict

    if not (args.message or args.html):
        raise UsageError("give --message (or --html for email)")
    async with connect(args) as connection:
        result = await connection.client.messages.send(
            type=args.type,
            contact_id=args.contact,
            message=args.message,
            subject=args.subject,
            html=args.html,
        )
        _write_json(to_dict(result), indent=True)
    sys.stdout.flush()
    return 0


async def search(args: argparse.Namespace) -> int:
    """Run ``search``."""
    from .._models import to_dict

    if not (args.location or args.sandbox):
        raise UsageError("name the --location")
    async with connect(args, [args.location] if args.location else []) as connection:
        location = args.location or connection.default_location
        assert location is not None  # the sandbox always has one
        async for conversation in connection.client.conversations.search(
            location, status=args.status, query=args.query, max_items=args.max
        ):
            _write_json(to_dict(conversation), indent=False)
        sys.stdout.flush()
    return 0
