"""Token providers (static tokens, OAuth refresh, agency -> location exchange) and token stores."""

from ._postgres_store import PostgresTokenStore
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
from ._sqlite_store import SQLiteTokenStore

__all__ = [
    "AuthContext",
    "LocationTokenExchange",
    "MemoryTokenStore",
    "OAuthRefresher",
    "PostgresTokenStore",
    "SQLiteTokenStore",
    "StaticToken",
    "TokenProvider",
    "TokenSet",
    "TokenStore",
    "as_provider",
    "is_refreshable_401",
]
