"""The pytest plugin in the environments users have, each a real pytest run in a subprocess.

A package on ``pytest11`` loads in every pytest run of its environment, so it must never break a
suite that does not use it, and its async fixtures must run under whichever async plugin the
user has. "Not installed" is simulated by a ``sitecustomize`` that makes the import fail (plus
``-p no:NAME`` so pytest does not load the plugin's own entry point).
"""

from __future__ import annotations

import os
import pathlib
import re
import subprocess
import sys
import textwrap

import pytest

README = pathlib.Path(__file__).parent.parent / "README.md"

BLOCKER = """\
import importlib.abc
import os
import sys

BLOCKED = set(filter(None, os.environ.get("GHL_TEST_BLOCK", "").split(",")))


class _NotInstalled(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path=None, target=None):
        if name.partition(".")[0] in BLOCKED:
            raise ModuleNotFoundError(f"No module named {name!r}", name=name)
        return None


sys.meta_path.insert(0, _NotInstalled())
"""

FAKE_TESTS = """\
import asyncio

import pytest

{marker}
@pytest.mark.ghl_fake(messages=37, seed=5)
async def test_{name}_fixtures(ghl_fake, ghl_client):
    ids = [m.id async for m in ghl_client.messages.export(ghl_fake.location_id, limit=10)]
    assert len(set(ids)) == 37
    assert ghl_client.base_url == ghl_fake.url
"""

SIGNER_TEST = """\
import asyncio


def test_signed_delivery_verifies(ghl_webhook_signer):
    body, headers = ghl_webhook_signer.delivery("InboundMessage", body="hi", contactId="c1")
    event = asyncio.run(ghl_webhook_signer.verifier().parse(body, headers))
    assert event.body == "hi" and event.contact_id == "c1"
"""


def run_pytest(
    tmp_path: pathlib.Path,
    files: dict[str, str],
    *,
    ini: str = "",
    blocked: tuple[str, ...] = (),
    flags: tuple[str, ...] = (),
) -> subprocess.CompletedProcess[str]:
    """Run pytest in ``tmp_path`` on ``files``, with ``blocked`` packages made uninstallable."""
    site = tmp_path / "_site"
    site.mkdir()
    (site / "sitecustomize.py").write_text(BLOCKER)
    (tmp_path / "pytest.ini").write_text("[pytest]\n" + ini)
    for name, text in files.items():
        (tmp_path / name).write_text(text)
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTEST_", "COV_"))}
    env.update(PYTHONPATH=str(site), GHL_TEST_BLOCK=",".join(blocked), PYTHONDONTWRITEBYTECODE="1")
    return subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", *flags],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )


def passed(result: subprocess.CompletedProcess[str]) -> int:
    found = re.search(r"(\d+) passed", result.stdout)
    return int(found.group(1)) if found else 0


def test_an_environment_without_any_async_plugin_or_cryptography_runs_unrelated_tests(
    tmp_path: pathlib.Path,
) -> None:
    result = run_pytest(
        tmp_path,
        {
            "test_unrelated.py": "def test_x():\n    assert True\n",
            "test_loaded.py": (
                "def test_the_plugin_is_loaded(pytestconfig):\n"
                "    assert pytestconfig.pluginmanager.hasplugin('ghl_conversations')\n"
            ),
        },
        blocked=("pytest_asyncio", "cryptography"),
        flags=("-p", "no:asyncio"),
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert passed(result) == 2


def test_without_an_async_plugin_the_fixtures_say_what_to_install(
    tmp_path: pathlib.Path,
) -> None:
    result = run_pytest(
        tmp_path,
        {
            "test_fake.py": "async def test_f(ghl_fake):\n    pass\n",
            "test_signer.py": SIGNER_TEST,
        },
        blocked=("pytest_asyncio", "cryptography"),
        flags=("-p", "no:asyncio", "-p", "no:anyio", "-rE"),
    )
    assert result.returncode == 1, result.stdout + result.stderr
    assert "needs an async test plugin: pip install pytest-asyncio" in result.stdout
    assert "pip install 'ghl-conversations[webhooks]'" in result.stdout
    assert "Error while loading plugin" not in result.stdout + result.stderr


def test_the_fixtures_work_under_pytest_asyncio_strict_mode_beside_anyio_tests(
    tmp_path: pathlib.Path,
) -> None:
    readme_example = readme_testing_example()
    result = run_pytest(
        tmp_path,
        {
            "test_asyncio.py": FAKE_TESTS.format(marker="@pytest.mark.asyncio", name="asyncio"),
            "test_anyio.py": FAKE_TESTS.format(marker="@pytest.mark.anyio", name="anyio"),
            "test_module_loop.py": FAKE_TESTS.format(
                marker='@pytest.mark.asyncio(loop_scope="module")', name="module_loop"
            ),
            "test_readme_example.py": readme_example,
            "test_signer.py": SIGNER_TEST,
        },
        ini="asyncio_mode = strict\nasyncio_default_fixture_loop_scope = function\n",
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert passed(result) == 4 + readme_example.count("def test_")


def test_the_fixtures_work_under_pytest_asyncio_auto_mode(tmp_path: pathlib.Path) -> None:
    result = run_pytest(
        tmp_path,
        {
            "test_auto.py": FAKE_TESTS.format(marker="", name="auto"),
            "test_signer.py": SIGNER_TEST,
            "test_anyio.py": FAKE_TESTS.format(marker="@pytest.mark.anyio", name="anyio"),
        },
        ini="asyncio_mode = auto\nasyncio_default_fixture_loop_scope = function\n",
        flags=("-rE",),
    )
    assert passed(result) == 2, result.stdout + result.stderr
    # Auto mode would run an anyio test's fixture on pytest-asyncio's loop: refused at once
    # with what to do, instead of a client timing out against a fake on another loop.
    assert result.returncode == 1
    assert "1 error" in result.stdout and "use asyncio_mode = strict" in result.stdout


def test_the_fixtures_work_under_anyio_alone(tmp_path: pathlib.Path) -> None:
    result = run_pytest(
        tmp_path,
        {"test_anyio.py": FAKE_TESTS.format(marker="@pytest.mark.anyio", name="anyio")},
        blocked=("pytest_asyncio",),
        flags=("-p", "no:asyncio"),
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert passed(result) == 1


def readme_testing_example() -> str:
    """The first Python block of the README's "Testing your own code" section."""
    section = README.read_text().split("## Testing your own code", 1)[1].split("\n## ", 1)[0]
    blocks = re.findall(r"```python\n(.*?)```", section, flags=re.DOTALL)
    assert blocks, "the README's testing section has no python example"
    return textwrap.dedent(blocks[0])


@pytest.mark.parametrize("name", ["pytest", "pytest-asyncio"])
def test_the_testing_section_says_what_to_install(name: str) -> None:
    section = README.read_text().split("## Testing your own code", 1)[1].split("\n## ", 1)[0]
    assert re.search(rf"pip install [^\n]*\b{re.escape(name)}\b", section)
