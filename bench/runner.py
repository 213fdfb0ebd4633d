"""Orchestrates `afterline bench`.

The server is the one `make run` starts (`afterline serve`, one process, scheduler off) on a
fresh SQLite database in a temporary directory; the load comes from wrk in a separate
process at the given number of connections. Results are reported as ratios to
`GET /api/health` measured in the same run, because absolute numbers on a shared machine
mean little.
"""

from __future__ import annotations

import asyncio
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import click
import httpx
from rich.console import Console
from rich.progress import Progress
from rich.table import Table

from api.core.db import Database
from api.core.migrate import upgrade
from bench.seed import PASSWORD, BenchAccounts, seed_bench

LUA = Path(__file__).with_name("wrk.lua")
console = Console(width=120)  # wide enough for the table when output is piped


@dataclass(frozen=True)
class Result:
    name: str
    rps: float
    p50_ms: float
    p99_ms: float
    non_2xx: int
    socket_errors: int


def _free_port() -> int:
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
            time.sleep(0.1)
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


@dataclass(frozen=True)
class Served:
    base: str
    pid: int


@contextmanager
def serving(
    workdir: Path, database_url: str, extra_env: dict[str, str] | None = None
) -> Iterator[Served]:
    """`afterline serve` (one process, scheduler off, as `make run` starts it) on the
    database at a free port, answering /api/health; stopped afterwards."""
    port = _free_port()
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "AFTERLINE_DATA_DIR": str(workdir / "data"),
        "AFTERLINE_ENV": "development",
        **(extra_env or {}),
    }
    command = [sys.executable, "-m", "api.cli", "serve", "--host", "127.0.0.1"]
    command += ["--port", str(port), "--no-scheduler"]
    quiet = subprocess.DEVNULL
    server = subprocess.Popen(command, env=env, stdout=quiet, stderr=quiet)
    try:
        served = Served(f"http://127.0.0.1:{port}", server.pid)
        _wait_until_up(served.base, server)
        yield served
    finally:
        server.terminate()
        server.wait(timeout=30)


def _login(base: str, email: str) -> tuple[str, str]:
    with httpx.Client(base_url=base) as client:
        client.get("/api/health")
        csrf = client.cookies["csrftoken"]
        response = client.post(
            "/api/auth/login",
            json={"email": email, "password": PASSWORD},
            headers={"X-CSRFToken": csrf},
        )
        response.raise_for_status()
        cookie = "; ".join(f"{name}={value}" for name, value in client.cookies.items())
        return cookie, csrf


def _wrk(
    base: str, name: str, path: str, duration: float, connections: int, env: dict[str, str]
) -> Result:
    command = [
        "wrk",
        f"--threads={min(2, connections)}",
        f"--connections={connections}",
        f"--duration={max(1, round(duration))}s",
        "--timeout=10s",
        f"--script={LUA}",
        f"{base}{path}",
    ]
    output = subprocess.run(
        command, env={**os.environ, "BENCH_PATH": path, **env}, capture_output=True, text=True
    )
    line = next((ln for ln in output.stdout.splitlines() if ln.startswith("BENCH_RESULT ")), None)
    if output.returncode != 0 or line is None:
        raise click.ClickException(f"wrk failed for {name}: {output.stderr or output.stdout}")
    data = json.loads(line.removeprefix("BENCH_RESULT "))
    return Result(
        name=name,
        rps=data["requests"] / (data["duration_us"] / 1e6),
        p50_ms=data["p50_us"] / 1000,
        p99_ms=data["p99_us"] / 1000,
        non_2xx=data["non_2xx"],
        socket_errors=data["socket_errors"],
    )


def _rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):  # peak resident set size
            return int(line.split()[1]) / 1024
    return float("nan")


def run_bench(*, patients: int, days: int, duration: float, connections: int) -> None:
    if shutil.which("wrk") is None:
        raise click.ClickException(
            "wrk is not installed: `apt-get install -y wrk` (make bench does)"
        )
    with scratch_database("afterline-bench-") as (workdir, database_url):
        console.print(f"[bold]afterline bench[/]: {patients} patients x {days} days in {workdir}")
        started = time.monotonic()
        accounts = asyncio.run(_seed(database_url, patients, days))
        console.print(f"seeded in {time.monotonic() - started:.1f}s")
        with serving(workdir, database_url) as served:
            results, rss = _measure(served.base, served.pid, accounts, days, duration, connections)
    _report(results, rss, connections)


async def _seed(database_url: str, patients: int, days: int) -> BenchAccounts:
    db = Database.from_url(database_url)
    try:
        return await seed_bench(db, patients, days, datetime.now(UTC))
    finally:
        await db.dispose()


def _measure(
    base: str, pid: int, accounts: BenchAccounts, days: int, duration: float, connections: int
) -> tuple[dict[str, Result], float]:
    writer_cookie, writer_csrf = _login(base, accounts.writer)
    reader_cookie, _ = _login(base, accounts.reader)
    practitioner_cookie, _ = _login(base, accounts.practitioner)
    first_day = datetime.combine(accounts.writer_first_day, datetime.min.time(), tzinfo=UTC)
    plans = [
        # The baseline carries a browser's cookies too, as every PWA request does.
        ("health", "GET", "/api/health", {"BENCH_COOKIE": reader_cookie}),
        ("checkin_put", "PUT", "/api/me/checkins/", {
            "BENCH_COOKIE": writer_cookie,
            "BENCH_CSRF": writer_csrf,
            "BENCH_FIRST_DAY_EPOCH": str(int(first_day.timestamp())),
            "BENCH_DAY_COUNT": str(days),
        }),
        ("timeline_get", "GET", "/api/me/timeline", {"BENCH_COOKIE": reader_cookie}),
        ("patients_list", "GET", "/api/patients", {"BENCH_COOKIE": practitioner_cookie}),
    ]  # fmt: skip
    results: dict[str, Result] = {}
    list_env = {"BENCH_METHOD": "GET", "BENCH_COOKIE": practitioner_cookie}
    with Progress(console=console, transient=True) as progress:
        task = progress.add_task("measuring", total=len(plans) * 2 + 1)
        # A clinic has a few practitioners, not 32: also show the list as one of them sees it.
        # Measured before the 32-connection list run, whose queued requests would delay it.
        results["patients_list_1conn"] = _wrk(
            base, "patients_list_1conn", "/api/patients", duration, 1, list_env
        )
        progress.advance(task)
        for name, method, path, extra in plans:
            env = {"BENCH_METHOD": method, **extra}
            _wrk(base, name, path, min(2.0, duration), connections, env)  # warm-up, discarded
            progress.advance(task)
            results[name] = _wrk(base, name, path, duration, connections, env)
            progress.advance(task)
    return results, _rss_mb(pid)


def _report(results: dict[str, Result], rss_mb: float, connections: int) -> None:
    health = results["health"].rps
    table = Table(title=f"afterline bench ({connections} connections, 1 server process)")
    for column in ("endpoint", "req/s", "x health", "p50 ms", "p99 ms", "non-2xx", "socket errors"):
        table.add_column(column, justify="right" if column != "endpoint" else "left", no_wrap=True)
    order = ("health", "checkin_put", "timeline_get", "patients_list", "patients_list_1conn")
    for result in (results[name] for name in order):
        table.add_row(
            result.name,
            f"{result.rps:,.0f}",
            f"{result.rps / health:.3f}",
            f"{result.p50_ms:.1f}",
            f"{result.p99_ms:.1f}",
            str(result.non_2xx),
            str(result.socket_errors),
        )
    console.print(table)
    console.print(f"server peak RSS: {rss_mb:.0f} MB")
    ratio = {name: results[name].rps / health for name in ("checkin_put", "timeline_get")}
    print(
        f"bench: checkin_put={ratio['checkin_put']:.3f} timeline_get={ratio['timeline_get']:.3f} "
        f"patients_list_p50_ms={results['patients_list'].p50_ms:.1f}"
    )
