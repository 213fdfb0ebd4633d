"""What the benchmarks run against: scratch databases and the real server, as `make run`
starts it (`afterline serve`), in one or several processes, with or without a worker."""

from __future__ import annotations

import asyncio
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import asyncpg
import click
import httpx

from api.core.migrate import upgrade


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _wait_until_up(base: str, process: subprocess.Popen[bytes], timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise click.ClickException("the server exited during start-up")
        try:
            if httpx.get(f"{base}/api/health", timeout=1).status_code == 200:
                return
        except httpx.TransportError:
            time.sleep(0.1)  # waiting for another process to bind its port
    raise click.ClickException("the server did not answer /api/health within a minute")


@contextmanager
def scratch_database(prefix: str) -> Iterator[tuple[Path, str]]:
    """A temporary folder holding a freshly migrated SQLite database: (folder, URL)."""
    workdir = Path(tempfile.mkdtemp(prefix=prefix))
    try:
        database_url = f"sqlite+aiosqlite:///{workdir / 'bench.db'}"
        upgrade(database_url)
        yield workdir, database_url
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


def _admin(server_url: str) -> str:
    return server_url.replace("postgresql+asyncpg://", "postgresql://")


async def _create_pg(server_url: str, name: str) -> None:
    conn = await asyncpg.connect(_admin(server_url))
    try:
        await conn.execute(f'CREATE DATABASE "{name}"')
    finally:
        await conn.close()


async def _drop_pg(server_url: str, name: str) -> None:
    conn = await asyncpg.connect(_admin(server_url))
    try:
        await conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    finally:
        await conn.close()


@contextmanager
def scratch_postgres(server_url: str, prefix: str) -> Iterator[tuple[Path, str]]:
    """A temporary, migrated database on the PostgreSQL server at `server_url` (and a
    temporary folder for the server's data dir): (folder, URL); dropped afterwards."""
    name = f"afterline_bench_{uuid.uuid4().hex[:8]}"
    asyncio.run(_create_pg(server_url, name))
    workdir = Path(tempfile.mkdtemp(prefix=prefix))
    try:
        database_url = server_url.rsplit("/", 1)[0] + f"/{name}"
        upgrade(database_url)
        yield workdir, database_url
    finally:
        asyncio.run(_drop_pg(server_url, name))
        shutil.rmtree(workdir, ignore_errors=True)


@dataclass(frozen=True)
class Served:
    base: str
    pid: int


def _environment(workdir: Path, database_url: str, extra: dict[str, str] | None) -> dict[str, str]:
    return {
        **os.environ,
        "DATABASE_URL": database_url,
        "AFTERLINE_DATA_DIR": str(workdir / "data"),
        "AFTERLINE_ENV": "development",
        **(extra or {}),
    }


@contextmanager
def serving(
    workdir: Path,
    database_url: str,
    extra_env: dict[str, str] | None = None,
    *,
    processes: int = 1,
    worker: bool = False,
) -> Iterator[Served]:
    """`afterline serve` (scheduler off) in `processes` processes on the database at a free
    port, plus `afterline worker` if asked, answering /api/health; stopped afterwards."""
    port = free_port()
    env = _environment(workdir, database_url, extra_env)
    command = [sys.executable, "-m", "api.cli", "serve", "--host", "127.0.0.1"]
    command += ["--port", str(port), "--no-scheduler", "--processes", str(processes)]
    # BENCH_SERVER_LOG=path keeps the servers' output (to see what a non-2xx was).
    log_path = os.environ.get("BENCH_SERVER_LOG")
    quiet: Any = open(log_path, "ab") if log_path else subprocess.DEVNULL  # noqa: SIM115
    started = [subprocess.Popen(command, env=env, stdout=quiet, stderr=quiet)]
    try:
        if worker:
            worker_command = [sys.executable, "-m", "api.cli", "worker"]
            started.append(subprocess.Popen(worker_command, env=env, stdout=quiet, stderr=quiet))
        served = Served(f"http://127.0.0.1:{port}", started[0].pid)
        _wait_until_up(served.base, started[0])
        yield served
    finally:
        for process in started:
            process.terminate()
        for process in started:
            process.wait(timeout=30)
        if log_path:
            quiet.close()


def peak_rss_mb(pid: int) -> float:
    """Peak resident memory of the process and its children (the API processes), in MB."""
    total = 0.0
    for one in [pid, *_children(pid)]:
        for line in Path(f"/proc/{one}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                total += int(line.split()[1]) / 1024
    return total


def _children(pid: int) -> list[int]:
    found: list[int] = []
    for task in Path(f"/proc/{pid}/task").iterdir():
        children = (task / "children").read_text().split()
        found += [int(child) for child in children]
    return found
