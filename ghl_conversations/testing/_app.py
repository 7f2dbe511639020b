"""The fake's aiohttp application: the middleware and every route, in matching order.

Order matters: aiohttp tries routes as they were added, so fixed paths
(``/conversations/search``) come before the ``/conversations/{conversation_id}`` family.
"""

from __future__ import annotations

from aiohttp import web

from ._middleware import FakeMiddleware
from ._routes_calls import CallRoutes
from ._routes_conversations import ConversationRoutes
from ._routes_export import ExportRoutes
from ._routes_messages import MessageRoutes
from ._routes_oauth import OAuthRoutes
from ._routes_preferences import PreferenceRoutes
from ._routes_uploads import UploadRoutes
from ._state import FakeState

__all__ = ["build_app"]

#: Large enough for a 100 MB WhatsApp file through the signed URL.
_MAX_BODY = 110 * 1024 * 1024


def build_app(state: FakeState) -> web.Application:
    """A new application serving ``state`` (one per server start)."""
    app = web.Application(middlewares=[FakeMiddleware(state).middleware], client_max_size=_MAX_BODY)
    oauth = OAuthRoutes(state)
    conversations = ConversationRoutes(state)
    messages = MessageRoutes(state)
    export = ExportRoutes(state)
    uploads = UploadRoutes(state)
    calls = CallRoutes(state)
    prefs = PreferenceRoutes(state)
    msgs = "/conversations/messages"
    pref = "/conversations/preferences"
    app.router.add_routes(
        [
            web.post("/oauth/token", oauth.token),
            web.post("/oauth/locationToken", oauth.location_token),
            web.put("/_upload/{upload_id}", uploads.signed_put),
            web.get("/conversations/search", conversations.search),
            web.post("/conversations/", conversations.create),
            web.get(f"{msgs}/export", export.export),
            web.post(f"{msgs}/inbound", messages.inbound),
            web.post(f"{msgs}/outbound", messages.outbound),
            web.post(f"{msgs}/review-reply", messages.review_reply),
            web.post(f"{msgs}/upload/initiate", uploads.initiate),
            web.post(f"{msgs}/upload/complete", uploads.complete),
            web.post(f"{msgs}/upload", uploads.upload),
            web.post(msgs, messages.send),
            web.get(f"{msgs}/email/{{email_id}}", messages.get_email),
            web.delete(f"{msgs}/email/{{email_id}}/schedule", messages.cancel_scheduled_email),
            web.get(f"{msgs}/{{message_id}}/locations/{{location_id}}/recording", calls.recording),
            web.put(f"{msgs}/{{message_id}}/status", messages.update_status),
            web.put(f"{msgs}/{{message_id}}/attachments", messages.attachments),
            web.delete(f"{msgs}/{{message_id}}/schedule", messages.cancel_scheduled),
            web.get(f"{msgs}/{{message_id}}", messages.get),
            web.get(
                "/conversations/locations/{location_id}/messages/{message_id}/transcription",
                calls.transcription,
            ),
            web.get(
                "/conversations/locations/{location_id}/messages/{message_id}"
                "/transcription/download",
                calls.transcription_download,
            ),
            web.get(f"{pref}/custom-subtypes", prefs.list_subtypes),
            web.post(f"{pref}/custom-subtypes", prefs.create_subtype),
            web.put(f"{pref}/custom-subtypes/{{subtype_id}}", prefs.update_subtype),
            web.get(f"{pref}/unsubscriptions/status", prefs.unsubscription_status),
            web.post(f"{pref}/unsubscriptions/user-change", prefs.subscription_change),
            web.post("/conversations/providers/live-chat/typing", prefs.typing),
            web.get("/conversations/{conversation_id}/messages", conversations.messages),
            web.get("/conversations/{conversation_id}", conversations.get),
            web.put("/conversations/{conversation_id}", conversations.update),
            web.delete("/conversations/{conversation_id}", conversations.delete),
        ]
    )
    return app
