"""Token providers (static tokens, OAuth refresh, agency -> location exchange) and token stores."""

from ._providers import (
    AuthContext,
    FormPoster,
    LocationTokenExchange,
    MemoryTokenStore,
    OAuthRefresher,
    StaticToken,
    TokenProvider,
    TokenSet,
    TokenStore,
    as_provider,
)

__all__ = [
    "AuthContext",
    "FormPoster",
    "LocationTokenExchange",
    "MemoryTokenStore",
    "OAuthRefresher",
    "StaticToken",
    "TokenProvider",
    "TokenSet",
    "TokenStore",
    "as_provider",
]
