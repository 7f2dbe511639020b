"""The CLI's exit codes: one table, shared by every command (export, sync, fleet, ...).

Scripts branch on these numbers, so they never change meaning; ``--help`` prints them.
"""

from __future__ import annotations

import enum

__all__ = ["ExitCode"]


class ExitCode(enum.IntEnum):
    """What a ``ghl-conversations`` process's exit status means."""

    OK = 0
    #: An unexpected failure (a bug, or an error no other code describes).
    FAILURE = 1
    #: Bad arguments or input: nothing was sent.
    USAGE = 2
    #: The token was refused, or has no access to the location or scope.
    AUTH = 3
    #: The server rejected the request as invalid (400/422).
    REJECTED = 4
    #: The network or the server failed (connection errors, 5xx, invalid answers, no progress).
    NETWORK = 5
    #: Rate limited beyond what waiting could fix (daily budget spent, Retry-After too long).
    RATE_LIMITED = 6
    #: The output is busy (another process writes it) or disagrees with its checkpoint.
    OUTPUT_CONFLICT = 7
    #: Some locations of a multi-location job failed; the others completed.
    PARTIAL = 8
    #: Interrupted (Ctrl-C); an export can continue with ``--resume``.
    INTERRUPTED = 130

    @property
    def meaning(self) -> str:
        """One line for ``--help``: what a script may conclude from this status."""
        return _MEANINGS[self]


_MEANINGS = {
    ExitCode.OK: "success",
    ExitCode.FAILURE: "unexpected failure (a bug, or an error no other code describes)",
    ExitCode.USAGE: "bad arguments or input; nothing was sent",
    ExitCode.AUTH: "token refused, or no access to the location or scope",
    ExitCode.REJECTED: "the server rejected the request as invalid (400/422)",
    ExitCode.NETWORK: "network or server failure (connection, 5xx, invalid answers)",
    ExitCode.RATE_LIMITED: "rate limited beyond what waiting could fix",
    ExitCode.OUTPUT_CONFLICT: "output busy (another process writes it) or unlike its checkpoint",
    ExitCode.PARTIAL: "some locations failed; the others completed",
    ExitCode.INTERRUPTED: "interrupted (Ctrl-C); an export continues with --resume",
}
