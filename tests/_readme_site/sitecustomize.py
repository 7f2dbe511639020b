"""Loaded by every README block the tests run (it is on their ``PYTHONPATH``), before the block.

The blocks are what users copy, so they are run unedited: the client finds the fake HighLevel
through the ``GHL_BASE_URL``/``GHL_TOKEN`` environment it already honours, and the fake accepts the
README's placeholders (``"pit-..."``, ``"LOCATION_ID"``). What this module changes is the one thing
a script cannot do in a test: serve forever. ``aiohttp.web.run_app(app)`` and ``uvicorn.run(app)``
are replaced by a brief real serve on 127.0.0.1: the app's startup (``cleanup_ctx``, lifespan)
runs, every GET route is requested twice at once (path parameters filled with the fake's
location, ``README_FAKE_LOCATION``) and must answer 200, then the app shuts down as on Ctrl-C.
Any failure ends the block with an error, so the test sees it. ``SERVED`` remembers the apps
served, so that ``readme_runner`` serves the apps a block only defines.
"""

from __future__ import annotations

import asyncio
import contextlib
import inspect
import os
import re
import socket
from collections.abc import Awaitable, Iterable
from typing import Any

import aiohttp
from aiohttp import web

_PARAMETER = re.compile(r"\{[^}]*\}")

#: ``id()`` of every app served so far.
SERVED: set[int] = set()


def _fill(path: str) -> str:
    return _PARAMETER.sub(os.environ.get("README_FAKE_LOCATION", "LOCATION_ID"), path)


async def _get_every_route(base: str, paths: Iterable[str]) -> None:
    """GET each path twice concurrently; anything but 200 is an error naming the route."""
    async with aiohttp.ClientSession() as session:

        async def get(path: str) -> None:
            async with session.get(base + path) as response:
                body = await response.text()
                if response.status != 200:
                    raise RuntimeError(f"GET {path} answered {response.status}: {body[:500]}")
                print(f"[readme harness] GET {path} -> 200 ({len(body)} bytes)")

        await asyncio.gather(*(get(path) for path in paths for _ in range(2)))


async def _serve_aiohttp(app: web.Application | Awaitable[web.Application]) -> None:
    application = await app if inspect.isawaitable(app) else app
    SERVED.add(id(application))
    runner = web.AppRunner(application)
    await runner.setup()  # on_startup and cleanup_ctx run here
    try:
        site = web.TCPSite(runner, "127.0.0.1", 0)
        await site.start()
        port = runner.addresses[0][1]
        paths = sorted(
            {
                _fill(route.resource.canonical)
                for route in application.router.routes()
                if route.method == "GET" and route.resource is not None
            }
        )
        await _get_every_route(f"http://127.0.0.1:{port}", paths)
    finally:
        await runner.cleanup()  # on_shutdown, cleanup_ctx's exit, on_cleanup


def run_app(app: web.Application | Awaitable[web.Application], *_: Any, **__: Any) -> None:
    """Stands in for ``aiohttp.web.run_app``: serve briefly (see the module docstring)."""
    asyncio.run(_serve_aiohttp(app))


def _asgi_get_paths(app: Any) -> list[str]:
    paths = set()
    for route in getattr(app, "routes", []):
        methods = getattr(route, "methods", None) or ()
        if "GET" in methods and getattr(route, "include_in_schema", True):
            paths.add(_fill(route.path))
    return sorted(paths)


async def _serve_uvicorn(app: Any) -> None:
    import uvicorn

    SERVED.add(id(app))

    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listener.bind(("127.0.0.1", 0))
    listener.listen()  # requests wait in the backlog until uvicorn has run the startup
    port = listener.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(app, lifespan="on", log_level="warning"))
    serving = asyncio.create_task(server.serve(sockets=[listener]))
    requests = asyncio.create_task(
        _get_every_route(f"http://127.0.0.1:{port}", _asgi_get_paths(app))
    )
    try:
        done, _ = await asyncio.wait({serving, requests}, return_when=asyncio.FIRST_COMPLETED)
        if requests not in done:
            serving.result()  # re-raise what stopped it, if anything
            raise RuntimeError("uvicorn stopped before serving (did the lifespan startup fail?)")
        requests.result()
    finally:
        requests.cancel()
        server.should_exit = True
        with contextlib.suppress(asyncio.CancelledError):
            await serving
        listener.close()
    if not server.started:
        raise RuntimeError("uvicorn never started")


def is_asgi_app(value: Any) -> bool:
    """A Starlette/FastAPI-like application object (routes, callable), not a class."""
    return not isinstance(value, type) and callable(value) and hasattr(value, "routes")


def serve_defined_apps(namespace: dict[str, Any]) -> None:
    """Serve briefly each web app (aiohttp ``Application``, ASGI app) a script defined in
    ``namespace`` and did not run itself."""
    for value in list(namespace.values()):
        if id(value) in SERVED:
            continue
        if isinstance(value, web.Application):
            run_app(value)
        elif is_asgi_app(value):
            uvicorn_run(value)


def uvicorn_run(app: Any, *_: Any, **__: Any) -> None:
    """Stands in for ``uvicorn.run``: serve briefly (see the module docstring)."""
    if isinstance(app, str):
        from uvicorn.importer import import_from_string

        app = import_from_string(app)
    asyncio.run(_serve_uvicorn(app))


web.run_app = run_app
try:
    import uvicorn as _uvicorn
except ImportError:  # the block cannot use uvicorn either, then
    pass
else:
    _uvicorn.run = uvicorn_run
