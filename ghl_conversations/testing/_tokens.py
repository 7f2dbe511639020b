"""Who may call the fake: the static token, per-location tokens, OAuth tokens it issued.

- the static ``token`` (an agency-wide Private Integration Token) opens every location;
- ``tokens={location: token}`` are each good for their own location only (403 elsewhere);
- OAuth access tokens the fake issued are good for their location until they expire, and a
  refresh token works once (each refresh rotates it, as HighLevel does);
- a company token only exchanges for location tokens;
- any of them can be revoked at run time (401 "Invalid JWT" from then on).
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from typing import Any

import attrs

from .._clock import Clock
from ._http import Reject

__all__ = ["TokenRegistry"]


@attrs.define
class _IssuedToken:
    location_id: str | None
    expires_at: float
    company: bool = False


class TokenRegistry:
    """The tokens the fake accepts, and the one location each is good for."""

    def __init__(
        self, *, static: str, per_location: Mapping[str, str], locations: set[str], clock: Clock
    ) -> None:
        self.static = static
        self.clock = clock
        #: Location-scoped tokens: location -> token.
        self.per_location: dict[str, str] = dict(per_location)
        self._location_of: dict[str, str] = {}
        for location, token in self.per_location.items():
            if location not in locations:
                raise ValueError(f"tokens: {location!r} is not one of the fake's locations")
            if token == static or token in self._location_of:
                raise ValueError("tokens: every location needs a token of its own")
            self._location_of[token] = location
        self._issued: dict[str, _IssuedToken] = {}
        #: Valid OAuth refresh tokens -> location (rotated: each use kills the old one).
        self.refresh_tokens: dict[str, str] = {}
        self.refreshes = 0
        #: Tokens refused from now on.
        self.revoked: set[str] = set()

    def location_of(self, token: str | None) -> str | None:
        """The one location a token is good for (None: every location, or no token)."""
        if not token:
            return None
        location = self._location_of.get(token)
        if location is not None:
            return location
        issued = self._issued.get(token)
        return issued.location_id if issued is not None else None

    def check(self, token: str | None) -> str:
        """The token, if it may call a location endpoint; else the 401 HighLevel answers."""
        if not token or token in self.revoked:
            raise Reject(401, "Invalid JWT", "Unauthorized")
        if token != self.static and token not in self._location_of:
            issued = self._issued.get(token)
            if issued is None or issued.company or issued.expires_at <= self.clock.time():
                raise Reject(401, "Invalid JWT", "Unauthorized")
        return token

    def check_company(self, token: str | None) -> None:
        """401 unless ``token`` is a live company token (for the location-token exchange)."""
        issued = self._issued.get(token or "")
        if (
            issued is None
            or not issued.company
            or issued.expires_at <= self.clock.time()
            or token in self.revoked
        ):
            raise Reject(401, "Invalid JWT", "Unauthorized")

    def issue_oauth(self, location_id: str, *, expires_in: float = 86_399) -> dict[str, Any]:
        """A new access/refresh pair for a location, as the token endpoint answers it."""
        access = f"at-{uuid.uuid4().hex}"
        refresh = f"rt-{uuid.uuid4().hex}"
        self._issued[access] = _IssuedToken(location_id, self.clock.time() + expires_in)
        self.refresh_tokens[refresh] = location_id
        return {
            "access_token": access,
            "refresh_token": refresh,
            "expires_in": expires_in,
            "userType": "Location",
            "locationId": location_id,
        }

    def issue_company(self) -> str:
        """A new company (agency) token."""
        token = f"ct-{uuid.uuid4().hex}"
        self._issued[token] = _IssuedToken(None, self.clock.time() + 86_399, company=True)
        return token

    def refresh(self, refresh_token: str) -> dict[str, Any]:
        """Trade a refresh token (once) for a new pair; 401 for one used or unknown."""
        location = self.refresh_tokens.pop(refresh_token, None)
        if location is None:
            raise Reject(401, "Invalid refresh token", "Unauthorized")
        self.refreshes += 1
        return self.issue_oauth(location)

    def expire_access_tokens(self) -> None:
        """Every OAuth access token issued so far stops working (the static token keeps going)."""
        for issued in self._issued.values():
            issued.expires_at = 0.0
