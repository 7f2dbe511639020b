"""A real PostgreSQL server for the tests: started once per session in a temporary directory.

``initdb`` and ``pg_ctl`` are looked up on ``PATH``, in ``/usr/local/bin`` and in
``/usr/lib/postgresql/*/bin``; where none is installed the tests that need the server skip and say
so. PostgreSQL refuses to run as root, so under root the server runs as the unprivileged ``nobody``
user (through ``setpriv``). It listens on 127.0.0.1 only, on a free port, with ``trust``
authentication (nothing outside this machine can reach it), and stops at the end of the session.

Fixtures:

- ``postgres_server``: the :class:`PostgresServer` (session-scoped).
- ``postgres_url``: a fresh, empty database for one test, as a ``postgresql://`` URL.
"""

from __future__ import annotations

import contextlib
import glob
import os
import shutil
import socket
import subprocess
import tempfile
import uuid
from collections.abc import Iterator
from pathlib import Path

import attrs
import pytest

__all__ = ["PostgresServer", "find_postgres_bin", "postgres_server", "postgres_url"]

_SUPERUSER = "postgres"


def find_postgres_bin() -> Path | None:
    """The directory holding ``initdb``, ``pg_ctl`` and ``postgres``, or None when absent."""
    candidates: list[Path] = []
    found = shutil.which("pg_ctl")
    if found:
        candidates.append(Path(found).resolve().parent)
    candidates.append(Path("/usr/local/bin"))
    candidates += [Path(p) for p in sorted(glob.glob("/usr/lib/postgresql/*/bin"), reverse=True)]
    for directory in candidates:
        if all((directory / name).exists() for name in ("initdb", "pg_ctl", "postgres")):
            return directory
    return None


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@attrs.frozen
class PostgresServer:
    """A running server: where it listens and how to reach a database on it."""

    host: str
    port: int
    user: str
    data_dir: Path

    def url(self, database: str = "postgres") -> str:
        """A ``postgresql://`` URL for ``database`` (no password: trust authentication)."""
        return f"postgresql://{self.user}@{self.host}:{self.port}/{database}"

    def create_database(self, name: str | None = None) -> str:
        """Create an empty database (a unique name unless given); return its URL."""
        import psycopg

        name = name or f"test_{uuid.uuid4().hex[:12]}"
        with psycopg.connect(self.url(), autocommit=True) as connection:
            connection.execute(f'CREATE DATABASE "{name}"')
        return self.url(name)


def _unprivileged(command: list[str]) -> list[str]:
    """``command`` run as ``nobody`` when we are root (PostgreSQL refuses to run as root)."""
    if os.geteuid() != 0:
        return command
    setpriv = shutil.which("setpriv")
    if setpriv:
        return [setpriv, "--reuid=nobody", "--regid=nogroup", "--clear-groups", *command]
    runuser = shutil.which("runuser")
    if runuser:
        return [runuser, "-u", "nobody", "--", *command]
    pytest.skip("running as root without setpriv/runuser: cannot start PostgreSQL unprivileged")


@contextlib.contextmanager
def running_postgres() -> Iterator[PostgresServer]:
    """Start a throwaway server (initdb + pg_ctl) and stop it and delete its files afterwards."""
    bin_dir = find_postgres_bin()
    if bin_dir is None:
        pytest.skip("PostgreSQL is not installed (no initdb/pg_ctl on PATH or /usr/lib/postgresql)")
    root = Path(tempfile.mkdtemp(prefix="ghl-pg-"))
    try:
        if os.geteuid() == 0:
            os.chmod(root, 0o777)  # the unprivileged server user writes here
        data_dir, socket_dir, log = root / "data", root / "sock", root / "server.log"
        socket_dir.mkdir()
        os.chmod(socket_dir, 0o777)
        env = {**os.environ, "LC_ALL": "C", "TZ": "UTC"}
        subprocess.run(
            _unprivileged(
                [
                    str(bin_dir / "initdb"),
                    "-D",
                    str(data_dir),
                    "-U",
                    _SUPERUSER,
                    "--auth=trust",
                    "-E",
                    "UTF8",
                    "--no-sync",
                ]
            ),
            check=True,
            capture_output=True,
            env=env,
            cwd=root,
        )
        port = _free_port()
        options = f"-p {port} -h 127.0.0.1 -k {socket_dir} -F -c max_connections=50"
        started = subprocess.run(
            _unprivileged(
                [
                    str(bin_dir / "pg_ctl"),
                    "-D",
                    str(data_dir),
                    "-o",
                    options,
                    "-l",
                    str(log),
                    "-w",
                    "-t",
                    "60",
                    "start",
                ]
            ),
            capture_output=True,
            env=env,
            cwd=root,
        )
        if started.returncode != 0:
            detail = log.read_text(errors="replace") if log.exists() else started.stderr.decode()
            raise RuntimeError(f"PostgreSQL did not start: {detail[-2000:]}")
        try:
            yield PostgresServer("127.0.0.1", port, _SUPERUSER, data_dir)
        finally:
            subprocess.run(
                _unprivileged([str(bin_dir / "pg_ctl"), "-D", str(data_dir), "-m", "fast", "stop"]),
                capture_output=True,
                env=env,
                cwd=root,
            )
    finally:
        shutil.rmtree(root, ignore_errors=True)


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[PostgresServer]:
    """One PostgreSQL server for the whole session (skips where PostgreSQL is not installed)."""
    with running_postgres() as server:
        yield server


@pytest.fixture
def postgres_url(postgres_server: PostgresServer) -> str:
    """A fresh, empty database for one test, as a ``postgresql://`` URL."""
    return postgres_server.create_database()
