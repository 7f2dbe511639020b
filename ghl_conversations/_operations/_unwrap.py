"""Response normalisers of the table: HighLevel answers some operations in more than one shape."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

__all__ = ["unwrap_object", "unwrap_transcription"]


def unwrap_object(key: str) -> Callable[[Any], Any]:
    """Accept both ``{key: {...}}`` and the bare object."""

    def unwrap(data: Any) -> Any:
        if isinstance(data, dict) and isinstance(data.get(key), dict):
            return data[key]
        return data

    return unwrap


def unwrap_transcription(data: Any) -> Any:
    """A transcription arrives as a list, under one of three keys, or as a single sentence."""
    if isinstance(data, list):
        return data
    if isinstance(data, dict):
        for key in ("transcriptions", "transcription", "data"):
            if isinstance(data.get(key), list):
                return data[key]
        return [data]
    return data
