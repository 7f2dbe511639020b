"""Test your HighLevel code without HighLevel: an in-process fake server and pytest fixtures.

```python
from ghl_conversations.testing import FakeHighLevel

async with FakeHighLevel(messages=500) as fake:
    async with fake.client() as client:
        messages = [m async for m in client.messages.export(fake.location_id)]
```

Knobs for what your code must survive: ``fake.faults`` (5xx, 429, resets, empty or truncated
or HTML answers, redirects, malformed fields, stuck or always-expired cursors: see ``Fault``),
``tokens={location: token}`` and ``fake.revoke_token`` (a fleet where one location fails),
per-location rate budgets and ``latency``, ``fake.add_message``/``fake.edit_message`` (new and
changed messages for incremental syncs, ``sortBy=updatedAt``), ``anchor=`` (the same data in
every process), and a ``ManualClock`` shared with the client.

With pytest, the ``ghl_fake`` fixture gives a running fake and ``ghl_client`` a connected client
(the plugin is registered automatically when this package is installed); ``WebhookSigner``
(fixture ``ghl_webhook_signer``) signs webhook deliveries with test keys.
"""

from .._clock import ManualClock
from ._data import Dataset
from ._faults import Fault, FaultInjector, FaultKind
from ._server import FakeHighLevel
from ._signing import WebhookSigner
from ._state import RecordedRequest

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
