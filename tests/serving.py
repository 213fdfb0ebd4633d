"""Starting the real `afterline serve` for a test: a free port, and waiting until it answers.

Shared by the browser tests (tests/e2e/conftest.py), the trusted-proxy test and the test
receivers, so that every test server starts, and fails to start, the same way.
"""

from __future__ import annotations

import os
import socket
import subprocess
import time
from pathlib import Path

import httpx
import pytest


def server_env(data: Path, base_url: str, database_url: str, **extra: str) -> dict[str, str]:
    """The environment of a test's `afterline serve`: the caller's, without any Afterline,
    SMTP or database setting it may hold, plus its own database, data folder and address."""
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("AFTERLINE_", "SMTP_")) and key != "DATABASE_URL"
    }
    env.update(
        DATABASE_URL=database_url,
        AFTERLINE_DATA_DIR=str(data),
        AFTERLINE_ENV="development",
        AFTERLINE_BASE_URL=base_url,
        **extra,
    )
    return env


def free_port() -> int:
    """A port free on loopback now (a server that cannot report an ephemeral one needs it)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def wait_healthy(base_url: str, proc: subprocess.Popen[bytes], log: Path, seconds: float) -> None:
    """Poll GET /api/health until it answers 200; fail with the server's log if the process
    dies or the deadline passes."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"{base_url}/api/health", timeout=2).status_code == 200:
                return
        except httpx.TransportError:
            pass
        try:  # doubles as the pause between polls: returns early only if the server died
            proc.wait(timeout=0.1)
        except subprocess.TimeoutExpired:
            continue
        pytest.fail(f"afterline serve exited {proc.returncode}:\n{_text(log)}", pytrace=False)
    pytest.fail(
        f"afterline serve did not answer /api/health in {seconds:.0f}s:\n{_text(log)}",
        pytrace=False,
    )


def _text(log: Path) -> str:
    return log.read_text(errors="replace") if log.exists() else "(no log)"
