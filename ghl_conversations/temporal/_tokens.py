"""Private Integration Tokens for many locations: a location -> token mapping from a file or env.

Every worker of a fleet needs the token of whichever location it is given. A JSON file on the
workers' shared storage (``{"locationId": "pit-...", ...}``) or the ``GHL_TOKENS`` variable holding
the same JSON is the simplest way; ``GHL_TOKEN`` (one token) serves locations the mapping does not
name. OAuth apps use ``OAuthRefresher`` with a shared token store instead.
"""

from __future__ import annotations

import os
from collections.abc import Hashable, Mapping

import orjson

from .._errors import AuthenticationError

__all__ = ["LocationTokens"]


class LocationTokens:
    """A token provider that answers each location with its own token (never refreshed)."""

    def __init__(self, tokens: Mapping[str, str], *, default: str | None = None) -> None:
        for location, token in tokens.items():
            if not isinstance(token, str) or not token.strip() or "\n" in token:
                raise ValueError(f"the token of location {location!r} is not a usable string")
        self.__tokens = {location: token.strip() for location, token in tokens.items()}
        self.__default = default.strip() if default else None

    def __repr__(self) -> str:
        return f"LocationTokens(locations={sorted(self.__tokens)!r})"

    @classmethod
    def from_file(cls, path: str | os.PathLike[str]) -> LocationTokens:
        """Read ``{"locationId": "token", ...}`` from a JSON file."""
        with open(path, "rb") as handle:
            raw = handle.read()
        try:
            data = orjson.loads(raw)
        except orjson.JSONDecodeError:
            raise ValueError(f"{os.fspath(path)} is not JSON ({{location: token}})") from None
        if not isinstance(data, dict):
            raise ValueError(f"{os.fspath(path)} must hold a JSON object {{location: token}}")
        return cls(data)

    @classmethod
    def from_environment(cls, environ: Mapping[str, str] | None = None) -> LocationTokens:
        """``GHL_TOKENS`` (a JSON object) and/or ``GHL_TOKEN`` (every other location)."""
        env = os.environ if environ is None else environ
        mapping: dict[str, str] = {}
        if env.get("GHL_TOKENS"):
            data = orjson.loads(env["GHL_TOKENS"])
            if not isinstance(data, dict):
                raise ValueError("GHL_TOKENS must hold a JSON object {location: token}")
            mapping = data
        return cls(mapping, default=env.get("GHL_TOKEN") or None)

    def locations(self) -> list[str]:
        """The locations this mapping names."""
        return sorted(self.__tokens)

    async def get_token(self, location_id: str | None) -> str:
        """The token of ``location_id`` (the default token for others, if there is one)."""
        token = self.__tokens.get(location_id or "", self.__default)
        if token is None:
            raise AuthenticationError(
                f"no token for location {location_id!r} in the worker's token mapping", status=401
            )
        return token

    async def invalidate(self, location_id: str | None, token: str) -> bool:
        """A refused static token stays refused: no retry."""
        return False

    def bucket_key(self, location_id: str | None) -> Hashable:
        """One rate budget per location (HighLevel counts per app and location)."""
        return ("location-token", location_id)
