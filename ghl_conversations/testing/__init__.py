"""Test your HighLevel code without HighLevel: an in-process fake server and pytest fixtures.

```python
from ghl_conversations.testing import FakeHighLevel

async with FakeHighLevel(messages=500) as fake:
    async with fake.client() as client:
        messages = [m async for m in client.messages.export(fake.location_id)]
```

With pytest, the ``ghl_fake`` fixture gives a running fake and ``ghl_client`` a connected client
(the plugin is registered automatically when this package is installed); ``WebhookSigner``
(fixture ``ghl_webhook_signer``) signs webhook deliveries with test keys.
"""

from .._clock import ManualClock
from ._data import Dataset
from ._faults import Fault, FaultInjector, FaultKind
from ._server import FakeHighLevel, RecordedRequest
from ._signing import WebhookSigner

__all__ = [
    "Dataset",
    "FakeHighLevel",
    "Fault",
    "FaultInjector",
    "FaultKind",
    "ManualClock",
    "RecordedRequest",
    "WebhookSigner",
]
