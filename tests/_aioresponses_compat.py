"""Compatibility shim: aioresponses 0.7.9 with aiohttp >= 3.14.

aiohttp 3.14 added a required ``stream_writer`` argument to ``ClientResponse.__init__``;
aioresponses (upstream issue #289) still builds responses without it, so every mocked request
fails with ``TypeError: ... missing ... 'stream_writer'``. We must not pin aiohttp below 3.14 (it
carries security fixes), so until aioresponses releases a fix this module gives aioresponses a
``ClientResponse`` subclass that supplies a do-nothing stream writer when none is passed.

Remove it once ``tests/test_aioresponses_compat.py::test_shim_still_needed`` fails (that test
notices an aioresponses that works on its own).
"""

from __future__ import annotations

import inspect
from typing import Any

import aiohttp
import aioresponses.core

_ORIGINAL = aiohttp.ClientResponse


class _NullStreamWriter:
    """What ClientResponse reads from a stream writer: the bytes sent so far."""

    output_size = 0
    buffer_size = 0


def needs_shim() -> bool:
    return "stream_writer" in inspect.signature(_ORIGINAL.__init__).parameters


class CompatClientResponse(aiohttp.ClientResponse):
    def __init__(self, method: str, url: Any, **kwargs: Any) -> None:
        kwargs.setdefault("stream_writer", _NullStreamWriter())
        super().__init__(method, url, **kwargs)


def install() -> None:
    if needs_shim():
        vars(aioresponses.core)["ClientResponse"] = CompatClientResponse


def uninstall() -> None:
    vars(aioresponses.core)["ClientResponse"] = _ORIGINAL
