"""Token providers (static tokens, OAuth refresh, agency -> location exchange) and token stores."""

from ._providers import (
    AuthContext,
    LocationTokenExchange,
    MemoryTokenStore,
    OAuthRefresher,
    StaticToken,
    TokenProvider,
    TokenSet,
    TokenStore,
    as_provider,
    is_refreshable_401,
)

__all__ = [
    "AuthContext",
    "LocationTokenExchange",
    "MemoryTokenStore",
    "OAuthRefresher",
    "StaticToken",
    "TokenProvider",
    "TokenSet",
    "TokenStore",
    "as_provider",
    "is_refreshable_401",
]
