"""``Client``: the composition root that wires transport, auth, limits and resources together.

One client is meant to live as long as the application and be shared by every task: it owns one
connection pool, one rate limiter per location and the token providers. ``for_location`` and
``with_options`` return light views that share all of that.
"""

from __future__ import annotations

import os
import sys
from typing import Any

import aiohttp

from ._auth import AuthContext, TokenProvider, as_provider
from ._clock import Clock, SystemClock
from ._pipeline import CallOptions, Hooks, HTTPCore, RateLimitConfig, RateLimiter, RetryPolicy
from ._resources import Conversations, Emails, Messages, Preferences, Providers, ResourceContext
from ._transport import AiohttpTransport, Timeout, Transport
from ._version import __version__

__all__ = ["DEFAULT_BASE_URL", "Client"]

DEFAULT_BASE_URL = "https://services.leadconnectorhq.com"
USER_AGENT = (
    f"ghl-conversations/{__version__} (python {sys.version_info.major}.{sys.version_info.minor};"
    f" aiohttp {aiohttp.__version__})"
)


def _timeout(value: float | Timeout | None) -> Timeout:
    if isinstance(value, Timeout):
        return value
    if value is None:
        return Timeout(total=None)
    if isinstance(value, bool) or not isinstance(value, (int, float)) or value <= 0:
        raise ValueError(f"timeout must be a positive number of seconds, got {value!r}")
    return Timeout(total=float(value), connect=min(10.0, float(value)))


def _max_retries(value: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise ValueError(f"max_retries must be a non-negative integer, got {value!r}")
    return value


class Client:
    """An asyncio client for the HighLevel Conversations API.

    ``token`` is a sub-account token string (Private Integration Token or OAuth access token), or a
    ``TokenProvider`` (``OAuthRefresher``, ``LocationTokenExchange``, your own); without one,
    ``GHL_TOKEN`` is read from the environment. Use it as ``async with Client(...) as client`` or
    call ``await client.aclose()``; a closed client refuses every call with ``ClientClosedError``.

    One client may be created at import time and used from successive event loops (two
    ``asyncio.run`` calls, two test-client blocks of a web app): each loop's connections close
    with that loop. ``pool_limit`` (default 100) sizes the client's own pool; with ``session=`` or
    ``transport=`` the pool is yours, and passing ``pool_limit`` too is an error.
    """

    conversations: Conversations
    messages: Messages
    emails: Emails
    preferences: Preferences
    providers: Providers

    def __init__(
        self,
        token: str | TokenProvider | None = None,
        *,
        base_url: str | None = None,
        timeout: float | Timeout | None = 60.0,
        max_retries: int = 3,
        rate_limit: RateLimitConfig | None = None,
        retry: RetryPolicy | None = None,
        session: aiohttp.ClientSession | None = None,
        transport: Transport | None = None,
        pool_limit: int | None = None,
        clock: Clock | None = None,
        hooks: Hooks | None = None,
        user_agent: str | None = None,
    ) -> None:
        if token is None:
            token = os.environ.get("GHL_TOKEN")
            if not token:
                raise ValueError("no token: pass token=... or set GHL_TOKEN")
        if session is not None and transport is not None:
            raise ValueError("pass session= or transport=, not both")
        if pool_limit is not None and (session is not None or transport is not None):
            raise ValueError(
                "pool_limit sizes the client's own connection pool; with session= or transport= "
                "the pool is yours: size it there (aiohttp.TCPConnector(limit=...))"
            )
        options = CallOptions(timeout=_timeout(timeout), max_retries=_max_retries(max_retries))
        clock = clock or SystemClock()
        base = (base_url or os.environ.get("GHL_BASE_URL") or DEFAULT_BASE_URL).rstrip("/")
        if not base.startswith(("http://", "https://")):
            raise ValueError(f"base_url must start with http:// or https://, got {base!r}")
        the_transport = transport or AiohttpTransport(
            session=session, pool_limit=100 if pool_limit is None else pool_limit
        )
        auth = as_provider(token)
        agent = USER_AGENT if user_agent is None else f"{USER_AGENT} {user_agent}"
        core = HTTPCore(
            base_url=base,
            auth=auth,
            transport=the_transport,
            clock=clock,
            retry=retry or RetryPolicy(),
            limiter=RateLimiter(rate_limit or RateLimitConfig(), clock),
            hooks=hooks or Hooks(),
            user_agent=agent,
        )
        attach = getattr(auth, "attach", None)
        if callable(attach):
            attach(AuthContext(core.form_poster(options.max_retries), clock))
        self._owner = True
        self._setup(ResourceContext(core, options, None))

    def _setup(self, context: ResourceContext) -> None:
        self._context = context
        self.conversations = Conversations(context)
        self.messages = Messages(context)
        self.emails = Emails(context)
        self.preferences = Preferences(context)
        self.providers = Providers(context)

    def _view(self, context: ResourceContext) -> Client:
        view = object.__new__(Client)
        view._owner = False
        view._setup(context)
        return view

    # -- views ---------------------------------------------------------------------------

    def for_location(self, location_id: str) -> Client:
        """A view whose calls use ``location_id``'s token and rate-limit budget."""
        if not isinstance(location_id, str) or not location_id.strip():
            raise ValueError(f"location_id must be a non-empty string, got {location_id!r}")
        return self._view(ResourceContext(self._context.core, self._context.options, location_id))

    def with_options(
        self, *, timeout: float | Timeout | Any | None = ..., max_retries: int | None = None
    ) -> Client:
        """A view with another timeout and/or retry budget, e.g. for one latency-critical call."""
        options = self._context.options
        if timeout is not ...:
            options = CallOptions(timeout=_timeout(timeout), max_retries=options.max_retries)
        if max_retries is not None:
            options = CallOptions(timeout=options.timeout, max_retries=_max_retries(max_retries))
        return self._view(ResourceContext(self._context.core, options, self._context.location_id))

    # -- introspection -------------------------------------------------------------------

    @property
    def base_url(self) -> str:
        """The API's base URL (``GHL_BASE_URL`` or HighLevel's)."""
        return self._context.core.base_url

    @property
    def location_id(self) -> str | None:
        """The location this view is bound to (``for_location``), or None."""
        return self._context.location_id

    @property
    def hooks(self) -> Hooks:
        """The callbacks run on each request, response, retry and rate-limit wait."""
        return self._context.core.hooks

    @property
    def rate_limiter(self) -> RateLimiter:
        """The client's limiter (shared by every view); ``rate_limit_snapshot()`` reads it."""
        return self._context.core.limiter

    def rate_limit_snapshot(self) -> dict[str, float | int | None]:
        """The rate budget this client (or view) draws on, as the limiter sees it now:
        ``max_requests``, ``interval``, ``in_window`` (requests started in the current window),
        ``daily_remaining`` and ``paused_for`` (seconds no request may start, e.g. after a 429).
        For progress displays and monitoring."""
        core = self._context.core
        return core.limiter.snapshot(core.auth.bucket_key(self._context.location_id))

    @property
    def transport(self) -> Transport:
        """The transport every call goes through (``AiohttpTransport`` unless you passed one)."""
        return self._context.core.transport

    def __repr__(self) -> str:
        where = f" location={self.location_id!r}" if self.location_id else ""
        return f"<ghl_conversations.Client {self.base_url}{where}>"

    # -- lifetime ------------------------------------------------------------------------

    @property
    def closed(self) -> bool:
        """True once the client was closed: every call then raises ``ClientClosedError``."""
        return self._context.core.closed

    async def aclose(self) -> None:
        """Close the connection pool; calls after it (and calls still running, at their next
        step) raise ``ClientClosedError``. Views share their parent's pool and close nothing."""
        if self._owner and not self._context.core.closed:
            await self._context.core.aclose()

    async def __aenter__(self) -> Client:
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.aclose()
