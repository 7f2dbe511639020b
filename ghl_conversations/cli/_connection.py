"""From the connection options to a client: real HighLevel with a token, or the sandbox.

The SDK client (and with it aiohttp) is imported here, inside :func:`connect`, never at module
import: ``ghl-conversations --help`` and usage errors stay fast.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import time
from collections.abc import AsyncIterator, Sequence
from typing import TYPE_CHECKING

import attrs

from ._explain import UsageError

if TYPE_CHECKING:
    from .._client import Client

__all__ = ["SANDBOX_EPOCH", "SANDBOX_SEED", "Connection", "SandboxClock", "connect"]

#: The sandbox's data is the same on every run: one seed, and a world whose clock starts here.
SANDBOX_SEED = 2024
SANDBOX_EPOCH = 1_767_225_600.0  # 2026-01-01T00:00:00Z


@attrs.frozen
class Connection:
    """What a command needs to talk to HighLevel (or the sandbox).

    ``token`` and ``base_url`` are there for commands that hand them to other processes (a worker);
    ``default_location`` is the sandbox's first location (``None`` against real HighLevel).
    """

    client: Client
    token: str = attrs.field(repr=False)
    base_url: str | None
    default_location: str | None


class SandboxClock:
    """Real time's pace, but the sandbox's wall clock starts at ``SANDBOX_EPOCH`` on its first
    reading, so the data it generates (dated relative to "now") is identical on every run and
    ``--sandbox --resume`` continues exactly where the previous run stopped."""

    def __init__(self, epoch: float = SANDBOX_EPOCH) -> None:
        self._epoch = epoch
        self._started: float | None = None

    def monotonic(self) -> float:
        """The real monotonic clock (rate windows and cursor expiry run at real speed)."""
        return time.monotonic()

    def time(self) -> float:
        """Seconds since the epoch, starting at ``SANDBOX_EPOCH`` on the first call."""
        now = time.monotonic()
        if self._started is None:
            self._started = now
        return self._epoch + (now - self._started)

    async def sleep(self, seconds: float) -> None:
        """Sleep for real."""
        import anyio

        await anyio.sleep(max(0.0, seconds))


@contextlib.asynccontextmanager
async def connect(
    args: argparse.Namespace, locations: Sequence[str] = ()
) -> AsyncIterator[Connection]:
    """A connected client for ``args`` (from :func:`add_connection_options`).

    With ``--sandbox`` a fake HighLevel with seeded, deterministic data serves ``locations`` (or
    one default location) on loopback for the duration; otherwise the token comes from
    ``--token`` or ``$GHL_TOKEN`` (a :class:`UsageError` when neither is given).
    """
    from .._client import Client

    async with contextlib.AsyncExitStack() as stack:
        default_location: str | None = None
        base_url: str | None
        if getattr(args, "sandbox", False):
            from ..testing import FakeHighLevel

            first = locations[0] if locations else "sandboxLocation00001"
            fake = FakeHighLevel(
                seed=SANDBOX_SEED,
                messages=args.sandbox_messages,
                location_id=first,
                locations=dict.fromkeys(locations[1:], args.sandbox_messages),
                rate_limit=1_000,
                clock=SandboxClock(),
                record_requests=False,
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
        yield Connection(client, token, base_url, default_location)
