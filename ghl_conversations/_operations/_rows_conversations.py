"""Table rows of ``client.conversations`` (create, get, update, delete, search, messages).

``search-conversation`` and ``get-messages`` also generate their iterators (``search``,
``messages``): the filters are the row's arguments, written here once.
"""

from __future__ import annotations

from .._models import (
    Conversation,
    ConversationResult,
    ConversationSearchPage,
    MessagesPage,
    SuccessResult,
)
from ._constants import MESSAGES_PAGE_LIMITS, SEARCH_PAGE_LIMITS
from ._row import Endpoint, Listing, arg, body, model, path, query
from ._unwrap import unwrap_object

__all__ = [
    "CREATE_CONVERSATION",
    "DELETE_CONVERSATION",
    "GET_CONVERSATION",
    "GET_MESSAGES",
    "SEARCH_CONVERSATION",
    "UPDATE_CONVERSATION",
]

OPTIONAL_STR = "str | None"

CREATE_CONVERSATION = Endpoint(
    "create-conversation",
    "POST",
    "/conversations/",
    body(location_id="str", contact_id="str"),
    model(ConversationResult),
    "conversations",
    "create",
    "Start a conversation with a contact.",
    idempotent=False,
    positional=("location_id", "contact_id"),
    required=("location_id", "contact_id"),
)

GET_CONVERSATION = Endpoint(
    "get-conversation",
    "GET",
    "/conversations/{conversation_id}",
    path(conversation_id="str"),
    model(Conversation),
    "conversations",
    "get",
    "One conversation by id.",
    positional=("conversation_id",),
    unwrap=unwrap_object("conversation"),
    required=("conversation_id",),
    location_arg=None,
)

UPDATE_CONVERSATION = Endpoint(
    "update-conversation",
    "PUT",
    "/conversations/{conversation_id}",
    path(conversation_id="str")
    + body(
        location_id="str",
        unread_count="int | None",
        starred="bool | None",
        feedback="dict[str, Any] | None",
    ),
    model(ConversationResult),
    "conversations",
    "update",
    "Change unread count, star or feedback; unset arguments are left as they are.",
    positional=("conversation_id",),
    required=("conversation_id", "location_id"),
    ranges={"unread_count": (0, 1_000_000)},
)

DELETE_CONVERSATION = Endpoint(
    "delete-conversation",
    "DELETE",
    "/conversations/{conversation_id}",
    path(conversation_id="str"),
    model(SuccessResult),
    "conversations",
    "delete",
    "Delete a conversation.",
    positional=("conversation_id",),
    required=("conversation_id",),
    location_arg=None,
)

SEARCH_CONVERSATION = Endpoint(
    "search-conversation",
    "GET",
    "/conversations/search",
    query(
        location_id="str",
        contact_id=OPTIONAL_STR,
        assigned_to=OPTIONAL_STR,
        followers=OPTIONAL_STR,
        mentions=OPTIONAL_STR,
        query=OPTIONAL_STR,
        sort="SortOrder | None",
        start_after_date="int | Sequence[int | str] | _dt.datetime | None",
        id=OPTIONAL_STR,
        limit="int | None",
        last_message_type=OPTIONAL_STR,
        last_message_action=OPTIONAL_STR,
        last_message_direction=OPTIONAL_STR,
        status="SearchStatus | None",
        sort_by="SearchSortBy | None",
        sort_score_profile=OPTIONAL_STR,
        score_profile=OPTIONAL_STR,
        score_profile_min="float | None",
        score_profile_max="float | None",
        start_date="_dt.datetime | int | None",
        end_date="_dt.datetime | int | None",
    ),
    model(ConversationSearchPage),
    "conversations",
    "search_page",
    "One page of search results (``start_after_date`` continues after a previous page).",
    positional=("location_id",),
    required=("location_id",),
    ranges={"limit": SEARCH_PAGE_LIMITS},
    dates="epoch_ms",
    listings=(
        Listing(
            "search",
            "ConversationSearch",
            "_conversation_search",
            cursor="start_after_date",
            omit=("id",),
            overrides={"limit": ("int", str(SEARCH_PAGE_LIMITS[1]))},
            extra=(("max_items", "int | None", "None"),),
            doc="Every conversation matching the filters: ``async for conv in ...``.\n\n"
            "Pages with ``startAfterDate`` (the last conversation's sort value) and stops\n"
            "without an extra request once ``total`` conversations arrived.",
        ),
    ),
)

GET_MESSAGES = Endpoint(
    "get-messages",
    "GET",
    "/conversations/{conversation_id}/messages",
    path(conversation_id="str")
    + query(
        last_message_id=OPTIONAL_STR,
        types=arg("Sequence[MessageTypeFilter] | MessageTypeFilter | None", wire="type"),
        limit="int | None",
    ),
    model(MessagesPage),
    "conversations",
    "messages_page",
    "One page of a conversation's messages, newest first (nested or flat wire shape).",
    positional=("conversation_id",),
    unwrap=unwrap_object("messages"),
    required=("conversation_id",),
    ranges={"limit": MESSAGES_PAGE_LIMITS},
    location_arg=None,
    listings=(
        Listing(
            "messages",
            "ConversationMessages",
            "_conversation_messages",
            cursor="last_message_id",
            overrides={"limit": ("int", str(MESSAGES_PAGE_LIMITS[1]))},
            extra=(("max_items", "int | None", "None"),),
            doc="Every message of a conversation, newest first: ``async for msg in ...``.",
        ),
    ),
)
