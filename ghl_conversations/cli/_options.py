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
from typing import Any, NoReturn

from ._exit_codes import ExitCode
from ._explain import UsageError

__all__ = [
    "PROGRAM",
    "CLIParser",
    "HelpFormatter",
    "add_connection_options",
    "add_verbosity",
    "date_argument",
    "exit_code_epilog",
    "integer_argument",
    "plain_text",
    "verbosity",
]

PROGRAM = "ghl-conversations"


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
