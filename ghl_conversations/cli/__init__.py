"""``ghl-conversations``: export messages without writing code, plus get/send/search companions.

    ghl-conversations export --sandbox --out messages.jsonl
    ghl-conversations export --location LOC --out messages.jsonl --resume
    ghl-conversations get-message MSG_ID
    ghl-conversations send --type SMS --contact CONTACT --message "hi"
    ghl-conversations search --location LOC --status unread

Thin by design: it parses arguments and calls the SDK. Expected failures (bad arguments, refused
tokens, server faults, a busy output) end with one line on stderr and a documented exit code
(``ExitCode``), never a traceback. The token is never printed.

For command modules (``export``, ``sync``, ``fleet``, ...): ``add_connection_options``, ``connect``,
``verbosity``, ``explain``, ``UsageError`` and ``ExitCode`` are the shared parts (see ``_main``).
"""

from ._connection import Connection, connect
from ._exit_codes import ExitCode
from ._explain import OutputConflictError, UsageError, explain, unwrap
from ._main import build_parser, main
from ._options import add_connection_options, verbosity

__all__ = [
    "Connection",
    "ExitCode",
    "OutputConflictError",
    "UsageError",
    "add_connection_options",
    "build_parser",
    "connect",
    "explain",
    "main",
    "unwrap",
    "verbosity",
]
