"""The iterators' filters, each field one filter of its row: every filter list is
written once, in the endpoint table.

Generated from the endpoint table by
``python -m ghl_conversations._operations._codegen``: change the table and run it; do not
edit this file (a test fails when it is stale).
"""

from __future__ import annotations

import datetime as _dt

import attrs

from .._models import ExportChannel, ExportSortBy, SortOrder

__all__ = ["ExportFilterFields"]


@attrs.frozen
class ExportFilterFields:
    """The filters of ``messages.export``, as the table lists them."""

    location_id: str
    channel: ExportChannel | None = None
    conversation_id: str | None = None
    contact_id: str | None = None
    start_date: _dt.datetime | None = None
    end_date: _dt.datetime | None = None
    sort_by: ExportSortBy = "createdAt"
    sort_order: SortOrder = "desc"
    limit: int = 500
