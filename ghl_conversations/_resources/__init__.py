"""Resource classes: typed stubs whose bodies the endpoint table supplies."""

from ._base import ResourceContext
from ._conversations import Conversations
from ._emails import Emails
from ._messages import Messages
from ._preferences import Preferences
from ._providers import Providers

__all__ = ["Conversations", "Emails", "Messages", "Preferences", "Providers", "ResourceContext"]
