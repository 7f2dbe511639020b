"""What a user reads: help, usage errors, file errors, options where users put them."""

from __future__ import annotations

import argparse
import ast
import pathlib
import subprocess
import sys

import pytest

import ghl_conversations.cli as cli_package
from ghl_conversations.cli import ExitCode, build_parser

from ._cli import ENV, read_jsonl, run

COMMANDS = ("export", "get-message", "send", "search")


def test_plain_command_lists_the_commands() -> None:
    done = run()
    assert done.returncode == ExitCode.USAGE
    for command in COMMANDS:
        assert command in done.stderr
    assert "Traceback" not in done.stderr


def every_command() -> list[list[str]]:
    """``[name]`` for every registered command (plug-ins included) and its sub-actions."""
    found: list[list[str]] = [[]]

    def walk(parser: argparse.ArgumentParser, path: list[str]) -> None:
        for action in parser._actions:
            if isinstance(action, argparse._SubParsersAction):
                for name, sub in action.choices.items():
                    found.append([*path, name])
                    walk(sub, [*path, name])

    walk(build_parser(), [])
    return found


@pytest.mark.parametrize("command", every_command(), ids=" ".join)
def test_help_lists_the_exit_codes_without_docstring_markup(command: list[str]) -> None:
    args = [*command, "--help"]
    done = run(*args)
    assert done.returncode == 0
    for code in ExitCode:
        assert f"{code.value:>3}  {code.meaning}" in done.stdout
    assert "``" not in done.stdout and ":class:" not in done.stdout


@pytest.mark.parametrize("command", every_command(), ids=" ".join)
def test_every_help_screen_fits_an_80_column_terminal(command: list[str]) -> None:
    """Sub-actions too (``fleet export``): usage, descriptions and examples wrap at 80."""
    done = run(*command, "--help", env={**ENV, "COLUMNS": "80", "LINES": "24"})
    assert done.returncode == 0, done.stderr
    assert [line for line in done.stdout.splitlines() if len(line) > 80] == []


def test_the_cli_offers_exactly_the_api_values_of_the_endpoint_table() -> None:
    """Channels, send types and sort orders come from the same ``Literal`` types as the table's
    constants; a page size is checked against the table's limits."""
    from ghl_conversations import _operations
    from ghl_conversations.cli import _options

    assert _options.EXPORT_CHANNELS == _operations.EXPORT_CHANNELS
    assert _options.EXPORT_SORT_BY == _operations.EXPORT_SORT_BY
    assert _options.SEND_TYPES == _operations.SEND_TYPES
    low, high = _operations.EXPORT_PAGE_LIMITS
    assert _options.page_size_argument(str(low)) == low
    assert _options.page_size_argument(str(high)) == high
    for outside in (low - 1, high + 1):
        with pytest.raises(argparse.ArgumentTypeError):
            _options.page_size_argument(str(outside))


def test_help_lists_every_registered_command() -> None:
    done = run("--help")
    for command in COMMANDS:
        assert f"    {command} " in done.stdout


def _modules_after(code: str) -> set[str]:
    probe = f"import sys\n{code}\nprint(' '.join(sys.modules))\n"
    done = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, env=ENV, timeout=60
    )
    assert done.returncode == 0, done.stderr
    return set(done.stdout.split())


HEAVY = (
    "aiohttp",
    "rich",
    "anyio",
    "dlt",
    "temporalio",
    "_client",
    "_pagination",
    "_resources",
    "testing",
)


@pytest.mark.parametrize(
    "module", sorted(p.name for p in pathlib.Path(cli_package.__file__).parent.glob("_*.py"))
)
def test_cli_modules_import_nothing_heavy_at_load(module: str) -> None:
    """The client stack and rich load inside the commands, so --help and usage errors stay fast."""
    tree = ast.parse((pathlib.Path(cli_package.__file__).parent / module).read_text())
    for node in tree.body:  # top level only: imports inside functions are lazy
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            names = [node.module or ""]
        else:
            continue
        for name in names:
            assert not any(part in HEAVY for part in name.split(".")), (module, name)


def test_help_does_not_load_the_http_stack() -> None:
    loaded = _modules_after("from ghl_conversations.cli import _main\n_main.build_parser()")
    assert "aiohttp" not in loaded


@pytest.mark.parametrize(
    ("args", "needle"),
    [
        (
            ["export", "--sandbox", "--out", "x", "--page-size", "abc"],
            "'abc' is not a whole number",
        ),
        (["export", "--sandbox", "--out", "x", "--page-size", "5"], "between 10 and 500, got 5"),
        (["export", "--sandbox", "--out", "x", "--concurrency", "0"], "at least 1, got 0"),
        (["export", "--sandbox"], "--out"),
        (["frobnicate"], "invalid choice"),
    ],
)
def test_usage_errors_are_one_line_without_internals(
    tmp_path: pathlib.Path, args: list[str], needle: str
) -> None:
    done = run(*args, cwd=tmp_path)
    assert done.returncode == ExitCode.USAGE
    (line,) = done.stderr.splitlines()
    assert needle in line
    assert line.count("ghl-conversations") == 2  # "ghl-conversations: ..." and the help hint
    assert "integer_argument" not in line and "whole_number" not in line and "_page" not in line
    assert not (tmp_path / "x").exists()


@pytest.mark.parametrize("where", ["before", "after"])
def test_verbose_and_connection_options_after_the_command(
    tmp_path: pathlib.Path, where: str
) -> None:
    options = ["-v", "--sandbox", "--sandbox-messages", "300"]
    command = ["export", "--out", "o.jsonl"]
    args = ["-v", *command, *options[1:]] if where == "before" else [*command, *options]
    done = run(*args, cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert len(read_jsonl(tmp_path / "o.jsonl")) == 300


def test_verbosity_adds_up_before_and_after_the_command() -> None:
    from ghl_conversations.cli import verbosity

    args = build_parser().parse_args(["-v", "export", "--out", "x", "-v", "--sandbox"])
    assert verbosity(args) == 2


def test_an_unwritable_output_names_the_file(tmp_path: pathlib.Path) -> None:
    out = tmp_path / "missing-directory" / "m.jsonl"
    done = run("export", "--sandbox", "--out", str(out))
    assert done.returncode == ExitCode.FAILURE
    (line,) = done.stderr.splitlines()
    assert str(out) in line and "No such file or directory" in line


def test_an_unreadable_locations_file_names_the_file(tmp_path: pathlib.Path) -> None:
    missing = tmp_path / "nope.txt"
    done = run("export", "--sandbox", "--locations-file", str(missing), "--out", "x")
    assert done.returncode == ExitCode.USAGE
    assert str(missing) in done.stderr and "No such file" in done.stderr


def test_network_failure_is_exactly_one_line() -> None:
    done = run("get-message", "m1", "--token", "pit-x", "--base-url", "http://127.0.0.1:9")
    assert done.returncode == ExitCode.NETWORK
    (line,) = done.stderr.splitlines()
    assert line.startswith("ghl-conversations: network failure")


@pytest.mark.parametrize("verbose", [[], ["-v"]])
def test_an_api_error_is_one_line_even_with_verbose(verbose: list[str]) -> None:
    """-v adds tracebacks for what may be a bug, never for HighLevel's own answers (a 404)."""
    done = run("get-message", "noSuchMessage000000000", "--sandbox", *verbose)
    assert done.returncode == ExitCode.FAILURE
    failure = [line for line in done.stderr.splitlines() if "Traceback" in line or "404" in line]
    assert failure == ["ghl-conversations: HighLevel answered 404: Message not found"]
