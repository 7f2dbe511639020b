"""pytest plugin: ``ghl_fake`` (a running FakeHighLevel), ``ghl_client`` (a client for it) and
``ghl_webhook_signer`` (signs webhook deliveries with test keys).

Registered through the ``pytest11`` entry point, so it loads in every pytest run of an
environment where this package is installed: it imports nothing but pytest at load and needs no
async plugin to load. The async fixtures run on the loop of whichever async plugin runs the
test: pytest-asyncio (strict or auto mode, any loop scope) or anyio's plugin (tests marked
``@pytest.mark.anyio``, with pytest-asyncio absent or in strict mode).
Customise the fake with a marker::

    @pytest.mark.ghl_fake(messages=5_000, seed=7)
    @pytest.mark.asyncio
    async def test_my_export(ghl_fake, ghl_client): ...
"""

from __future__ import annotations

import types
from collections.abc import AsyncIterator, Callable
from typing import TYPE_CHECKING, Any, Literal

import pytest

if TYPE_CHECKING:
    from .._client import Client
    from ._server import FakeHighLevel
    from ._signing import WebhookSigner

NO_ASYNC_PLUGIN = (
    "{name} needs an async test plugin: pip install pytest-asyncio (then mark the test "
    "@pytest.mark.asyncio, or set asyncio_mode = auto), or use anyio's plugin "
    "(mark the test @pytest.mark.anyio)"
)
"""The failure of a test using an async fixture when no async plugin can run it."""

ANYIO_UNDER_AUTO_MODE = (
    "{name} in an anyio test under pytest-asyncio's auto mode: both plugins would claim the "
    "fixture and run it on another event loop than the test; use asyncio_mode = strict "
    "(pytest-asyncio's default) or run with -p no:asyncio"
)
"""The failure of an anyio test using the fake where pytest-asyncio's auto mode would take it."""

_ASYNCIO_PLUGIN = "asyncio"  # the name pytest-asyncio registers under (``-p no:asyncio``)


def pytest_configure(config: pytest.Config) -> None:
    """Declare the marker, and give pytest-asyncio its variants of the fixtures when it is on."""
    config.addinivalue_line(
        "markers", "ghl_fake(**options): options for the ghl_fake fixture's FakeHighLevel"
    )
    if config.pluginmanager.hasplugin(_ASYNCIO_PLUGIN):
        config.pluginmanager.register(_asyncio_fixtures(), "ghl_conversations.asyncio_fixtures")


def _asyncio_setting(config: pytest.Config, name: str, default: str) -> str:
    """A pytest-asyncio setting (command line first, then ini); ``default`` where it has none."""
    value = config.getoption(name, None)
    if value is None:
        try:
            value = config.getini(name)
        except ValueError:  # an older pytest-asyncio without this setting
            value = None
    return str(value or default)


def _test_loop_scope(request: pytest.FixtureRequest) -> str:
    """The scope of the event loop pytest-asyncio runs this test in (the fake must share it)."""
    marker = request.node.get_closest_marker("asyncio")
    scope = marker.kwargs.get("loop_scope") or marker.kwargs.get("scope") if marker else None
    return str(
        scope or _asyncio_setting(request.config, "asyncio_default_test_loop_scope", "function")
    )


def _variant(request: pytest.FixtureRequest, name: str) -> str:
    """The private fixture that builds ``name`` under the async plugin running this test."""
    asyncio_on = request.config.pluginmanager.hasplugin(_ASYNCIO_PLUGIN)
    if "anyio_backend" in request.fixturenames:
        if asyncio_on and _asyncio_setting(request.config, "asyncio_mode", "strict") == "auto":
            pytest.fail(ANYIO_UNDER_AUTO_MODE.format(name=name), pytrace=False)
        backend = request.getfixturevalue("anyio_backend")
        backend_name = backend if isinstance(backend, str) else backend[0]
        if backend_name != "asyncio":
            pytest.skip(f"{name} runs on asyncio (aiohttp), not on {backend_name}")
        return f"_{name}_anyio"
    if asyncio_on:
        return f"_{name}_asyncio_{_test_loop_scope(request)}"
    pytest.fail(NO_ASYNC_PLUGIN.format(name=name), pytrace=False)


def _fake_options(request: pytest.FixtureRequest) -> dict[str, Any]:
    marker = request.node.get_closest_marker("ghl_fake")
    return dict(marker.kwargs) if marker else {}


@pytest.fixture
def ghl_fake(request: pytest.FixtureRequest) -> FakeHighLevel:
    """A FakeHighLevel running on 127.0.0.1 for the duration of one test (on the test's loop)."""
    fake: FakeHighLevel = request.getfixturevalue(_variant(request, "ghl_fake"))
    return fake


@pytest.fixture
def ghl_client(request: pytest.FixtureRequest, ghl_fake: FakeHighLevel) -> Client:
    """A ``Client`` connected to ``ghl_fake`` (sharing its clock)."""
    client: Client = request.getfixturevalue(_variant(request, "ghl_client"))
    return client


@pytest.fixture
def ghl_webhook_signer() -> WebhookSigner:
    """A ``WebhookSigner``: genuinely signed deliveries with test keys, and a ``Verifier`` for them
    (``ghl_webhook_signer.verifier()``). Needs ``pip install 'ghl-conversations[webhooks]'``."""
    from ._signing import WebhookSigner

    return WebhookSigner()


# anyio runs these (plain async fixtures) for tests that use its ``anyio_backend`` fixture.


@pytest.fixture
async def _ghl_fake_anyio(request: pytest.FixtureRequest) -> AsyncIterator[FakeHighLevel]:
    from ._server import FakeHighLevel

    async with FakeHighLevel(**_fake_options(request)) as fake:
        yield fake


@pytest.fixture
async def _ghl_client_anyio(ghl_fake: FakeHighLevel) -> AsyncIterator[Client]:
    async with ghl_fake.client() as client:
        yield client


LoopScope = Literal["function", "class", "module", "package", "session"]
_LOOP_SCOPES: tuple[LoopScope, ...] = ("function", "class", "module", "package", "session")


def _asyncio_fixtures() -> types.ModuleType:
    """The pytest-asyncio variants, one per loop scope (so the fake runs on the test's loop),
    marked with pytest-asyncio's own decorator: it is imported only here."""
    import pytest_asyncio

    holder = types.ModuleType("ghl_conversations.testing._asyncio_fixtures")
    for scope in _LOOP_SCOPES:
        fake, client = _asyncio_variants()
        setattr(
            holder,
            f"ghl_fake_{scope}",
            pytest_asyncio.fixture(fake, loop_scope=scope, name=f"_ghl_fake_asyncio_{scope}"),
        )
        setattr(
            holder,
            f"ghl_client_{scope}",
            pytest_asyncio.fixture(client, loop_scope=scope, name=f"_ghl_client_asyncio_{scope}"),
        )
    return holder


def _asyncio_variants() -> tuple[
    Callable[[pytest.FixtureRequest], AsyncIterator[FakeHighLevel]],
    Callable[[FakeHighLevel], AsyncIterator[Client]],
]:
    """Fresh function objects (pytest-asyncio records the loop scope on the function itself)."""

    async def fake(request: pytest.FixtureRequest) -> AsyncIterator[FakeHighLevel]:
        from ._server import FakeHighLevel

        async with FakeHighLevel(**_fake_options(request)) as running:
            yield running

    async def client(ghl_fake: FakeHighLevel) -> AsyncIterator[Client]:
        async with ghl_fake.client() as connected:
            yield connected

    return fake, client
