"""From the connection options to a client: real HighLevel with a token, or the sandbox.

The SDK client (and with it aiohttp) is imported here, inside :func:`connect`, never at module
import: ``ghl-conversations --help`` and usage errors stay fast.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as _dt
import os
from collections.abc import AsyncIterator, Sequence
from typing import TYPE_CHECKING

from ._explain import UsageError

if TYPE_CHECKING:
    from .._client import Client

__all__ = ["SANDBOX_ANCHOR", "SANDBOX_SEED", "Connection", "connect"]

#: The sandbox's data is the same on every run (one seed, dated relative to one fixed moment),
#: so ``--sandbox --resume`` continues exactly where the previous run stopped.
SANDBOX_SEED = 2024
SANDBOX_ANCHOR = _dt.datetime(2026, 1, 1, tzinfo=_dt.UTC)


class Connection:
    """What a command needs to talk to HighLevel (or the sandbox).

    ``token`` and ``base_url`` are there for commands that hand them to other processes (a worker);
    ``default_location`` is the sandbox's first location (``None`` against real HighLevel).
    """

    __slots__ = ("base_url", "client", "default_location", "token")

    def __init__(
        self, client: Client, token: str, base_url: str | None, default_location: str | None
    ) -> None:
        self.client = client
        self.token = token
        self.base_url = base_url
        self.default_location = default_location

    def __repr__(self) -> str:  # never the token
        return f"Connection(base_url={self.base_url!r}, default_location={self.default_location!r})"


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
                anchor=SANDBOX_ANCHOR,
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
