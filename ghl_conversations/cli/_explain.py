"""The one place that turns an exception into the CLI's single stderr line and exit code.

Every command (``export``, ``sync``, ``fleet``, ...) ends through :func:`explain`, so the same fault
reads the same and exits with the same number everywhere. The SDK's errors are imported only when
an error actually needs explaining: ``ghl-conversations --help`` must not pay for the HTTP stack.
"""

from __future__ import annotations

import errno

from ._exit_codes import ExitCode

__all__ = ["OutputConflictError", "UsageError", "explain", "unwrap"]


class UsageError(Exception):
    """Bad command-line input, found before anything was sent: one line, ``ExitCode.USAGE``."""


class OutputConflictError(Exception):
    """The output is being written by another process, or disagrees with its checkpoint.

    Nothing was changed; reported as one line with ``ExitCode.OUTPUT_CONFLICT``.
    """


def unwrap(error: BaseException) -> BaseException:
    """The first real error inside (nested) task-group exception groups."""
    while isinstance(error, BaseExceptionGroup) and error.exceptions:
        error = error.exceptions[0]
    return error


def explain(error: BaseException) -> tuple[str, ExitCode]:
    """The line to print (without the program name) and the exit code for ``error``.

    Total: an error nobody anticipated is reported as an unexpected failure rather than raised,
    so a command can always end with one line (``-v`` adds the traceback).
    """
    error = unwrap(error)
    if isinstance(error, UsageError):
        return str(error), ExitCode.USAGE
    if isinstance(error, OutputConflictError):
        return str(error), ExitCode.OUTPUT_CONFLICT
    if isinstance(error, KeyboardInterrupt):
        return "interrupted; run again with --resume to continue an export", ExitCode.INTERRUPTED
    if isinstance(error, OSError):
        return _explain_os_error(error)
    from .. import _errors as sdk  # lazy: keeps start-up free of the client stack

    if isinstance(error, sdk.GHLError):
        return _explain_sdk_error(error)
    if isinstance(error, ValueError):
        return f"invalid input: {error}", ExitCode.USAGE
    name = type(error).__name__
    return f"unexpected {name}: {error} (please report it; -v shows where)", ExitCode.FAILURE


def _explain_os_error(error: OSError) -> tuple[str, ExitCode]:
    reason = error.strerror or str(error) or type(error).__name__
    if error.filename is not None:
        return f"{error.filename}: {reason}", ExitCode.FAILURE
    if error.errno in (errno.ENOSPC, errno.EDQUOT):
        return f"cannot write the output: {reason}", ExitCode.FAILURE
    return f"system error: {reason}", ExitCode.FAILURE


def _explain_sdk_error(error: BaseException) -> tuple[str, ExitCode]:
    from .. import _errors as sdk

    if isinstance(error, sdk.AuthenticationError):
        kind = error.kind  # HighLevel's message, read by the SDK's one classifier
        if kind is sdk.ErrorKind.VERSION_HEADER:
            hint = "the API rejected the Version header"
        elif kind is sdk.ErrorKind.SCOPE:
            hint = "the token lacks the scope for this call (add it to the app or integration)"
        else:
            hint = "the token is invalid or expired (check --token / GHL_TOKEN)"
        return f"authentication failed: {hint} [401: {error.message}]", ExitCode.AUTH
    if isinstance(error, sdk.PermissionDeniedError):
        return (
            "permission denied: the token has no access to this location or action "
            f"[403: {error.message}]",
            ExitCode.AUTH,
        )
    if isinstance(error, (sdk.UnprocessableEntityError, sdk.BadRequestError)):
        details = "; ".join(error.messages) or error.message
        return f"the server rejected the request [{error.status}]: {details}", ExitCode.REJECTED
    if isinstance(error, sdk.RateLimitError):
        wait = f" (retry in {error.retry_after:.0f}s)" if error.retry_after else ""
        return f"rate limited{wait}: {error.message}", ExitCode.RATE_LIMITED
    if isinstance(error, sdk.ServerError):
        return f"server failure: HighLevel answered {error.status}: {error.message}", (
            ExitCode.NETWORK
        )
    if isinstance(error, sdk.APIStatusError):
        return f"HighLevel answered {error.status}: {error.message}", ExitCode.FAILURE
    if isinstance(error, sdk.APIConnectionError):
        return f"network failure: {error.message}", ExitCode.NETWORK
    if isinstance(error, (sdk.APIResponseValidationError, sdk.NoProgressError)):
        return f"server failure: {_first_line(error)}", ExitCode.NETWORK
    if isinstance(error, sdk.CursorExpiredError):
        return f"server failure: {_first_line(error)}", ExitCode.NETWORK
    return f"error: {_first_line(error)}", ExitCode.FAILURE


def _first_line(error: BaseException) -> str:
    text = str(error).strip()
    return text.splitlines()[0] if text else type(error).__name__
