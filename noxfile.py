"""Routine tasks: ``nox -s tests lint typecheck bench``."""

from __future__ import annotations

import nox

nox.options.sessions = ["tests", "lint", "typecheck"]
nox.options.reuse_existing_virtualenvs = True


@nox.session
def tests(session: nox.Session) -> None:
    """The whole suite (the same as .ci/run)."""
    session.install("-e", ".[test]")
    session.run("pytest", *session.posargs)


@nox.session
def lint(session: nox.Session) -> None:
    session.install("ruff")
    session.run("ruff", "check", ".")
    session.run("ruff", "format", "--check", ".")


@nox.session
def typecheck(session: nox.Session) -> None:
    session.install("-e", ".[test]")
    session.run("mypy", "--strict", "ghl_conversations")


@nox.session
def bench(session: nox.Session) -> None:
    """The full benchmark (minutes); ``nox -s bench -- --smoke`` for a seconds-long run."""
    session.install("-e", ".[test,bench]")
    session.run("python", "-m", "benchmarks", *session.posargs)


@nox.session
def sandbox(session: nox.Session) -> None:
    """The main job on the built-in fake: export the sandbox to messages.jsonl."""
    session.install(".")
    session.run("ghl-conversations", "export", "--sandbox", "--out", "messages.jsonl")
