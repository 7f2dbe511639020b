"""``python -m ghl_conversations``: the same as the ``ghl-conversations`` command."""

import sys

from .cli import main

sys.exit(main())
