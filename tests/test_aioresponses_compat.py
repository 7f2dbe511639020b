"""The aioresponses shim works, and tells us when it can go."""

from __future__ import annotations

import aiohttp
import pytest
from aioresponses import aioresponses

from . import _aioresponses_compat as compat


async def test_mocked_request_returns_the_mocked_body() -> None:
    with aioresponses() as mock:
        mock.get("http://example.test/x", payload={"ok": True}, headers={"X-A": "1"})
        async with aiohttp.ClientSession() as session, session.get("http://example.test/x") as r:
            assert r.status == 200
            assert await r.json() == {"ok": True}
            assert r.headers["X-A"] == "1"


async def test_shim_still_needed() -> None:
    """Fails once aioresponses works with this aiohttp on its own: then delete the shim."""
    if not compat.needs_shim():
        pytest.skip("this aiohttp does not take stream_writer: no shim involved")
    compat.uninstall()
    try:
        with aioresponses() as mock:
            mock.get("http://example.test/y", payload={})
            async with aiohttp.ClientSession() as session:
                with pytest.raises(TypeError, match="stream_writer"):
                    await session.get("http://example.test/y")
    finally:
        compat.install()
