"""``FakeHighLevel``: an in-process HighLevel Conversations API on 127.0.0.1, for tests and demos.

It answers all 29 operations the way the real service does (including its quirks: the nested
get-messages page, the wrapped get-message, NestJS error bodies, a 2-minute export cursor, rate
limit headers and 429s), keeps state so that later reads see earlier writes, and lets a test inject
faults, advance a shared clock, and inspect every request it received.

This module is the front: the knobs and the lifetime. The state lives in ``_state``, what happens
to every request in ``_middleware``, the endpoints in the ``_routes_*`` modules.
"""

from __future__ import annotations

import datetime as _dt
from collections import Counter, deque
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Generic, TypeVar, overload

from aiohttp import web

from .._clock import Clock, SystemClock
from .._dates import to_epoch_ms
from ._app import build_app
from ._data import Dataset
from ._faults import FaultInjector
from ._routes_calls import recording_bytes
from ._runner import LoopbackServer, ServerThread
from ._settings import FakeSettings
from ._state import FakeState, RecordedRequest
from ._webhook_delivery import WebhookDelivery

if TYPE_CHECKING:
    from .._client import Client
    from ._signing import WebhookSigner

__all__ = ["FakeHighLevel", "RecordedRequest"]

T = TypeVar("T")

#: Generated data ends this long before the anchor (the clock's now by default).
_DATA_ENDS_BEFORE_MS = 86_400_000


class _Knob(Generic[T]):
    """A ``FakeHighLevel`` attribute that reads and writes the live setting of the same name."""

    def __set_name__(self, owner: type, name: str) -> None:
        self.name = name

    @overload
    def __get__(self, obj: None, objtype: type | None = None) -> _Knob[T]: ...
    @overload
    def __get__(self, obj: FakeHighLevel, objtype: type | None = None) -> T: ...
    def __get__(self, obj: FakeHighLevel | None, objtype: type | None = None) -> T | _Knob[T]:
        if obj is None:
            return self
        value: T = getattr(obj._state.settings, self.name)
        return value

    def __set__(self, obj: FakeHighLevel, value: T) -> None:
        setattr(obj._state.settings, self.name, value)


class FakeHighLevel:
    """A fake HighLevel on loopback. ``async with FakeHighLevel() as fake:`` (or ``with`` from
    synchronous code: it then runs in a background thread).

    ``messages`` generated messages (lazily: a million cost nothing) for ``location_id``, plus
    ``locations={id: count}``; ``seed`` and ``anchor`` (a datetime or epoch ms; default: the
    clock's now) fix them, so two fakes with the same three serve the same data. ``tokens=``
    gives locations tokens of their own; ``token`` opens every location.
    """

    #: Requests each location may make per ``rate_interval`` seconds (then 429).
    rate_limit = _Knob[int]()
    rate_interval = _Knob[float]()
    #: Requests each location may make per day.
    daily_limit = _Knob[int]()
    #: Whether a 429 says when to retry (HighLevel's does not always).
    retry_after_header = _Knob[bool]()
    #: Seconds every request is held before it is answered (requests wait in parallel).
    latency = _Knob[float]()
    #: Get-messages answers ``{"messages": {"messages": [...], ...}}`` as HighLevel does.
    nested_messages_page = _Knob[bool]()
    #: Get-message answers ``{"message": {...}}`` as HighLevel does.
    wrap_get_message = _Knob[bool]()
    #: Seconds an export cursor lives after its last use.
    cursor_ttl = _Knob[float]()
    #: Whether ``requests`` keeps what was received (decided when the fake is made).
    record_requests = _Knob[bool]()
    #: The OAuth app's credentials the token endpoint accepts.
    oauth_client_id = _Knob[str]()
    oauth_client_secret = _Knob[str]()
    #: The agency whose company token exchanges for location tokens.
    company_id = _Knob[str]()
    #: The default location (``dataset``, ``add_message`` without a location).
    location_id = _Knob[str]()

    def __init__(
        self,
        *,
        seed: int = 0,
        messages: int = 1_000,
        conversations: int | None = None,
        location_id: str = "fakeLocation000000001",
        locations: dict[str, int] | None = None,
        token: str = "pit-fake-token-0000000000000000",
        clock: Clock | None = None,
        rate_limit: int = 100,
        rate_interval: float = 10.0,
        daily_limit: int = 200_000,
        retry_after_header: bool = True,
        latency: float = 0.0,
        future_values: bool = True,
        nested_messages_page: bool = True,
        wrap_get_message: bool = True,
        cursor_ttl: float = 120.0,
        record_requests: bool = True,
        oauth_client_id: str = "fake-client-id",
        oauth_client_secret: str = "fake-client-secret",
        company_id: str = "fakeCompany0000000001",
        tokens: Mapping[str, str] | None = None,
        anchor: _dt.datetime | int | float | None = None,
    ) -> None:
        self.seed = seed
        self.token = token
        self.clock: Clock = clock or SystemClock()
        settings = FakeSettings(
            location_id=location_id,
            company_id=company_id,
            rate_limit=rate_limit,
            rate_interval=rate_interval,
            daily_limit=daily_limit,
            retry_after_header=retry_after_header,
            latency=latency,
            nested_messages_page=nested_messages_page,
            wrap_get_message=wrap_get_message,
            cursor_ttl=cursor_ttl,
            record_requests=record_requests,
            oauth_client_id=oauth_client_id,
            oauth_client_secret=oauth_client_secret,
        )
        end_ms = _anchor_ms(anchor) if anchor is not None else int(self.clock.time() * 1000)
        datasets: dict[str, Dataset] = {}
        for location, count in {location_id: messages, **(locations or {})}.items():
            span = (count // 2 + 1) * 30_000
            datasets[location] = Dataset(
                location_id=location,
                seed=seed,
                count=count,
                conversations=conversations or max(1, min(1_000, count // 20 or 1)),
                start_ms=end_ms - span - _DATA_ENDS_BEFORE_MS,
                future_values=future_values,
            )
        self._state = FakeState(
            settings=settings,
            clock=self.clock,
            datasets=datasets,
            token=token,
            tokens=tokens or {},
            seed=seed,
        )
        self._server = LoopbackServer()
        self._thread: ServerThread | None = None
        self._webhooks = WebhookDelivery(location_id, self.clock)

    def __repr__(self) -> str:
        return f"<FakeHighLevel {self.url if self._server.port else '(stopped)'}>"

    # -- what a test reads -------------------------------------------------------------------

    @property
    def url(self) -> str:
        """Where the fake listens (``http://127.0.0.1:PORT``); only while it runs."""
        if self._server.port is None:
            raise RuntimeError("the fake server is not running")
        return f"http://127.0.0.1:{self._server.port}"

    @property
    def datasets(self) -> dict[str, Dataset]:
        """Each location's data, by location id."""
        return self._state.datasets

    @property
    def dataset(self) -> Dataset:
        """The default location's data."""
        return self._state.dataset

    @property
    def faults(self) -> FaultInjector:
        """Inject faults: ``fake.faults.script(...)``, ``.always(...)``, ``.randomly(...)``."""
        return self._state.faults

    @property
    def requests(self) -> deque[RecordedRequest]:
        """Every request received (the last 200,000), unless ``record_requests=False``."""
        return self._state.requests

    @property
    def request_count(self) -> int:
        """How many requests the fake received."""
        return self._state.request_count

    @property
    def rate_limited(self) -> int:
        """How many 429s the fake's own rate limiter answered."""
        return self._state.limiter.limited

    @property
    def rate_limited_by_location(self) -> Counter[str]:
        """The rate limiter's 429s per location."""
        return self._state.limiter.limited_by_budget

    @property
    def tokens(self) -> dict[str, str]:
        """Location-scoped tokens, by location (from ``tokens=``)."""
        return self._state.tokens.per_location

    @property
    def revoked_tokens(self) -> set[str]:
        """Tokens refused with 401 (see ``revoke_token``)."""
        return self._state.tokens.revoked

    @property
    def refresh_tokens(self) -> dict[str, str]:
        """Valid OAuth refresh tokens -> location (each use rotates it)."""
        return self._state.tokens.refresh_tokens

    @property
    def oauth_refreshes(self) -> int:
        """How many token refreshes the fake answered."""
        return self._state.tokens.refreshes

    @property
    def uploads(self) -> dict[str, dict[str, Any]]:
        """Signed-URL uploads by upload id (``data`` is None until the PUT)."""
        return self._state.uploads

    @property
    def uploaded_files(self) -> list[dict[str, Any]]:
        """Files received by the multipart upload, with their bytes and URL."""
        return self._state.uploaded_files

    @property
    def subtypes(self) -> dict[str, list[dict[str, Any]]]:
        """Custom subtypes by location."""
        return self._state.subtypes

    @property
    def subscriptions(self) -> dict[tuple[str, str], list[dict[str, Any]]]:
        """Subscription changes by (location, contact)."""
        return self._state.subscriptions

    @property
    def typing_events(self) -> list[dict[str, Any]]:
        """Live-chat typing events received."""
        return self._state.typing_events

    @property
    def status_updates(self) -> list[dict[str, Any]]:
        """Message status updates received."""
        return self._state.status_updates

    # -- lifetime ------------------------------------------------------------------------------

    def app(self) -> web.Application:
        """The fake as an aiohttp application (to serve it yourself, e.g. ``aiohttp_client``)."""
        return build_app(self._state)

    async def start(self) -> FakeHighLevel:
        """Listen on 127.0.0.1 (a free port) on the running event loop."""
        port = await self._server.start(self.app())
        self._state.base_url = f"http://127.0.0.1:{port}"
        return self

    async def stop(self) -> None:
        """Stop listening (the data stays: ``start`` again serves it)."""
        await self._server.stop()

    async def __aenter__(self) -> FakeHighLevel:
        return await self.start()

    async def __aexit__(self, *exc_info: object) -> None:
        await self.stop()

    def __enter__(self) -> FakeHighLevel:
        """Run in a background thread with its own event loop (for synchronous callers)."""
        self._thread = ServerThread(self.start, self.stop)
        self._thread.run()
        return self

    def __exit__(self, *exc_info: object) -> None:
        if self._thread is not None:
            self._thread.stop()
        self._thread = None

    def client(self, **kwargs: Any) -> Client:
        """A ``ghl_conversations.Client`` connected to this fake (same clock unless overridden)."""
        from .._client import Client

        kwargs.setdefault("token", self.token)
        kwargs.setdefault("base_url", self.url)
        kwargs.setdefault("clock", self.clock)
        return Client(**kwargs)

    # -- knobs ---------------------------------------------------------------------------------

    def add_message(self, location_id: str | None = None, **fields: Any) -> dict[str, Any]:
        """Put a message into the fake directly (as if it arrived through another channel).

        Dated now by the fake's clock unless ``fields`` give ``dateAdded`` (and ``dateUpdated``,
        which defaults to ``dateAdded``); every later read of that location sees it.
        """
        return self._state.add_message(location_id, **fields)

    def edit_message(
        self,
        message_id: str,
        *,
        status: str | None = None,
        date_updated: _dt.datetime | int | str | None = None,
        **fields: Any,
    ) -> dict[str, Any]:
        """Change a message as HighLevel would (a status update, an edit), for every later read.

        ``date_updated`` (a datetime, epoch ms or ISO string; default: the fake clock's now)
        becomes its ``dateUpdated``, which moves it in exports sorted by ``updatedAt``.
        Returns the message as reads now show it.
        """
        return self._state.edit_message(
            message_id, status=status, date_updated=date_updated, **fields
        )

    def revoke_token(self, token: str) -> None:
        """Refuse ``token`` from now on (401 "Invalid JWT"), e.g. one location of a fleet."""
        self._state.tokens.revoked.add(token)

    def restore_token(self, token: str) -> None:
        """Accept a token ``revoke_token`` refused (if it is otherwise valid)."""
        self._state.tokens.revoked.discard(token)

    def issue_oauth_tokens(
        self, location_id: str | None = None, *, expires_in: float = 86_399
    ) -> dict[str, Any]:
        """Mint an access/refresh pair as if a user installed the app (for refresh tests)."""
        return self._state.tokens.issue_oauth(
            location_id or self.location_id, expires_in=expires_in
        )

    def issue_company_token(self) -> str:
        """Mint an agency token that exchanges for location tokens."""
        return self._state.tokens.issue_company()

    def expire_access_tokens(self) -> None:
        """Every OAuth access token issued so far stops working (the static token keeps going)."""
        self._state.tokens.expire_access_tokens()

    def recording_bytes(self, message_id: str, size: int = 256 * 1024) -> bytes:
        """The deterministic audio the fake serves for a message's recording."""
        return recording_bytes(message_id, size)

    # -- webhooks ------------------------------------------------------------------------------

    @property
    def webhook_signer(self) -> WebhookSigner:
        """The signer of this fake's webhooks (``fake.webhook_signer.verifier()`` trusts them)."""
        return self._webhooks.signer

    @property
    def webhook_public_key_pem(self) -> str:
        """The public half of the fake's Ed25519 webhook key (pass it as ``public_key=``)."""
        return self._webhooks.signer.public_key_pem

    def sign_webhook(self, body: bytes) -> dict[str, str]:
        """Headers that make ``body`` a genuine webhook from this fake."""
        return self._webhooks.signer.sign(body)

    def webhook_event(self, type: str, **fields: Any) -> dict[str, Any]:
        """A webhook payload as HighLevel sends it (``timestamp`` and ``webhookId`` filled in)."""
        return self._webhooks.signer.event(type, **fields)

    async def send_webhook(self, url: str, event: dict[str, Any]) -> int:
        """POST a signed webhook to ``url`` (a bot under test); return the status it answered."""
        return await self._webhooks.send(url, event)

    async def simulate_inbound(
        self, url: str, *, conversation: int = 0, body: str = "Hello!"
    ) -> dict[str, Any]:
        """A contact writes in: store the inbound message, then deliver its webhook to ``url``."""
        dataset = self.dataset
        message = self.add_message(
            contactId=dataset.contact_id(conversation),
            conversationId=dataset.conversation_id(conversation),
            body=body,
            direction="inbound",
            status="delivered",
        )
        event = self.webhook_event(
            "InboundMessage",
            messageId=message["id"],
            conversationId=message["conversationId"],
            contactId=message["contactId"],
            body=body,
            messageType="SMS",
            messageTypeId=2,
            direction="inbound",
            contentType="text/plain",
            dateAdded=message["dateAdded"],
        )
        event["status"] = await self.send_webhook(url, event)
        return event


def _anchor_ms(anchor: _dt.datetime | int | float) -> int:
    """``anchor=``: the moment generated data is dated relative to, as epoch milliseconds."""
    if isinstance(anchor, bool):
        raise TypeError("anchor is a datetime or epoch milliseconds")
    if isinstance(anchor, _dt.datetime) and anchor.tzinfo is None:
        raise ValueError("anchor must be an aware datetime (e.g. tzinfo=datetime.UTC)")
    return to_epoch_ms(anchor)
