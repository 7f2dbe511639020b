"""Tokens: static, OAuth with rotating refresh tokens, and agency->location exchange.

A client asks its ``TokenProvider`` for the token of the location a call is for, so one client can
serve many locations. OAuth refresh tokens rotate (each use returns a new one and kills the old
one), so a refresh is single-flight per location and the new pair is saved before it is used.
No token is ever put in a repr, an exception or a log line.
"""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator, Callable, Hashable, Mapping
from typing import Any, Protocol, TypeVar, runtime_checkable

import anyio
import attrs
import orjson

from .._clock import Clock
from .._errors import APIResponseValidationError, AuthenticationError
from .._transport import Response

T = TypeVar("T")

__all__ = [
    "AuthContext",
    "LocationTokenExchange",
    "MemoryTokenStore",
    "OAuthRefresher",
    "StaticToken",
    "TokenProvider",
    "TokenSet",
    "TokenStore",
]


class FormPoster(Protocol):
    """Posts a form to an OAuth endpoint through the client's request pipeline (retries, hooks,
    logging), returning ``parse(response)`` of a 2xx answer or raising the mapped error.

    Injected by the client: auth sits below the pipeline and must not import it."""

    async def __call__(
        self,
        operation_id: str,
        path: str,
        form: Mapping[str, str],
        *,
        headers: Mapping[str, str],
        parse: Callable[[Response], T],
    ) -> T:
        """Send the form; ``parse`` runs inside the attempt loop."""
        ...


@attrs.frozen
class AuthContext:
    """What a provider may use to talk to HighLevel's OAuth endpoints (given by the client)."""

    post_form: FormPoster
    clock: Clock


def _token_answer(response: Response) -> dict[str, Any]:
    """The JSON of a token endpoint's answer; anything without an access token is no answer."""
    try:
        data = orjson.loads(response.content)
    except orjson.JSONDecodeError:
        data = None
    if not isinstance(data, dict) or not isinstance(data.get("access_token"), str):
        raise APIResponseValidationError(
            "the OAuth endpoint answered without an access_token",
            status=response.status,
            excerpt="(token endpoint body withheld)",
        )
    return data


@runtime_checkable
class TokenProvider(Protocol):
    """Gives the pipeline a token per call; implement it to plug in your own token source."""

    async def get_token(self, location_id: str | None) -> str:
        """The access token to use for a call concerning ``location_id`` (None: the default)."""
        ...

    async def invalidate(self, location_id: str | None, token: str) -> bool:
        """``token`` was refused as expired/invalid: refresh it; True if retrying makes sense."""
        ...

    def bucket_key(self, location_id: str | None) -> Hashable:
        """Which rate-limit budget a call for ``location_id`` draws on."""
        ...


class StaticToken:
    """A Private Integration Token (``pit-...``) or any token that never refreshes."""

    def __init__(self, token: str) -> None:
        if not isinstance(token, str) or not token.strip():
            raise ValueError("token must be a non-empty string")
        if any(ch in token for ch in "\r\n"):
            raise ValueError("token must not contain line breaks")
        self.__token = token.strip()
        self._bucket = ("static", id(self))

    def __repr__(self) -> str:
        return "StaticToken(<redacted>)"

    async def get_token(self, location_id: str | None) -> str:
        """The access token for a call concerning ``location_id``."""
        return self.__token

    async def invalidate(self, location_id: str | None, token: str) -> bool:
        """``token`` was refused as expired: refresh it; True when a retry makes sense."""
        return False

    def bucket_key(self, location_id: str | None) -> Hashable:
        """The rate-limit budget a call for ``location_id`` draws on."""
        # HighLevel counts requests per app and location, and a static token (a Private
        # Integration Token, a sub-account's OAuth token) belongs to one location: every call
        # made with it, naming a location or not (get a message by id), draws on one budget.
        return self._bucket


@attrs.define(repr=False)
class TokenSet:
    """An OAuth token pair as ``/oauth/token`` returns it (``expires_at`` in epoch seconds)."""

    access_token: str
    refresh_token: str | None = None
    expires_at: float = 0.0
    user_type: str | None = None
    location_id: str | None = None
    company_id: str | None = None
    scope: str | None = None

    def __repr__(self) -> str:
        return (
            f"TokenSet(access_token=<redacted>, refresh_token=<redacted>, "
            f"expires_at={self.expires_at!r}, location_id={self.location_id!r})"
        )

    def to_json(self) -> dict[str, Any]:
        """A dict for the user's own storage (it holds secrets: store it as such)."""
        return attrs.asdict(self)

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> TokenSet:
        """The inverse of ``to_json`` (unknown keys are ignored)."""
        fields = {f.name for f in attrs.fields(cls)}
        return cls(**{k: v for k, v in data.items() if k in fields})


class TokenStore(Protocol):
    """Where rotated tokens live. A file or database store is two small methods."""

    async def load(self, key: str) -> TokenSet | None:
        """The tokens stored under ``key`` (a location or company id), or None if there are none."""
        ...

    async def save(self, key: str, tokens: TokenSet) -> None:
        """Store a rotated pair under ``key``, replacing the old one (whose refresh token died)."""
        ...


class MemoryTokenStore:
    """The default store: a dict (tokens are lost when the process ends)."""

    def __init__(self, initial: dict[str, TokenSet] | None = None) -> None:
        self._tokens: dict[str, TokenSet] = dict(initial or {})

    def __repr__(self) -> str:
        return f"MemoryTokenStore(keys={sorted(self._tokens)!r})"

    async def load(self, key: str) -> TokenSet | None:
        """The tokens stored under ``key``, or None."""
        return self._tokens.get(key)

    async def save(self, key: str, tokens: TokenSet) -> None:
        """Store ``tokens`` under ``key`` (replacing what was there)."""
        self._tokens[key] = tokens


class _OAuthBase:
    """Shared plumbing: binding to the client's transport and posting form-encoded requests."""

    _context: AuthContext | None = None

    def attach(self, context: AuthContext) -> None:
        """Bind to the client's pipeline (done by the client; the first binding wins)."""
        if self._context is None:
            self._context = context

    def _require_context(self) -> AuthContext:
        if self._context is None:
            raise RuntimeError("this token provider is not attached to a client yet")
        return self._context

    async def _post_form(
        self,
        operation_id: str,
        path: str,
        form: dict[str, str],
        *,
        headers: dict[str, str] | None = None,
    ) -> dict[str, Any]:
        context = self._require_context()
        return await context.post_form(
            operation_id, path, form, headers=headers or {}, parse=_token_answer
        )

    def _token_set(self, data: dict[str, Any], fallback_refresh: str | None = None) -> TokenSet:
        clock = self._require_context().clock
        return TokenSet(
            access_token=str(data["access_token"]),
            refresh_token=data.get("refresh_token") or fallback_refresh,
            expires_at=clock.time() + float(data.get("expires_in") or 86399),
            user_type=data.get("userType"),
            location_id=data.get("locationId"),
            company_id=data.get("companyId"),
            scope=data.get("scope"),
        )


class OAuthRefresher(_OAuthBase):
    """Access tokens from a ``TokenStore``, refreshed with the ``refresh_token`` grant.

    Keys of the store are location ids (``default_location`` serves calls that name none). A token
    is refreshed shortly before it expires and once after a 401 that says it is invalid; concurrent
    callers of one location share a single refresh, whose rotated refresh token is saved before
    anyone uses the new access token.

    The refresh goes through the client's pipeline: a passing 502, 429 or dropped connection on
    ``/oauth/token`` is retried (see ``HTTPCore.post_form`` for why that is safe with rotating
    refresh tokens) and shows in hooks and logs, never with a token in them.
    """

    def __init__(
        self,
        *,
        client_id: str,
        client_secret: str,
        store: TokenStore | None = None,
        default_location: str | None = None,
        user_type: str = "Location",
        refresh_margin: float = 300.0,
    ) -> None:
        self._client_id = client_id
        self.__client_secret = client_secret
        self.store: TokenStore = store if store is not None else MemoryTokenStore()
        self.default_location = default_location
        self.user_type = user_type
        self.refresh_margin = refresh_margin
        self._locks: dict[str, anyio.Lock] = {}
        self.refresh_count = 0

    def __repr__(self) -> str:
        return f"OAuthRefresher(client_id={self._client_id!r}, store={self.store!r})"

    def _key(self, location_id: str | None) -> str:
        key = location_id or self.default_location
        if not key:
            raise ValueError(
                "this call names no location and the refresher has no default_location"
            )
        return key

    def bucket_key(self, location_id: str | None) -> Hashable:
        """The rate-limit budget a call for ``location_id`` draws on."""
        return ("oauth", location_id or self.default_location)

    def _lock(self, key: str) -> anyio.Lock:
        lock = self._locks.get(key)
        if lock is None:
            lock = self._locks[key] = anyio.Lock()
        return lock

    @contextlib.asynccontextmanager
    async def _single_flight(self, key: str) -> AsyncIterator[None]:
        """This process's lock, then the store's cross-process one if it has one."""
        async with self._lock(key):
            exclusive = getattr(self.store, "exclusive", None)
            if exclusive is None:
                yield
                return
            async with exclusive(key):
                yield

    async def _load(self, key: str) -> TokenSet:
        tokens = await self.store.load(key)
        if tokens is None:
            raise AuthenticationError(f"no OAuth tokens stored for location {key!r}", status=401)
        return tokens

    async def get_token(self, location_id: str | None) -> str:
        """The access token for a call concerning ``location_id``."""
        key = self._key(location_id)
        tokens = await self._load(key)
        clock = self._require_context().clock
        if tokens.expires_at - self.refresh_margin > clock.time():
            return tokens.access_token
        async with self._single_flight(key):
            tokens = await self._load(key)
            if tokens.expires_at - self.refresh_margin > clock.time():
                return tokens.access_token
            return (await self._refresh(key, tokens)).access_token

    async def invalidate(self, location_id: str | None, token: str) -> bool:
        """``token`` was refused as expired: refresh it; True when a retry makes sense."""
        key = self._key(location_id)
        async with self._single_flight(key):
            tokens = await self._load(key)
            if tokens.access_token != token:
                return True  # someone else refreshed while we waited
            await self._refresh(key, tokens)
            return True

    async def _refresh(self, key: str, tokens: TokenSet) -> TokenSet:
        if not tokens.refresh_token:
            raise AuthenticationError(f"no refresh token stored for location {key!r}", status=401)
        data = await self._post_form(
            "refresh-access-token",
            "/oauth/token",
            {
                "client_id": self._client_id,
                "client_secret": self.__client_secret,
                "grant_type": "refresh_token",
                "refresh_token": tokens.refresh_token,
                "user_type": self.user_type,
            },
        )
        fresh = self._token_set(data, fallback_refresh=None)
        await self.store.save(key, fresh)
        self.refresh_count += 1
        return fresh


class LocationTokenExchange(_OAuthBase):
    """Location tokens minted from an agency (Company) token via ``/oauth/locationToken``."""

    VERSION = "2021-07-28"

    def __init__(
        self, company: TokenProvider | str, *, company_id: str, refresh_margin: float = 300.0
    ) -> None:
        self._company = StaticToken(company) if isinstance(company, str) else company
        self.company_id = company_id
        self.refresh_margin = refresh_margin
        self._cache: dict[str, TokenSet] = {}
        self._locks: dict[str, anyio.Lock] = {}

    def __repr__(self) -> str:
        return f"LocationTokenExchange(company_id={self.company_id!r})"

    def attach(self, context: AuthContext) -> None:
        """Bind to the client's pipeline (done by the client; the first binding wins)."""
        super().attach(context)
        if isinstance(self._company, _OAuthBase):
            self._company.attach(context)

    def bucket_key(self, location_id: str | None) -> Hashable:
        """The rate-limit budget a call for ``location_id`` draws on."""
        return ("location", location_id)

    async def get_token(self, location_id: str | None) -> str:
        """The access token for a call concerning ``location_id``."""
        if not location_id:
            raise ValueError(
                "a location token needs the call's location: use client.for_location()"
            )
        clock = self._require_context().clock
        cached = self._cache.get(location_id)
        if cached and cached.expires_at - self.refresh_margin > clock.time():
            return cached.access_token
        lock = self._locks.setdefault(location_id, anyio.Lock())
        async with lock:
            cached = self._cache.get(location_id)
            if cached and cached.expires_at - self.refresh_margin > clock.time():
                return cached.access_token
            return (await self._exchange(location_id)).access_token

    async def _exchange(self, location_id: str) -> TokenSet:
        company_token = await self._company.get_token(None)
        data = await self._post_form(
            "get-location-access-token",
            "/oauth/locationToken",
            {"companyId": self.company_id, "locationId": location_id},
            headers={"Authorization": f"Bearer {company_token}", "Version": self.VERSION},
        )
        tokens = self._token_set(data)
        self._cache[location_id] = tokens
        return tokens

    async def invalidate(self, location_id: str | None, token: str) -> bool:
        """``token`` was refused as expired: refresh it; True when a retry makes sense."""
        if location_id and location_id in self._cache:
            if self._cache[location_id].access_token == token:
                del self._cache[location_id]
            return True
        return False


def as_provider(token: str | TokenProvider) -> TokenProvider:
    """A ``StaticToken`` for a string, the provider itself otherwise."""
    return StaticToken(token) if isinstance(token, str) else token
