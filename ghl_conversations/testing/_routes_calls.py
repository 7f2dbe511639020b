"""Call media endpoints: a call's recording (a streamed WAV) and its transcription."""

from __future__ import annotations

from typing import Any

from aiohttp import web

from ._http import Reject, json_response, token_of
from ._state import FakeState

__all__ = ["CallRoutes", "recording_bytes"]

_CALL_TYPES = ("TYPE_CALL", "TYPE_CUSTOM_CALL")
_CHUNK = 64 * 1024


def recording_bytes(message_id: str, size: int = 256 * 1024) -> bytes:
    """The deterministic audio the fake serves for a message's recording."""
    header = b"RIFF" + (size - 8).to_bytes(4, "little") + b"WAVEfmt "
    pattern = (message_id.encode() * (size // max(1, len(message_id)) + 1))[: size - len(header)]
    return header + pattern


def _sentences(message_id: str) -> list[dict[str, Any]]:
    return [
        {
            "mediaChannel": 1 + k % 2,
            "sentenceIndex": k,
            "startTime": k * 4.0,
            "endTime": k * 4.0 + 3.5,
            "transcript": f"Sentence {k} of the call {message_id}.",
            "confidence": 0.9,
        }
        for k in range(3)
    ]


class CallRoutes:
    """Recording and transcription endpoints, over the fake's state."""

    def __init__(self, state: FakeState) -> None:
        self.state = state

    def _call(self, request: web.Request) -> tuple[str, dict[str, Any]]:
        token = token_of(request)
        self.state.dataset_for(request.match_info["location_id"], token)
        message_id = request.match_info["message_id"]
        _, message = self.state.find_message(message_id, token)
        return message_id, message

    async def recording(self, request: web.Request) -> web.StreamResponse:
        """A call's recording, streamed in chunks as a download."""
        message_id, message = self._call(request)
        if message.get("messageType") not in _CALL_TYPES:
            raise Reject(404, "Recording not found", "Not Found")
        data = recording_bytes(message_id)
        response = web.StreamResponse(
            headers={
                "Content-Type": "audio/x-wav",
                "Content-Disposition": 'attachment; filename="recording.wav"',
                "Content-Length": str(len(data)),
            }
        )
        await response.prepare(request)
        for offset in range(0, len(data), _CHUNK):
            await response.write(data[offset : offset + _CHUNK])
        await response.write_eof()
        return response

    async def transcription(self, request: web.Request) -> web.Response:
        """A call's transcription, sentence by sentence."""
        message_id, _ = self._call(request)
        return json_response(_sentences(message_id))

    async def transcription_download(self, request: web.Request) -> web.Response:
        """A call's transcription as a text file."""
        message_id, _ = self._call(request)
        text = "\n".join(
            f"[{s['startTime']:.1f}s] {s['transcript']}" for s in _sentences(message_id)
        )
        return web.Response(
            text=text,
            content_type="text/plain",
            headers={"Content-Disposition": 'Attachment; filename="transcription.txt"'},
        )
