"""``FakeHighLevel``: an in-process HighLevel Conversations API on 127.0.0.1, for tests and demos.

It answers all 29 operations the way the real service does (including its quirks: the nested
get-messages page, the wrapped get-message, NestJS error bodies, a 2-minute export cursor, rate
limit headers and 429s), keeps state so that later reads see earlier writes, and lets a test inject
faults, advance a shared clock, and inspect every request it received.
"""

from __future__ import annotations

import asyncio
import base64
import datetime as _dt
import itertools
import socket
import threading
import uuid
from collections import Counter, deque
from collections.abc import Mapping
from typing import Any

import attrs
import orjson
from aiohttp import BodyPartReader, web

from .._clock import Clock, SystemClock
from .._dates import parse_wire_datetime, to_epoch_ms
from ._data import Dataset, format_ms
from ._faults import Fault, FaultInjector
from ._ordering import Key, MessageFilter, ordered_messages

__all__ = ["FakeHighLevel", "RecordedRequest"]

_VERSION = "2021-04-15"
_ALLOWED_UPLOADS = {
    "jpg",
    "jpeg",
    "png",
    "mp4",
    "mpeg",
    "zip",
    "rar",
    "pdf",
    "doc",
    "docx",
    "txt",
    "mp3",
    "wav",
}
_NO_VERSION_PATHS = ("/conversations/messages/email/",)
_EXPORT_CHANNELS = {"Call", "SMS", "Email", "WhatsApp", "Instagram", "Facebook"}
_SEND_TYPES = {"SMS", "RCS", "Email", "WhatsApp", "IG", "FB", "Custom", "Live_Chat", "TIKTOK"}
_FORM_KEY = web.RequestKey("form", dict)
_FAULT_KEY = web.RequestKey("fault", Fault)
_EXPIRED_CURSOR = "Cursor has expired or is invalid. Start a new export."
_HTML_200 = (
    "<!DOCTYPE html>\n<html><head><title>Scheduled maintenance</title></head>\n"
    "<body><h1>We'll be back soon</h1><p>HighLevel is under maintenance.</p></body></html>\n"
)
_HTML_502 = (
    "<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n"
    "<center><h1>502 Bad Gateway</h1></center>\r\n</body>\r\n</html>\r\n"
)


@attrs.frozen
class RecordedRequest:
    """One request as the fake received it (for assertions in tests)."""

    method: str
    path: str
    query: dict[str, str]
    headers: dict[str, str]
    body: bytes
    status: int
    form: dict[str, Any] | None = None

    @property
    def json(self) -> Any:
        return orjson.loads(self.body) if self.body else None


class _Reject(Exception):
    def __init__(self, status: int, message: str | list[str], error: str | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.error = error


@attrs.define
class _Cursor:
    location_id: str
    filters: MessageFilter
    last_used: float


def _stuck(request: web.Request) -> bool:
    """Whether a ``stuck_cursor`` fault holds this paging request in place."""
    fault = request.get(_FAULT_KEY)
    return fault is not None and fault.kind == "stuck_cursor"


@attrs.define
class _IssuedToken:
    location_id: str | None
    expires_at: float
    company: bool = False


def _json(data: Any, status: int = 200) -> web.Response:
    return web.Response(body=orjson.dumps(data), status=status, content_type="application/json")


#: Fault kinds answered instead of the request (it never reaches a handler).
_REPLACING_FAULTS = frozenset(
    {"server_error", "bad_gateway", "unavailable", "rate_limit", "reset", "status"}
    | {"html_200", "redirect"}
)


def _rewrite(response: web.StreamResponse, fault: Fault) -> web.StreamResponse:
    """The answer a body-changing fault makes of a handler's (already applied) response."""
    if fault.kind == "apply_then_error":
        return _json({"statusCode": 500, "message": "Internal server error"}, 500)
    if not isinstance(response, web.Response) or fault.kind not in (
        "empty_body",
        "truncated_body",
        "malformed_field",
    ):
        return response  # a streamed file, or a kind the handler itself honoured
    body = response.body if isinstance(response.body, bytes) else b""
    if fault.kind == "empty_body":
        return web.Response(body=b"", status=200, content_type="application/json")
    if fault.kind == "truncated_body":
        return web.Response(
            body=body[: len(body) // 2], status=200, content_type="application/json"
        )
    try:
        data = orjson.loads(body)
    except orjson.JSONDecodeError:
        return response
    if not _replace_field(data, fault.field, fault.value) and isinstance(data, dict):
        data[fault.field] = fault.value
    return _json(data, response.status)


def _replace_field(data: Any, field: str, value: Any) -> bool:
    """Set every ``field`` inside ``data`` (at any depth) to ``value``; whether any was found."""
    found = False
    if isinstance(data, dict):
        for key, item in data.items():
            if key == field:
                data[key] = value
                found = True
            else:
                found = _replace_field(item, field, value) or found
    elif isinstance(data, list):
        for item in data:
            found = _replace_field(item, field, value) or found
    return found


def _anchor_ms(anchor: _dt.datetime | int | float) -> int:
    """``anchor=``: the moment generated data is dated relative to, as epoch milliseconds."""
    if isinstance(anchor, _dt.datetime) and anchor.tzinfo is None:
        raise ValueError("anchor must be an aware datetime (e.g. tzinfo=datetime.UTC)")
    if isinstance(anchor, bool):
        raise TypeError("anchor is a datetime or epoch milliseconds")
    return to_epoch_ms(anchor)


def _wire_ms(value: _dt.datetime | int | float | str) -> int:
    """A date given to a knob (datetime, epoch ms or ISO string) as epoch milliseconds."""
    return to_epoch_ms(parse_wire_datetime(value))


class FakeHighLevel:
    """A fake HighLevel on loopback. ``async with FakeHighLevel() as fake:`` (or ``with`` from
    synchronous code: it then runs in a background thread)."""

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
        self.location_id = location_id
        self.rate_limit = rate_limit
        self.rate_interval = rate_interval
        self.daily_limit = daily_limit
        self.retry_after_header = retry_after_header
        self.latency = latency
        self.nested_messages_page = nested_messages_page
        self.wrap_get_message = wrap_get_message
        self.cursor_ttl = cursor_ttl
        self.oauth_client_id = oauth_client_id
        self.oauth_client_secret = oauth_client_secret
        self.company_id = company_id
        self.faults = FaultInjector(seed=seed)
        self.requests: deque[RecordedRequest] = deque(maxlen=200_000 if record_requests else 0)
        self.record_requests = record_requests
        self.request_count = 0
        self.rate_limited = 0
        #: 429s answered by the fake's own rate limiter, per location.
        self.rate_limited_by_location: Counter[str] = Counter()
        self.datasets: dict[str, Dataset] = {}
        now_ms = _anchor_ms(anchor) if anchor is not None else int(self.clock.time() * 1000)
        for loc, count in {location_id: messages, **(locations or {})}.items():
            convs = conversations or max(1, min(1_000, count // 20 or 1))
            span = (count // 2 + 1) * 30_000
            self.datasets[loc] = Dataset(
                location_id=loc,
                seed=seed,
                count=count,
                conversations=convs,
                start_ms=now_ms - span - 86_400_000,
                future_values=future_values,
            )
        #: Location-scoped tokens (a Private Integration Token each): location -> token.
        self.tokens: dict[str, str] = dict(tokens or {})
        self._token_locations: dict[str, str] = {}
        for loc, location_token in self.tokens.items():
            if loc not in self.datasets:
                raise ValueError(f"tokens: {loc!r} is not one of the fake's locations")
            if location_token == token or location_token in self._token_locations:
                raise ValueError("tokens: every location needs a token of its own")
            self._token_locations[location_token] = loc
        #: Tokens refused (401) from now on: see ``revoke_token``.
        self.revoked_tokens: set[str] = set()
        self._cursors: dict[str, _Cursor] = {}
        self._windows: dict[str, deque[float]] = {}
        self._daily: dict[str, int] = {}
        self._tokens: dict[str, _IssuedToken] = {}
        #: Valid OAuth refresh tokens -> location (rotated: each use kills the old one).
        self.refresh_tokens: dict[str, str] = {}
        self.oauth_refreshes = 0
        self.uploads: dict[str, dict[str, Any]] = {}
        self.uploaded_files: list[dict[str, Any]] = []
        self.subtypes: dict[str, list[dict[str, Any]]] = {}
        self.subscriptions: dict[tuple[str, str], list[dict[str, Any]]] = {}
        self.typing_events: list[dict[str, Any]] = []
        self.status_updates: list[dict[str, Any]] = []
        self._conversation_cache: dict[str, list[dict[str, Any]]] = {}
        self._count_cache: dict[tuple[Any, ...], int] = {}
        self._signing_key: Any = None
        self._runner: web.AppRunner | None = None
        self._port: int | None = None
        self._thread: threading.Thread | None = None
        self._loop: asyncio.AbstractEventLoop | None = None

    def __repr__(self) -> str:
        return f"<FakeHighLevel {self.url if self._port else '(stopped)'}>"

    # -- lifetime --------------------------------------------------------------------------

    @property
    def url(self) -> str:
        if self._port is None:
            raise RuntimeError("the fake server is not running")
        return f"http://127.0.0.1:{self._port}"

    @property
    def dataset(self) -> Dataset:
        return self.datasets[self.location_id]

    def app(self) -> web.Application:
        app = web.Application(middlewares=[self._middleware], client_max_size=110 * 1024 * 1024)
        route = app.router
        route.add_post("/oauth/token", self._oauth_token)
        route.add_post("/oauth/locationToken", self._oauth_location_token)
        route.add_put("/_upload/{upload_id}", self._signed_put)
        route.add_get("/conversations/search", self._search)
        route.add_post("/conversations/", self._create_conversation)
        route.add_get("/conversations/messages/export", self._export)
        route.add_post("/conversations/messages/inbound", self._inbound)
        route.add_post("/conversations/messages/outbound", self._outbound)
        route.add_post("/conversations/messages/review-reply", self._review_reply)
        route.add_post("/conversations/messages/upload/initiate", self._upload_initiate)
        route.add_post("/conversations/messages/upload/complete", self._upload_complete)
        route.add_post("/conversations/messages/upload", self._upload)
        route.add_post("/conversations/messages", self._send)
        route.add_get("/conversations/messages/email/{email_id}", self._get_email)
        route.add_delete(
            "/conversations/messages/email/{email_id}/schedule", self._cancel_scheduled_email
        )
        route.add_get(
            "/conversations/messages/{message_id}/locations/{location_id}/recording",
            self._recording,
        )
        route.add_put("/conversations/messages/{message_id}/status", self._update_status)
        route.add_put("/conversations/messages/{message_id}/attachments", self._attachments)
        route.add_delete("/conversations/messages/{message_id}/schedule", self._cancel_scheduled)
        route.add_get("/conversations/messages/{message_id}", self._get_message)
        route.add_get(
            "/conversations/locations/{location_id}/messages/{message_id}/transcription",
            self._transcription,
        )
        route.add_get(
            "/conversations/locations/{location_id}/messages/{message_id}/transcription/download",
            self._transcription_download,
        )
        prefs = "/conversations/preferences"
        route.add_get(f"{prefs}/custom-subtypes", self._list_subtypes)
        route.add_post(f"{prefs}/custom-subtypes", self._create_subtype)
        route.add_put(f"{prefs}/custom-subtypes/{{subtype_id}}", self._update_subtype)
        route.add_get(f"{prefs}/unsubscriptions/status", self._unsubscription_status)
        route.add_post(f"{prefs}/unsubscriptions/user-change", self._subscription_change)
        route.add_post("/conversations/providers/live-chat/typing", self._typing)
        route.add_get("/conversations/{conversation_id}/messages", self._conversation_messages)
        route.add_get("/conversations/{conversation_id}", self._get_conversation)
        route.add_put("/conversations/{conversation_id}", self._update_conversation)
        route.add_delete("/conversations/{conversation_id}", self._delete_conversation)
        return app

    async def start(self) -> FakeHighLevel:
        self._runner = web.AppRunner(self.app(), access_log=None, handle_signals=False)
        await self._runner.setup()
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind(("127.0.0.1", 0))
        self._port = sock.getsockname()[1]
        await web.SockSite(self._runner, sock).start()
        return self

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None
        self._port = None

    async def __aenter__(self) -> FakeHighLevel:
        return await self.start()

    async def __aexit__(self, *exc_info: object) -> None:
        await self.stop()

    def __enter__(self) -> FakeHighLevel:
        """Run in a background thread with its own event loop (for synchronous callers)."""
        ready = threading.Event()
        failure: list[BaseException] = []

        def main() -> None:
            loop = asyncio.new_event_loop()
            self._loop = loop
            try:
                loop.run_until_complete(self.start())
            except BaseException as exc:  # noqa: BLE001  # pragma: no cover - reported to the caller
                failure.append(exc)
                ready.set()
                return
            ready.set()
            loop.run_forever()
            loop.run_until_complete(self.stop())
            loop.close()

        self._thread = threading.Thread(target=main, name="FakeHighLevel", daemon=True)
        self._thread.start()
        ready.wait(30)
        if failure:
            raise failure[0]
        return self

    def __exit__(self, *exc_info: object) -> None:
        if self._loop is not None and self._thread is not None:
            self._loop.call_soon_threadsafe(self._loop.stop)
            self._thread.join(30)
        self._thread = None
        self._loop = None

    def client(self, **kwargs: Any) -> Any:
        """A ``ghl_conversations.Client`` connected to this fake (same clock unless overridden)."""
        from .._client import Client

        kwargs.setdefault("token", self.token)
        kwargs.setdefault("base_url", self.url)
        kwargs.setdefault("clock", self.clock)
        return Client(**kwargs)

    # -- knobs -----------------------------------------------------------------------------

    def issue_oauth_tokens(
        self, location_id: str | None = None, *, expires_in: float = 86_399
    ) -> dict[str, Any]:
        """Mint an access/refresh pair as if a user installed the app (for refresh tests)."""
        location = location_id or self.location_id
        access = f"at-{uuid.uuid4().hex}"
        refresh = f"rt-{uuid.uuid4().hex}"
        self._tokens[access] = _IssuedToken(location, self.clock.time() + expires_in)
        self.refresh_tokens[refresh] = location
        return {
            "access_token": access,
            "refresh_token": refresh,
            "expires_in": expires_in,
            "userType": "Location",
            "locationId": location,
        }

    def issue_company_token(self) -> str:
        token = f"ct-{uuid.uuid4().hex}"
        self._tokens[token] = _IssuedToken(None, self.clock.time() + 86_399, company=True)
        return token

    def expire_access_tokens(self) -> None:
        """Every OAuth access token issued so far stops working (the static token keeps going)."""
        for issued in self._tokens.values():
            issued.expires_at = 0.0

    def recording_bytes(self, message_id: str, size: int = 256 * 1024) -> bytes:
        """The deterministic audio the fake serves for a message's recording."""
        header = b"RIFF" + (size - 8).to_bytes(4, "little") + b"WAVEfmt "
        pattern = (message_id.encode() * (size // max(1, len(message_id)) + 1))[
            : size - len(header)
        ]
        return header + pattern

    # -- webhooks --------------------------------------------------------------------------

    @property
    def webhook_public_key_pem(self) -> str:
        """The public half of the fake's Ed25519 webhook key (pass it as ``public_key=``)."""
        from cryptography.hazmat.primitives import serialization

        key = self._webhook_key().public_key()
        pem: bytes = key.public_bytes(
            serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
        )
        return pem.decode()

    def _webhook_key(self) -> Any:
        if self._signing_key is None:
            from cryptography.hazmat.primitives.asymmetric import ed25519

            self._signing_key = ed25519.Ed25519PrivateKey.generate()
        return self._signing_key

    def sign_webhook(self, body: bytes) -> dict[str, str]:
        """Headers that make ``body`` a genuine webhook from this fake."""
        signature = self._webhook_key().sign(body)
        return {"x-ghl-signature": base64.b64encode(signature).decode()}

    def webhook_event(self, type: str, **fields: Any) -> dict[str, Any]:
        """A webhook payload as HighLevel sends it (``timestamp`` and ``webhookId`` filled in)."""
        return {
            "type": type,
            "locationId": self.location_id,
            "timestamp": self._now_iso(),
            "webhookId": uuid.uuid4().hex,
            **fields,
        }

    async def send_webhook(self, url: str, event: dict[str, Any]) -> int:
        """POST a signed webhook to ``url`` (a bot under test); return the status it answered."""
        import aiohttp

        body = orjson.dumps(event)
        headers = {"Content-Type": "application/json", **self.sign_webhook(body)}
        async with (
            aiohttp.ClientSession() as session,
            session.post(url, data=body, headers=headers) as response,
        ):
            return response.status

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

    def add_message(self, location_id: str | None = None, **fields: Any) -> dict[str, Any]:
        """Put a message into the fake directly (as if it arrived through another channel).

        Dated now by the fake's clock unless ``fields`` give ``dateAdded`` (and ``dateUpdated``,
        which defaults to ``dateAdded``); every later read of that location sees it.
        """
        location = location_id or self.location_id
        dataset = self.datasets.get(location)
        if dataset is None:
            raise ValueError(f"{location!r} is not one of the fake's locations")
        ms = _wire_ms(fields["dateAdded"]) if "dateAdded" in fields else self._now_ms()
        updated_ms = _wire_ms(fields["dateUpdated"]) if "dateUpdated" in fields else ms
        if updated_ms < ms:
            raise ValueError("dateUpdated cannot be before dateAdded")
        fields.pop("dateAdded", None)
        fields.pop("dateUpdated", None)
        message = {
            "id": f"new{uuid.uuid4().hex[:17]}",
            "type": 2,
            "messageType": "TYPE_SMS",
            "locationId": dataset.location_id,
            "contactId": dataset.contact_id(0),
            "conversationId": dataset.conversation_id(0),
            "dateAdded": format_ms(ms),
            "dateUpdated": format_ms(updated_ms),
            "body": "",
            "direction": "outbound",
            "status": "pending",
            "contentType": "text/plain",
            "source": "api",
            **fields,
        }
        dataset.add(message, ms, updated_ms)
        self._invalidate(dataset)
        return message

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
        for dataset in self.datasets.values():
            current = dataset.get_message(message_id)
            if current is None:
                continue
            updated_ms = self._now_ms() if date_updated is None else _wire_ms(date_updated)
            if updated_ms < _wire_ms(current["dateAdded"]):
                raise ValueError("date_updated cannot be before the message's dateAdded")
            changes = dict(fields)
            if status is not None:
                changes["status"] = status
            changes["dateUpdated"] = format_ms(updated_ms)
            dataset.edit(message_id, changes, updated_ms)
            self._invalidate(dataset)
            found = dataset.get_message(message_id)
            assert found is not None
            return found
        raise KeyError(f"no message {message_id!r} in the fake")

    def revoke_token(self, token: str) -> None:
        """Refuse ``token`` from now on (401 "Invalid JWT"), e.g. one location of a fleet."""
        self.revoked_tokens.add(token)

    def restore_token(self, token: str) -> None:
        """Accept a token ``revoke_token`` refused (if it is otherwise valid)."""
        self.revoked_tokens.discard(token)

    def _invalidate(self, dataset: Dataset) -> None:
        self._conversation_cache.pop(dataset.location_id, None)
        self._count_cache.clear()

    # -- middleware: record, latency, faults, auth, rate limits ----------------------------

    def _token_of(self, request: web.Request) -> str | None:
        header = request.headers.get("Authorization", "")
        return header[7:].strip() if header.startswith("Bearer ") else None

    def _authenticate(self, request: web.Request) -> str:
        token = self._token_of(request)
        if not token or token in self.revoked_tokens:
            raise _Reject(401, "Invalid JWT", "Unauthorized")
        if token != self.token and token not in self._token_locations:
            issued = self._tokens.get(token)
            if issued is None or issued.company:
                raise _Reject(401, "Invalid JWT", "Unauthorized")
            if issued.expires_at <= self.clock.time():
                raise _Reject(401, "Invalid JWT", "Unauthorized")
        path = request.path
        if not path.startswith(_NO_VERSION_PATHS) and request.headers.get("Version") != _VERSION:
            raise _Reject(401, "version header was not found.", "Unauthorized")
        if not request.headers.get("User-Agent"):
            raise _Reject(403, "Forbidden", "Forbidden")
        return token

    def _token_location(self, token: str | None) -> str | None:
        """The one location a token is good for (None: the agency-wide static token)."""
        if not token:
            return None
        location = self._token_locations.get(token)
        if location is not None:
            return location
        issued = self._tokens.get(token)
        return issued.location_id if issued is not None else None

    def _budget_of(self, request: web.Request, token: str) -> str:
        """Whose rate budget a request spends: its location's (HighLevel limits per location)."""
        return (
            self._token_location(token)
            or request.query.get("locationId")
            or request.match_info.get("location_id")
            or self.location_id
        )

    def _rate_limit(self, budget: str) -> dict[str, str]:
        token = budget
        now = self.clock.monotonic()
        window = self._windows.setdefault(token, deque())
        while window and window[0] <= now - self.rate_interval:
            window.popleft()
        used_today = self._daily.get(token, 0)
        limited = len(window) >= self.rate_limit or used_today >= self.daily_limit
        if not limited:
            window.append(now)
            self._daily[token] = used_today + 1
        headers = {
            "X-RateLimit-Max": str(self.rate_limit),
            "X-RateLimit-Remaining": str(max(0, self.rate_limit - len(window))),
            "X-RateLimit-Interval-Milliseconds": str(int(self.rate_interval * 1000)),
            "X-RateLimit-Limit-Daily": str(self.daily_limit),
            "X-RateLimit-Daily-Remaining": str(max(0, self.daily_limit - self._daily[token]))
            if token in self._daily
            else str(self.daily_limit),
        }
        if limited:
            self.rate_limited += 1
            self.rate_limited_by_location[budget] += 1
            reset = (window[0] + self.rate_interval - now) if window else self.rate_interval
            if self.retry_after_header:
                headers["Retry-After"] = str(max(1, int(reset + 0.999)))
            raise _RateLimited(headers)
        return headers

    @web.middleware
    async def _middleware(self, request: web.Request, handler: Any) -> web.StreamResponse:
        # A multipart body is parsed by its handler (into ``form``) and cannot be read twice.
        body = b"" if request.content_type.startswith("multipart/") else await request.read()
        self.request_count += 1
        status = 500
        form: dict[str, Any] | None = None
        try:
            response = await self._handle(request, handler)
            status = response.status
            form = request.get(_FORM_KEY)
            return response
        finally:
            if self.record_requests:
                self.requests.append(
                    RecordedRequest(
                        request.method,
                        request.path,
                        dict(request.query),
                        dict(request.headers),
                        body,
                        status,
                        form,
                    )
                )

    async def _handle(self, request: web.Request, handler: Any) -> web.StreamResponse:
        if self.latency:
            await asyncio.sleep(self.latency)
        fault = self.faults.pick(request.method, request.path, request.query)
        if fault is not None and fault.kind == "slow":
            await asyncio.sleep(fault.delay)
            fault = None
        if fault is not None and fault.kind in _REPLACING_FAULTS:
            return self._fault_response(request, fault)
        if fault is not None:
            request[_FAULT_KEY] = fault
        rate_headers: dict[str, str] = {}
        response: web.StreamResponse
        try:
            if not request.path.startswith(("/oauth/", "/_upload/")):
                token = self._authenticate(request)
                rate_headers = self._rate_limit(self._budget_of(request, token))
            if fault is not None and fault.kind == "always_expired_cursor":
                raise _Reject(400, _EXPIRED_CURSOR, "Bad Request")
            response = await handler(request)
        except _RateLimited as limited:
            response = _json(
                {"statusCode": 429, "message": "Too many requests, please try again later."},
                429,
            )
            rate_headers = limited.headers
        except _Reject as reject:
            payload: dict[str, Any] = {"statusCode": reject.status, "message": reject.message}
            if reject.error:
                payload["error"] = reject.error
            payload["traceId"] = uuid.uuid4().hex
            response = _json(payload, reject.status)
        if fault is not None:  # the change above is real, the answer is not
            response = _rewrite(response, fault)
        response.headers.update(rate_headers)
        return response

    def _fault_response(self, request: web.Request, fault: Fault) -> web.StreamResponse:
        if fault.kind == "server_error":
            return _json({"statusCode": 500, "message": "Internal server error"}, 500)
        if fault.kind == "bad_gateway":
            return web.Response(text=_HTML_502, status=502, content_type="text/html")
        if fault.kind == "unavailable":
            return _json({"statusCode": 503, "message": "Service Unavailable"}, 503)
        if fault.kind == "rate_limit":
            response = _json({"statusCode": 429, "message": "Too many requests"}, 429)
            if fault.retry_after is not None:
                response.headers["Retry-After"] = f"{fault.retry_after:g}"
            return response
        if fault.kind == "html_200":
            return web.Response(text=_HTML_200, status=200, content_type="text/html")
        if fault.kind == "redirect":
            status = fault.status if 300 <= fault.status < 400 else 302
            location = fault.location or f"{self.url}/_moved{request.path_qs}"
            return web.Response(status=status, headers={"Location": location})
        if fault.kind == "reset":
            if request.transport is not None:
                request.transport.abort()
            raise asyncio.CancelledError()  # aiohttp drops a cancelled handler silently
        return _json(
            fault.body or {"statusCode": fault.status, "message": "Injected"}, fault.status
        )

    # -- helpers -------------------------------------------------------------------------

    def _dataset_for(self, location_id: str | None, request: web.Request) -> Dataset:
        if not location_id:
            raise _Reject(422, ["locationId should not be empty"], "Unprocessable Entity")
        dataset = self.datasets.get(location_id)
        allowed = self._token_location(self._token_of(request))
        if dataset is None or allowed not in (None, location_id):
            raise _Reject(403, "The token does not have access to this location.", "Forbidden")
        return dataset

    def _find_message(
        self, message_id: str, request: web.Request | None = None
    ) -> tuple[Dataset, dict[str, Any]]:
        for dataset in self.datasets.values():
            message = dataset.get_message(message_id)
            if message is not None:
                self._check_access(dataset, request)
                return dataset, message
        raise _Reject(404, "Message not found", "Not Found")

    def _check_access(self, dataset: Dataset, request: web.Request | None) -> None:
        """A location's token reaches nothing of another location, even by id."""
        if request is not None:
            allowed = self._token_location(self._token_of(request))
            if allowed not in (None, dataset.location_id):
                raise _Reject(403, "The token does not have access to this location.", "Forbidden")

    async def _body(self, request: web.Request) -> dict[str, Any]:
        raw = await request.read()
        try:
            data = orjson.loads(raw) if raw else {}
        except orjson.JSONDecodeError:
            raise _Reject(400, "Unexpected token in JSON", "Bad Request") from None
        if not isinstance(data, dict):
            raise _Reject(400, "Body must be a JSON object", "Bad Request")
        return data

    @staticmethod
    def _require(data: dict[str, Any], *names: str) -> None:
        missing = [f"{name} should not be empty" for name in names if not data.get(name)]
        if missing:
            raise _Reject(422, missing, "Unprocessable Entity")

    def _now_iso(self) -> str:
        return format_ms(self._now_ms())

    def _now_ms(self) -> int:
        return int(self.clock.time() * 1000)

    # -- oauth -----------------------------------------------------------------------------

    async def _oauth_token(self, request: web.Request) -> web.Response:
        form = await request.post()
        if (
            form.get("client_id") != self.oauth_client_id
            or form.get("client_secret") != self.oauth_client_secret
        ):
            raise _Reject(401, "Invalid client credentials", "Unauthorized")
        if form.get("grant_type") != "refresh_token":
            raise _Reject(400, "Unsupported grant_type", "Bad Request")
        refresh = str(form.get("refresh_token") or "")
        location = self.refresh_tokens.pop(refresh, None)
        if location is None:
            raise _Reject(401, "Invalid refresh token", "Unauthorized")
        self.oauth_refreshes += 1
        return _json(self.issue_oauth_tokens(location))

    async def _oauth_location_token(self, request: web.Request) -> web.Response:
        token = self._token_of(request)
        issued = self._tokens.get(token or "")
        if issued is None or not issued.company or issued.expires_at <= self.clock.time():
            raise _Reject(401, "Invalid JWT", "Unauthorized")
        form = await request.post()
        location = str(form.get("locationId") or "")
        if form.get("companyId") != self.company_id or location not in self.datasets:
            raise _Reject(400, "Location not found in company", "Bad Request")
        data = self.issue_oauth_tokens(location)
        data.pop("refresh_token")
        return _json(data)

    # -- conversations ---------------------------------------------------------------------

    def _base_conversation(self, dataset: Dataset, conv: int) -> dict[str, Any] | None:
        if conv >= dataset.count:
            return None
        last = conv + dataset.conversations * ((dataset.count - 1 - conv) // dataset.conversations)
        message = dataset.generate(last)
        last_ms = dataset.date_ms(last) + (last % 2)
        conversation_id = dataset.conversation_id(conv)
        conversation = {
            "id": conversation_id,
            "contactId": dataset.contact_id(conv),
            "locationId": dataset.location_id,
            "lastMessageBody": message["body"],
            "lastMessageType": message["messageType"],
            "lastMessageDate": last_ms,
            "lastMessageDirection": message["direction"],
            "type": "TYPE_PHONE",
            "unreadCount": conv % 4,
            "fullName": f"Contact {conv}",
            "contactName": f"contact {conv}",
            "email": f"contact{conv}@example.test",
            "phone": f"+1555{conv:07d}",
            "dateAdded": format_ms(dataset.start_ms),
            "dateUpdated": format_ms(last_ms),
            "inbox": True,
            "starred": conv % 13 == 0,
            "deleted": False,
            "sort": [last_ms],
        }
        conversation.update(dataset.conversation_state.get(conversation_id, {}))
        return conversation

    def _all_conversations(self, dataset: Dataset) -> list[dict[str, Any]]:
        cached = self._conversation_cache.get(dataset.location_id)
        if cached is None:
            found = [self._base_conversation(dataset, c) for c in range(dataset.conversations)]
            cached = [c for c in found if c is not None]
            for conversation in dataset.extra_conversations.values():
                merged = {**conversation, **dataset.conversation_state.get(conversation["id"], {})}
                cached.append(merged)
            cached = [c for c in cached if c["id"] not in dataset.deleted_conversations]
            cached.sort(key=lambda c: (c["lastMessageDate"], c["id"]), reverse=True)
            self._conversation_cache[dataset.location_id] = cached
        return cached

    def _conversation(
        self, conversation_id: str, request: web.Request | None = None
    ) -> tuple[Dataset, dict[str, Any]]:
        for dataset in self.datasets.values():
            if conversation_id in dataset.deleted_conversations:
                continue
            conv = dataset.conversation_index(conversation_id)
            if conv is not None:
                found = self._base_conversation(dataset, conv)
                if found is not None:
                    self._check_access(dataset, request)
                    return dataset, found
            extra = dataset.extra_conversations.get(conversation_id)
            if extra is not None:
                self._check_access(dataset, request)
                return dataset, {**extra, **dataset.conversation_state.get(conversation_id, {})}
        raise _Reject(404, "Conversation not found", "Not Found")

    def _new_conversation(self, dataset: Dataset, contact_id: str) -> dict[str, Any]:
        now = self._now_iso()
        conversation = {
            "id": f"cv{uuid.uuid4().hex[:18]}",
            "contactId": contact_id,
            "locationId": dataset.location_id,
            "dateAdded": now,
            "dateUpdated": now,
            "lastMessageDate": int(self.clock.time() * 1000),
            "lastMessageBody": "",
            "type": "TYPE_PHONE",
            "unreadCount": 0,
            "inbox": True,
            "starred": False,
            "deleted": False,
        }
        conversation["sort"] = [conversation["lastMessageDate"]]
        dataset.extra_conversations[str(conversation["id"])] = conversation
        self._invalidate(dataset)
        return conversation

    def _conversation_for_contact(self, dataset: Dataset, contact_id: str) -> str:
        conv = dataset.contact_index(contact_id)
        if conv is not None:
            return dataset.conversation_id(conv)
        for conversation in dataset.extra_conversations.values():
            if conversation["contactId"] == contact_id:
                return str(conversation["id"])
        return str(self._new_conversation(dataset, contact_id)["id"])

    async def _create_conversation(self, request: web.Request) -> web.Response:
        data = await self._body(request)
        self._require(data, "locationId", "contactId")
        dataset = self._dataset_for(data["locationId"], request)
        for conversation in self._all_conversations(dataset):
            if conversation["contactId"] == data["contactId"]:
                raise _Reject(400, "Conversation already exists", "Bad Request")
        conversation = self._new_conversation(dataset, data["contactId"])
        return _json({"success": True, "conversation": conversation}, 201)

    async def _get_conversation(self, request: web.Request) -> web.Response:
        _, conversation = self._conversation(request.match_info["conversation_id"], request)
        return _json(conversation)

    async def _update_conversation(self, request: web.Request) -> web.Response:
        data = await self._body(request)
        self._require(data, "locationId")
        dataset, _ = self._conversation(request.match_info["conversation_id"], request)
        self._dataset_for(data["locationId"], request)
        changes: dict[str, Any] = {
            k: data[k] for k in ("unreadCount", "starred", "feedback") if k in data
        }
        conversation_id = request.match_info["conversation_id"]
        dataset.conversation_state.setdefault(conversation_id, {}).update(changes)
        self._invalidate(dataset)
        _, conversation = self._conversation(conversation_id, request)
        return _json({"success": True, "conversation": conversation})

    async def _delete_conversation(self, request: web.Request) -> web.Response:
        dataset, conversation = self._conversation(request.match_info["conversation_id"], request)
        dataset.deleted_conversations.add(conversation["id"])
        self._invalidate(dataset)
        return _json({"success": True})

    async def _search(self, request: web.Request) -> web.Response:
        q = request.query
        dataset = self._dataset_for(q.get("locationId"), request)
        limit = int(q.get("limit", "20"))
        if not 1 <= limit <= 100:
            raise _Reject(422, ["limit must not be greater than 100"], "Unprocessable Entity")
        rows = self._all_conversations(dataset)
        if q.get("contactId"):
            rows = [c for c in rows if c["contactId"] == q["contactId"]]
        if q.get("id"):
            rows = [c for c in rows if c["id"] == q["id"]]
        if q.get("query"):
            needle = q["query"].lower()
            rows = [
                c
                for c in rows
                if any(needle in str(c.get(f, "")).lower() for f in ("fullName", "email", "phone"))
            ]
        status = q.get("status", "all")
        if status == "unread":
            rows = [c for c in rows if c.get("unreadCount")]
        elif status == "read":
            rows = [c for c in rows if not c.get("unreadCount")]
        elif status == "starred":
            rows = [c for c in rows if c.get("starred")]
        if q.get("lastMessageType"):
            rows = [c for c in rows if c.get("lastMessageType") == q["lastMessageType"]]
        ascending = q.get("sort") == "asc"
        if ascending:
            rows = list(reversed(rows))
        total = len(rows)
        after = None if _stuck(request) else q.get("startAfterDate")
        if after:
            value = int(float(after.split(",")[0]))
            rows = [
                c
                for c in rows
                if (c["lastMessageDate"] > value if ascending else c["lastMessageDate"] < value)
            ]
        return _json({"conversations": rows[:limit], "total": total})

    # -- messages: reading -----------------------------------------------------------------

    async def _get_message(self, request: web.Request) -> web.Response:
        _, message = self._find_message(request.match_info["message_id"], request)
        if self.wrap_get_message:
            return _json({"message": message, "traceId": uuid.uuid4().hex})
        return _json(message)

    async def _conversation_messages(self, request: web.Request) -> web.Response:
        conversation_id = request.match_info["conversation_id"]
        dataset, _ = self._conversation(conversation_id, request)
        limit = int(request.query.get("limit", "20"))
        if not 1 <= limit <= 100:
            raise _Reject(422, ["limit must not be greater than 100"], "Unprocessable Entity")
        types = set(filter(None, request.query.get("type", "").split(",")))
        merged = ordered_messages(dataset, MessageFilter(conversation_id=conversation_id))
        last_id = request.query.get("lastMessageId")
        page: list[dict[str, Any]] = []
        more = False
        passed = last_id is None
        for key, stored in merged:
            message = stored if stored is not None else dataset.generate(key[1])
            if not passed:
                passed = message["id"] == last_id
                continue
            if types and message["messageType"] not in types:
                continue
            if len(page) == limit:
                more = True
                break
            page.append(message)
        body = {
            "lastMessageId": page[-1]["id"] if page else None,
            "nextPage": more,
            "messages": page,
        }
        if _stuck(request):  # the same page, and the marker it was asked with
            body.update(lastMessageId=last_id, nextPage=True)
        if self.nested_messages_page:
            return _json({"messages": body, "traceId": uuid.uuid4().hex})
        return _json(body)

    def _export_filters(self, q: Any) -> tuple[int, MessageFilter]:
        limit_raw = q.get("limit", "100")
        try:
            limit = int(limit_raw)
        except ValueError:
            raise _Reject(422, ["limit must be a number"], "Unprocessable Entity") from None
        if not 10 <= limit <= 500:
            raise _Reject(
                422,
                ["limit must not be less than 10", "limit must not be greater than 500"],
                "Unprocessable Entity",
            )
        channel = q.get("channel")
        if channel is not None and channel not in _EXPORT_CHANNELS:
            raise _Reject(422, [f"channel must be one of: {sorted(_EXPORT_CHANNELS)}"])
        sort_by = q.get("sortBy", "createdAt")
        sort_order = q.get("sortOrder", "desc")
        if sort_by not in ("createdAt", "updatedAt") or sort_order not in ("asc", "desc"):
            raise _Reject(422, ["sortBy/sortOrder has an invalid value"], "Unprocessable Entity")

        def date(name: str) -> int | None:
            value = q.get(name)
            if not value:
                return None
            try:
                return to_epoch_ms(parse_wire_datetime(value))
            except ValueError:
                raise _Reject(400, f"{name} must be a valid ISO 8601 date", "Bad Request") from None

        return limit, MessageFilter(
            by_updated=sort_by == "updatedAt",
            descending=sort_order == "desc",
            start_ms=date("startDate"),
            end_ms=date("endDate"),
            channel=channel,
            conversation_id=q.get("conversationId"),
            contact_id=q.get("contactId"),
        )

    def _export_total(self, dataset: Dataset, wanted: MessageFilter) -> int:
        cache_key = (dataset.location_id, len(dataset.added), wanted)
        total = self._count_cache.get(cache_key)
        if total is None:
            if not (wanted.channel or wanted.conversation_id or wanted.contact_id):
                low = (
                    0
                    if wanted.start_ms is None
                    else dataset.first_index_at_or_after(wanted.start_ms)
                )
                high = (
                    dataset.count - 1
                    if wanted.end_ms is None
                    else dataset.last_index_at_or_before(wanted.end_ms)
                )
                added = sum(
                    1
                    for key in dataset.added_keys
                    if (wanted.start_ms is None or key[0] >= wanted.start_ms)
                    and (wanted.end_ms is None or key[0] <= wanted.end_ms)
                )
                total = max(0, high - low + 1) + added
            else:
                total = sum(1 for _ in ordered_messages(dataset, wanted))
            self._count_cache[cache_key] = total
        return total

    async def _export(self, request: web.Request) -> web.Response:
        q = request.query
        dataset = self._dataset_for(q.get("locationId"), request)
        now = self.clock.monotonic()
        cursor_text = q.get("cursor")
        after: Key | None = None
        if cursor_text:
            try:
                decoded = orjson.loads(base64.urlsafe_b64decode(cursor_text.encode()))
                pit = decoded["pitId"]
                after = (int(decoded["lastSort"][0]), int(decoded["lastId"]))
            except (ValueError, KeyError, TypeError, IndexError):
                raise _Reject(400, "Invalid cursor", "Bad Request") from None
            state = self._cursors.get(pit)
            if state is None or now - state.last_used > self.cursor_ttl:
                self._cursors.pop(pit, None)
                raise _Reject(400, _EXPIRED_CURSOR, "Bad Request")
            if state.location_id != dataset.location_id:
                raise _Reject(400, "Cursor does not belong to this location", "Bad Request")
            wanted = state.filters
            limit = self._export_filters(q)[0]
            state.last_used = now
        else:
            limit, wanted = self._export_filters(q)
            pit = uuid.uuid4().hex
            state = _Cursor(dataset.location_id, wanted, now)
        rows = list(itertools.islice(ordered_messages(dataset, wanted, after), limit + 1))
        more = len(rows) > limit
        rows = rows[:limit]
        messages = [
            stored if stored is not None else dataset.generate(key[1]) for key, stored in rows
        ]
        next_cursor: str | None = None
        if _stuck(request) and cursor_text:
            self._cursors[pit] = state
            next_cursor = cursor_text  # the same page, the same cursor, for ever
        elif more and rows:
            last_key = rows[-1][0]
            self._cursors[pit] = state
            next_cursor = base64.urlsafe_b64encode(
                orjson.dumps({"pitId": pit, "lastSort": [last_key[0]], "lastId": last_key[1]})
            ).decode()
        else:
            self._cursors.pop(pit, None)
        self._expire_cursors(now)
        return _json(
            {
                "messages": messages,
                "nextCursor": next_cursor,
                "total": self._export_total(dataset, wanted),
            }
        )

    def _expire_cursors(self, now: float) -> None:
        if len(self._cursors) > 1_000:
            for pit, state in list(self._cursors.items()):
                if now - state.last_used > self.cursor_ttl:
                    del self._cursors[pit]

    # -- messages: writing -----------------------------------------------------------------

    async def _send(self, request: web.Request) -> web.Response:
        data = await self._body(request)
        self._require(data, "type", "contactId")
        if data["type"] not in _SEND_TYPES:
            raise _Reject(422, [f"type must be one of: {sorted(_SEND_TYPES)}"])
        if data["type"] == "Email" and not (data.get("html") or data.get("message")):
            raise _Reject(422, ["html or message is required for Email"])
        dataset = self.dataset
        for candidate in self.datasets.values():
            if candidate.contact_index(data["contactId"]) is not None:
                dataset = candidate
        conversation_id = self._conversation_for_contact(dataset, data["contactId"])
        message_type = {
            "SMS": "TYPE_SMS",
            "Email": "TYPE_EMAIL",
            "WhatsApp": "TYPE_WHATSAPP",
            "IG": "TYPE_INSTAGRAM",
            "FB": "TYPE_FACEBOOK",
            "Live_Chat": "TYPE_LIVE_CHAT",
        }.get(data["type"], "TYPE_CUSTOM_SMS")
        stored = self.add_message(
            dataset.location_id,
            messageType=message_type,
            type=3 if data["type"] == "Email" else 2,
            contactId=data["contactId"],
            conversationId=conversation_id,
            body=data.get("message") or data.get("html") or "",
            direction="outbound",
            status="scheduled" if data.get("scheduledTimestamp") else "pending",
            attachments=data.get("attachments") or [],
        )
        result = {
            "conversationId": conversation_id,
            "messageId": stored["id"],
            "msg": "Message queued successfully.",
        }
        if data["type"] == "Email":
            result["emailMessageId"] = "em" + stored["id"][2:]
        return _json(result, 201)

    async def _inbound(self, request: web.Request) -> web.Response:
        data = await self._body(request)
        self._require(data, "type")
        if not (data.get("conversationId") or data.get("contactId")):
            raise _Reject(422, ["conversationId or contactId should not be empty"])
        if data.get("conversationId"):
            dataset, conversation = self._conversation(data["conversationId"], request)
            conversation_id, contact_id = conversation["id"], conversation["contactId"]
        else:
            dataset = self.dataset
            contact_id = data["contactId"]
            conversation_id = self._conversation_for_contact(dataset, contact_id)
        stored = self.add_message(
            dataset.location_id,
            messageType="TYPE_CUSTOM_PROVIDER_SMS"
            if data["type"] == "Custom"
            else f"TYPE_{str(data['type']).upper()}",
            type=2,
            contactId=contact_id,
            conversationId=conversation_id,
            body=data.get("message") or "",
            direction=data.get("direction") or "inbound",
            status="delivered",
            conversationProviderId=data.get("conversationProviderId"),
        )
        return self._processed(stored)

    async def _outbound(self, request: web.Request) -> web.Response:
        data = await self._body(request)
        self._require(data, "type", "conversationId", "conversationProviderId")
        if data["type"] != "Call":
            raise _Reject(422, ["type must be one of the following values: Call"])
        dataset, conversation = self._conversation(data["conversationId"], request)
        call = data.get("call") or {}
        stored = self.add_message(
            dataset.location_id,
            messageType="TYPE_CALL",
            type=1,
            contactId=conversation["contactId"],
            conversationId=conversation["id"],
            direction="outbound",
            status=call.get("status", "completed"),
            meta={"call": call},
            altId=data.get("altId"),
        )
        return self._processed(stored)

    @staticmethod
    def _processed(stored: dict[str, Any]) -> web.Response:
        """The answer to an added inbound message or outbound call."""
        return _json(
            {
                "success": True,
                "conversationId": stored["conversationId"],
                "messageId": stored["id"],
                "message": "Message added successfully",
                "contactId": stored["contactId"],
                "dateAdded": stored["dateAdded"],
            }
        )

    async def _review_reply(self, request: web.Request) -> web.Response:
        data = await self._body(request)
        self._require(data, "conversationId", "locationId", "message")
        self._dataset_for(data["locationId"], request)
        dataset, conversation = self._conversation(data["conversationId"], request)
        stored = self.add_message(
            dataset.location_id,
            messageType="TYPE_REVIEW",
            type=15,
            contactId=conversation["contactId"],
            conversationId=conversation["id"],
            body=data["message"],
            direction="outbound",
            status="delivered",
        )
        return _json(
            {"conversationId": conversation["id"], "messageId": stored["id"], "status": "delivered"}
        )

    def _override(self, request: web.Request, message_id: str, **changes: Any) -> dict[str, Any]:
        """Change fields of a message without touching its ``dateUpdated``."""
        dataset, message = self._find_message(message_id, request)
        dataset.edit(message_id, changes, None)
        message.update(changes)
        return message

    async def _update_status(self, request: web.Request) -> web.Response:
        data = await self._body(request)
        self._require(data, "status")
        if data["status"] not in ("delivered", "failed", "pending", "read"):
            raise _Reject(422, ["status must be one of: delivered, failed, pending, read"])
        message_id = request.match_info["message_id"]
        self._find_message(message_id, request)
        message = self.edit_message(message_id, status=data["status"])
        self.status_updates.append({"messageId": message_id, **data})
        return _json(
            {
                "conversationId": message["conversationId"],
                "messageId": message_id,
                "status": data["status"],
            }
        )

    async def _attachments(self, request: web.Request) -> web.Response:
        data = await self._body(request)
        urls = data.get("attachments")
        if not isinstance(urls, list) or not urls:
            raise _Reject(422, ["attachments must be a non-empty array"])
        self._override(request, request.match_info["message_id"], attachments=urls)
        return _json({"success": True})

    async def _cancel_scheduled(self, request: web.Request) -> web.Response:
        message_id = request.match_info["message_id"]
        _, message = self._find_message(message_id, request)
        if message.get("status") != "scheduled":
            raise _Reject(400, "Message is not scheduled", "Bad Request")
        self.edit_message(message_id, status="cancelled")
        return _json({"status": 200, "message": "Message cancelled successfully"})

    async def _recording(self, request: web.Request) -> web.StreamResponse:
        message_id = request.match_info["message_id"]
        self._dataset_for(request.match_info["location_id"], request)
        _, message = self._find_message(message_id, request)
        if message.get("messageType") not in ("TYPE_CALL", "TYPE_CUSTOM_CALL"):
            raise _Reject(404, "Recording not found", "Not Found")
        data = self.recording_bytes(message_id)
        response = web.StreamResponse(
            headers={
                "Content-Type": "audio/x-wav",
                "Content-Disposition": 'attachment; filename="recording.wav"',
                "Content-Length": str(len(data)),
            }
        )
        await response.prepare(request)
        for offset in range(0, len(data), 64 * 1024):
            await response.write(data[offset : offset + 64 * 1024])
        await response.write_eof()
        return response

    def _sentences(self, message_id: str) -> list[dict[str, Any]]:
        return [
            {
                "mediaChannel": 1 + k % 2,
                "sentenceIndex": k,
                "startTime": k * 4.0,
                "endTime": k * 4.0 + 3.5,
                "transcript": f"Sentence {k} of the call {message_id}.",
                "confidence": 0.9,
            }
            for k in range(3)
        ]

    async def _transcription(self, request: web.Request) -> web.Response:
        self._dataset_for(request.match_info["location_id"], request)
        message_id = request.match_info["message_id"]
        self._find_message(message_id, request)
        return _json(self._sentences(message_id))

    async def _transcription_download(self, request: web.Request) -> web.Response:
        self._dataset_for(request.match_info["location_id"], request)
        message_id = request.match_info["message_id"]
        self._find_message(message_id, request)
        text = "\n".join(
            f"[{s['startTime']:.1f}s] {s['transcript']}" for s in self._sentences(message_id)
        )
        return web.Response(
            text=text,
            content_type="text/plain",
            headers={"Content-Disposition": 'Attachment; filename="transcription.txt"'},
        )

    # -- files -----------------------------------------------------------------------------

    async def _upload(self, request: web.Request) -> web.Response:
        fields: dict[str, Any] = {"fileAttachment": []}
        reader = await request.multipart()
        while (part := await reader.next()) is not None:
            if not isinstance(part, BodyPartReader):
                raise _Reject(400, "nested multipart is not accepted", "Bad Request")
            if part.name == "fileAttachment":
                data = await part.read()
                fields["fileAttachment"].append(
                    {
                        "filename": part.filename,
                        "size": len(data),
                        "content_type": part.headers.get("Content-Type"),
                        "data": bytes(data),
                    }
                )
            else:
                fields.setdefault(str(part.name), []).append(await part.text())
        request[_FORM_KEY] = fields
        for name in ("conversationId", "contactId", "locationId"):
            if not fields.get(name):
                raise _Reject(400, f"{name} is required", "Bad Request")
        self._dataset_for(fields["locationId"][0], request)
        uploaded: dict[str, str] = {}
        for item in fields["fileAttachment"]:
            name = str(item["filename"] or "")
            if name.rsplit(".", 1)[-1].lower() not in _ALLOWED_UPLOADS:
                return _json({"status": 415, "message": "Unsupported file type"}, 415)
            if item["size"] > 5 * 1024 * 1024:
                return _json({"status": 413, "message": "File too large"}, 413)
            url = f"https://files.example.test/{uuid.uuid4().hex}/{name}"
            uploaded[name] = url
            self.uploaded_files.append({**item, "url": url})
        return _json({"uploadedFiles": uploaded})

    async def _upload_initiate(self, request: web.Request) -> web.Response:
        data = await self._body(request)
        self._require(data, "locationId", "conversationId", "filename", "contentType")
        self._dataset_for(data["locationId"], request)
        limit = 100 * 1024 * 1024 if str(data.get("channel", "")).upper() == "WHATSAPP" else 5 << 20
        if int(data.get("fileSize") or 0) > limit:
            return _json({"status": 413, "message": "File too large"}, 413)
        upload_id = uuid.uuid4().hex
        file_path = f"{data['locationId']}/{upload_id}/{data['filename']}"
        self.uploads[upload_id] = {"filePath": file_path, "data": None, **data}
        return _json(
            {
                "uploadUrl": f"{self.url}/_upload/{upload_id}",
                "uploadId": upload_id,
                "filePath": file_path,
                "expiresAt": int((self.clock.time() + 900) * 1000),
                "maxFileSize": limit,
            }
        )

    async def _signed_put(self, request: web.Request) -> web.Response:
        upload = self.uploads.get(request.match_info["upload_id"])
        if upload is None:
            return web.Response(status=404, text="NoSuchUpload")
        if request.headers.get("Authorization"):
            return web.Response(status=400, text="signed URLs take no Authorization header")
        upload["data"] = await request.read()
        return web.Response(status=200)

    async def _upload_complete(self, request: web.Request) -> web.Response:
        data = await self._body(request)
        self._require(data, "uploadId", "filePath", "locationId", "conversationId", "filename")
        upload = self.uploads.get(data["uploadId"])
        if upload is None or upload["filePath"] != data["filePath"]:
            raise _Reject(404, "Upload not found", "Not Found")
        if upload["data"] is None:
            raise _Reject(400, "The file was not uploaded to the signed URL", "Bad Request")
        url = f"https://files.example.test/{upload['filePath']}"
        return _json(
            {
                "uploadedFiles": {data["filename"]: url},
                "metadata": {"size": len(upload["data"]), "contentType": upload["contentType"]},
            }
        )

    # -- emails ----------------------------------------------------------------------------

    async def _get_email(self, request: web.Request) -> web.Response:
        email_id = request.match_info["email_id"]
        for dataset in self.datasets.values():
            index = dataset.email_index(email_id)
            if index is not None and dataset.kind(index)[0] == "TYPE_EMAIL":
                return _json(dataset.email(index))
        raise _Reject(404, "Email not found", "Not Found")

    async def _cancel_scheduled_email(self, request: web.Request) -> web.Response:
        email_id = request.match_info["email_id"]
        for dataset in self.datasets.values():
            if dataset.email_index(email_id) is not None:
                raise _Reject(400, "Email is not scheduled", "Bad Request")
        for dataset in self.datasets.values():
            for message in dataset.added:
                if "em" + message["id"][2:] == email_id and message.get("status") == "scheduled":
                    message["status"] = "cancelled"
                    return _json({"status": 200, "message": "Email cancelled successfully"})
        raise _Reject(404, "Email not found", "Not Found")

    # -- preferences -----------------------------------------------------------------------

    async def _list_subtypes(self, request: web.Request) -> web.Response:
        dataset = self._dataset_for(request.query.get("locationId"), request)
        return _json({"subtypes": self.subtypes.get(dataset.location_id, [])})

    async def _create_subtype(self, request: web.Request) -> web.Response:
        dataset = self._dataset_for(request.query.get("locationId"), request)
        data = await self._body(request)
        self._require(data, "name", "channel", "language")
        if data["channel"] not in ("email", "sms"):
            raise _Reject(422, ["channel must be one of: email, sms"])
        subtype = {"id": f"st{uuid.uuid4().hex[:18]}", "archived": False, **data}
        self.subtypes.setdefault(dataset.location_id, []).append(subtype)
        return _json({"subtype": subtype}, 201)

    async def _update_subtype(self, request: web.Request) -> web.Response:
        dataset = self._dataset_for(request.query.get("locationId"), request)
        data = await self._body(request)
        for subtype in self.subtypes.get(dataset.location_id, []):
            if subtype["id"] == request.match_info["subtype_id"]:
                subtype.update(data)
                return _json({"subtype": subtype})
        raise _Reject(404, "Subtype not found", "Not Found")

    async def _unsubscription_status(self, request: web.Request) -> web.Response:
        dataset = self._dataset_for(request.query.get("locationId"), request)
        contact_id = request.query.get("contactId")
        if not contact_id:
            raise _Reject(422, ["contactId should not be empty"])
        actions = self.subscriptions.get((dataset.location_id, contact_id), [])
        unsubscribed = [a for a in actions if a.get("subtype_status") == "unsubscribed"]
        return _json({"contactId": contact_id, "unsubscribed": unsubscribed})

    async def _subscription_change(self, request: web.Request) -> web.Response:
        data = await self._body(request)
        self._require(data, "locationId", "contactId", "email", "subscription_action")
        dataset = self._dataset_for(data["locationId"], request)
        action = data["subscription_action"]
        if not isinstance(action, dict) or action.get("type") not in (
            "default",
            "custom",
            "resub_all",
        ):
            raise _Reject(422, ["subscription_action.type must be one of: default, custom"])
        self.subscriptions.setdefault((dataset.location_id, data["contactId"]), []).append(action)
        return _json({"success": True})

    async def _typing(self, request: web.Request) -> web.Response:
        data = await self._body(request)
        self._require(data, "locationId", "visitorId", "conversationId")
        if "isTyping" not in data:
            raise _Reject(422, ["isTyping should not be empty"])
        self._dataset_for(data["locationId"], request)
        self.typing_events.append(data)
        return _json({"success": True}, 201)


class _RateLimited(Exception):
    def __init__(self, headers: dict[str, str]) -> None:
        super().__init__("rate limited")
        self.headers = headers
