"""The entry point: builds the parser from the command modules, runs one command, and turns every
expected failure into one line and an exit code.

Commands plug in through a registry. Each module in :data:`COMMAND_MODULES` exposes
``add_parser(subparsers) -> None`` (see ``_options`` for the contract). :data:`OPTIONAL_MODULES`
(``_sync``, the dlt warehouse sync, and ``_fleet``, the Temporal fleet) are loaded the same way when
they are present in the installed package: a module that does not exist is skipped, while an
error raised inside an existing one is not hidden. Their heavy dependencies (dlt, temporalio) must
be imported inside their ``run``, not at module import, so ``--help`` stays fast.
"""

from __future__ import annotations

import argparse
import importlib
import importlib.util
import logging
import os
import sys
from collections.abc import Sequence

from .._errors import GHLError
from .._version import __version__
from ._exit_codes import ExitCode
from ._explain import explain, unwrap
from ._options import PROGRAM, CLIParser, add_verbosity, verbosity
from ._progress import LineLogHandler

__all__ = ["COMMAND_MODULES", "OPTIONAL_MODULES", "build_parser", "main"]

#: Modules that register the built-in commands, in the order ``--help`` lists them.
COMMAND_MODULES = ("_export_command", "_companions")
#: Modules that register commands when they are installed (guarded import, see the docstring).
OPTIONAL_MODULES = ("_sync", "_fleet")

DESCRIPTION = """\
Export, search and send HighLevel conversations from the command line.

Every command takes --token (or $GHL_TOKEN), --base-url and -v after its name;
--sandbox runs it against a built-in fake HighLevel with seeded data, no
account needed. Expected failures print one line on stderr and exit with a
code from the table below; the token is never printed.
"""


def _command_modules() -> list[str]:
    names = list(COMMAND_MODULES)
    for name in OPTIONAL_MODULES:
        if importlib.util.find_spec(f"{__package__}.{name}") is not None:
            names.append(name)
    return names


def build_parser() -> argparse.ArgumentParser:
    """The whole parser: top-level options and one subparser per registered command."""
    parser = CLIParser(prog=PROGRAM, description=DESCRIPTION)
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    add_verbosity(parser, dest="verbose")
    commands = parser.add_subparsers(
        title="commands",
        dest="command",
        metavar="COMMAND",
        parser_class=CLIParser,
    )
    for name in _command_modules():
        importlib.import_module(f"{__package__}.{name}").add_parser(commands)
    return parser


def _configure_logging(verbose: int) -> None:
    root = logging.getLogger()
    root.handlers[:] = [LineLogHandler(sys.stderr)]
    # Retries and requests are news only when asked for (-v); failures end in one line anyway.
    # Other libraries (asyncio, aiohttp, ...) speak only of their warnings, and only with -v.
    root.setLevel(logging.WARNING if verbose else logging.ERROR)
    levels = {0: logging.ERROR, 1: logging.INFO}
    logging.getLogger("ghl_conversations").setLevel(levels.get(verbose, logging.DEBUG))


def _quiet_closed_pipe() -> None:
    """The reader of stdout went away (``| head``): stop writing, without a traceback at exit."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)
    except OSError:
        pass


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``ghl-conversations`` console script; returns the exit code."""
    args: argparse.Namespace | None = None
    try:
        parser = build_parser()
        args = parser.parse_args(argv)
        if getattr(args, "run", None) is None:
            parser.print_help(sys.stderr)
            return ExitCode.USAGE
        _configure_logging(verbosity(args))
        import asyncio  # here, not at load: --help and usage errors do not need it

        return int(asyncio.run(args.run(args)))
    except SystemExit as exit_:  # --help / --version
        return int(exit_.code or 0)
    except BaseException as error:  # noqa: BLE001 - every failure becomes one line
        cause = unwrap(error)
        if isinstance(cause, BrokenPipeError):
            _quiet_closed_pipe()
            return ExitCode.FAILURE
        line, code = explain(cause)
        unexpected = code == ExitCode.FAILURE and not isinstance(cause, GHLError)
        if unexpected and args is not None and verbosity(args):
            # -v shows a traceback for what may be a bug, never for HighLevel's own answers.
            import traceback

            traceback.print_exception(cause, file=sys.stderr)
        print(f"{PROGRAM}: {line}", file=sys.stderr)
        return code
