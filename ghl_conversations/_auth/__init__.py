"""Token providers (static tokens, OAuth refresh, agency -> location exchange) and token stores."""

from ._postgres_store import PostgresTokenStore
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
from ._sqlite_store import SQLiteTokenStore

__all__ = [
    "AuthContext",
    "FormPoster",
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
]
