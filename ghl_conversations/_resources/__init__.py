"""Resource classes: generated from the endpoint table, plus hand-written helpers."""

from .._operations import rows
from ._base import ResourceContext, verify_surface
from ._conversations import Conversations
from ._emails import Emails
from ._messages import Messages
from ._preferences import Preferences
from ._providers import Providers

__all__ = ["Conversations", "Emails", "Messages", "Preferences", "Providers", "ResourceContext"]

verify_surface(
    {
        "conversations": Conversations,
        "messages": Messages,
        "emails": Emails,
        "preferences": Preferences,
        "providers": Providers,
    },
    rows.ROWS,
)
