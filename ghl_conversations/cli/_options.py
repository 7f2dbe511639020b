"""The command registry's shared parts: the parser class, help layout, argument types and the
connection options every command accepts.

A command module (``_export_command``, ``_companions``, and the optional ``_sync``/``_fleet``)
exposes ``add_parser(subparsers) -> None``. It creates its parser with
``subparsers.add_parser(name, help=..., description=...)`` (the parser class and help formatter
come from here through ``subparsers``), calls :func:`add_connection_options` on it, and sets
``parser.set_defaults(run=run)`` where ``async def run(args: argparse.Namespace) -> int``.
``run`` raises :class:`UsageError` for bad input and lets every other error escape: the entry point
explains it (``explain``) in one line with the right exit code.
"""

from __future__ import annotations

import argparse
import datetime as _dt
import re
import typing
from collections.abc import Sequence
from typing import Any, NoReturn

from .._models import ExportChannel, ExportSortBy, SendType
from ._exit_codes import ExitCode
from ._explain import UsageError

__all__ = [
    "EXPORT_CHANNELS",
    "EXPORT_SORT_BY",
    "SEND_TYPES",
    "PROGRAM",
    "CLIParser",
    "HelpFormatter",
    "add_channel_option",
    "add_connection_options",
    "add_location_option",
    "add_page_size_option",
    "add_verbosity",
    "check_date_range",
    "check_unique",
    "choice_list",
    "date_argument",
    "exit_code_epilog",
    "integer_argument",
    "page_size_argument",
    "read_locations_file",
    "plain_text",
    "verbosity",
]

PROGRAM = "ghl-conversations"

# The API's allowed values, read from the models' ``Literal`` types exactly as
# ``ghl_conversations._operations`` reads them (its package loads the HTTP stack, which --help
# must not); tests/test_cli_usage.py checks they equal the ``_operations`` constants.
#: ``--channel`` values of the export.
EXPORT_CHANNELS: tuple[str, ...] = typing.get_args(ExportChannel)
#: ``--sort-by`` values of the export.
EXPORT_SORT_BY: tuple[str, ...] = typing.get_args(ExportSortBy)
#: ``send --type`` values.
SEND_TYPES: tuple[str, ...] = typing.get_args(SendType)


_ROLE = re.compile(r":[a-z]+:`~?([^`]+)`")


def plain_text(text: str) -> str:
    """Docstring markup (````code````, ``:class:`Name```) as the plain text a terminal shows."""
    return _ROLE.sub(r"\1", text).replace("``", "")


class HelpFormatter(argparse.RawDescriptionHelpFormatter):
    """Help text as written (paragraphs kept, docstring markup removed), defaults shown where
    they say something."""

    def __init__(self, prog: str) -> None:
        super().__init__(prog, max_help_position=30, width=min(100, _terminal_columns()))

    def _format_text(self, text: str) -> str:
        return super()._format_text(plain_text(text))

    def _expand_help(self, action: argparse.Action) -> str:
        return plain_text(super()._expand_help(action))

    def _get_help_string(self, action: argparse.Action) -> str | None:
        text = action.help or ""
        if (
            "%(default)" not in text
            and action.default not in (None, False, argparse.SUPPRESS, [])
            and action.option_strings
            and action.nargs != 0
        ):
            text += " (default: %(default)s)"
        return text


def _terminal_columns() -> int:
    import shutil

    return shutil.get_terminal_size((80, 24)).columns


class CLIParser(argparse.ArgumentParser):
    """An argument parser whose errors become one ``UsageError`` line (exit 2), not argparse's
    usage dump, and that does not repeat the program name in them. Its help keeps paragraphs as
    written and ends with the exit-code table; subcommand parsers are of this class too."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("formatter_class", HelpFormatter)
        kwargs.setdefault("epilog", exit_code_epilog())
        super().__init__(*args, **kwargs)

    def error(self, message: str) -> NoReturn:
        command = self.prog.removeprefix(PROGRAM).strip()
        where = f"{command}: " if command else ""
        hint = f" (see: {self.prog} --help)"
        raise UsageError(f"{where}{message}{hint}")


def exit_code_epilog() -> str:
    """The exit-code table as printed at the end of ``--help``."""
    lines = ["exit codes:"]
    lines += [f"  {code.value:>3}  {code.meaning}" for code in ExitCode]
    return "\n".join(lines)


def integer_argument(low: int, high: int | None = None) -> Any:
    """An argparse ``type=`` for a whole number in ``[low, high]``, with a readable error."""

    def whole_number(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
        if value < low or (high is not None and value > high):
            bounds = f"between {low} and {high}" if high is not None else f"at least {low}"
            raise argparse.ArgumentTypeError(f"must be {bounds}, got {value}")
        return value

    whole_number.__name__ = "number"
    return whole_number


def choice_list(choices: Sequence[str]) -> str:
    """The allowed values as a help text lists them (wrapped with the help, unlike ``{a,b}``)."""
    return ", ".join(choices)


def page_size_argument(text: str) -> int:
    """An argparse ``type=`` for ``--page-size``: the export's page-size limits, imported from
    the endpoint table when a value is checked (not at load: ``--help`` skips the HTTP stack)."""
    from .._operations import EXPORT_PAGE_LIMITS

    low, high = EXPORT_PAGE_LIMITS
    return int(integer_argument(low, high)(text))


page_size_argument.__name__ = "number"


def add_page_size_option(group: Any, *, default: int = 500) -> None:
    """``--page-size N``: messages per export request, within the API's limits."""
    group.add_argument(
        "--page-size",
        type=page_size_argument,
        default=default,
        metavar="N",
        help="messages per request, within the API's export page limits",
    )


def add_channel_option(group: Any) -> None:
    """``--channel CHANNEL``: one of the export's channels (listed in the help text)."""
    group.add_argument(
        "--channel",
        choices=EXPORT_CHANNELS,
        metavar="CHANNEL",
        help=f"only messages of this channel: {choice_list(EXPORT_CHANNELS)}",
    )


def read_locations_file(path: str) -> list[str]:
    """The location ids of ``--locations-file`` (one a line, blank lines skipped); a file that
    cannot be read is a usage error naming it."""
    try:
        with open(path, encoding="utf-8") as handle:
            return [line.strip() for line in handle if line.strip()]
    except OSError as exc:
        raise UsageError(f"{path}: {exc.strerror or exc}") from None


def check_unique(locations: Sequence[str]) -> None:
    """A location named twice would be exported twice: refused before anything is sent."""
    if len(set(locations)) != len(locations):
        raise UsageError("a location is named twice")


def check_date_range(since: object, until: object) -> None:
    """``--until`` before ``--since`` selects nothing: refused before anything is sent."""
    if since and until and until < since:  # type: ignore[operator]
        raise UsageError("--until is before --since")


def add_location_option(group: Any) -> None:
    """``--location ID``, repeatable, collected into a list."""
    group.add_argument(
        "--location", action="append", default=[], metavar="ID", help="location id (repeat)"
    )


def date_argument(text: str) -> _dt.datetime:
    """An argparse ``type=`` for ``--since``/``--until``: an ISO 8601 date or timestamp."""
    from .._dates import parse_wire_datetime

    try:
        return parse_wire_datetime(text)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"{text!r} is not a date (use ISO 8601, e.g. 2024-05-01 or 2024-05-01T12:00:00Z)"
        ) from None


def add_verbosity(parser: argparse.ArgumentParser, *, dest: str) -> None:
    """``-v``/``--verbose``, counted into ``dest`` (``verbosity(args)`` adds both places up)."""
    parser.add_argument(
        "-v",
        "--verbose",
        dest=dest,
        action="count",
        default=0,
        help="say more: -v retries and requests, -vv debug",
    )


def add_connection_options(parser: argparse.ArgumentParser, *, sandbox: bool = True) -> None:
    """``--token``, ``--base-url``, ``--sandbox`` (``--sandbox-messages``) and ``-v``, accepted
    after the command name. Read them back with ``connect(args)`` and ``verbosity(args)``."""
    group = parser.add_argument_group("connection")
    group.add_argument("--token", help="sub-account token (default: $GHL_TOKEN); never printed")
    group.add_argument("--base-url", help="API base URL (default: $GHL_BASE_URL, else HighLevel)")
    if sandbox:
        group.add_argument(
            "--sandbox",
            action="store_true",
            help="use a built-in fake HighLevel with seeded data (no account needed)",
        )
        group.add_argument(
            "--sandbox-messages",
            type=integer_argument(1),
            default=5_000,
            metavar="N",
            help="messages per sandbox location",
        )
    add_verbosity(parser, dest="verbose_after_command")


def verbosity(args: argparse.Namespace) -> int:
    """How many ``-v`` were given, before and after the command name together."""
    return int(getattr(args, "verbose", 0)) + int(getattr(args, "verbose_after_command", 0))
