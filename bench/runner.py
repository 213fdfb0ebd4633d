"""Orchestrates `afterline bench`: the list, a check-in PUT and the timeline under load.

For each database (SQLite always; PostgreSQL when a server is given) and each clinic size,
a fresh database is seeded, the server starts as `make run` starts it (`afterline serve`,
scheduler off, one process) and wrk drives each endpoint from its own process at the given
number of connections. Results are ratios to `GET /api/health` measured in the same run,
because absolute numbers on a shared machine mean little; the issue's latency targets are
then checked against the same run. `--processes N` also serves PostgreSQL from 1 and from N
processes (with a worker beside them) and reports how throughput grows.
"""

from __future__ import annotations

import asyncio
import json
import os
import shutil
import subprocess
import time
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import click
import httpx
from rich.console import Console
from rich.progress import Progress

from api.core.db import Database
from api.core.settings import DEFAULT_MAX_CONCURRENCY
from bench import profile as profiling
from bench.report import Measured, report_runs, report_scaling
from bench.seed import PASSWORD, BenchAccounts, seed_bench
from bench.servers import Served, peak_rss_mb, scratch_database, scratch_postgres, serving

LUA = Path(__file__).with_name("wrk.lua")
console = Console(width=120)  # wide enough for the tables when output is piped
LIST_PATH = "/api/patients?limit=50"


@dataclass(frozen=True)
class Result:
    name: str
    rps: float
    p50_ms: float
    p99_ms: float
    non_2xx: int
    socket_errors: int


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


Databases = list[tuple[str, Callable[[], AbstractContextManager[tuple[Path, str]]]]]


def _databases(postgres_url: str | None) -> Databases:
    found: Databases = [("sqlite", lambda: scratch_database("afterline-bench-"))]
    if postgres_url:
        found.append(("postgresql", lambda: scratch_postgres(postgres_url, "afterline-bench-")))
    return found


def run_bench(
    *,
    sizes: list[int],
    days: int,
    duration: float,
    connections: int,
    postgres_url: str | None,
    processes: int,
    profile: str | None = None,
) -> None:
    if shutil.which("wrk") is None:
        raise click.ClickException(
            "wrk is not installed: `apt-get install -y wrk` (make bench does)"
        )
    if processes > 1 and not postgres_url:
        raise click.ClickException("--processes needs PostgreSQL (DATABASE_URL or --postgres)")
    runs: list[Measured] = []
    scaling: dict[int, dict[str, Result]] = {}
    for label, scratch in _databases(postgres_url):
        for size in sizes:
            with scratch() as (workdir, database_url):
                accounts = _seeded(database_url, label, size, days)
                with serving(workdir, database_url) as served:
                    if profile is not None:
                        _profile(served, accounts, days, duration, connections, profile)
                        continue
                    results = _measure(served.base, accounts, days, duration, connections)
                    rss = peak_rss_mb(served.pid)
                runs.append(Measured(label, size, results, rss))
                if label == "postgresql" and processes > 1 and size == sizes[0]:
                    for count in (1, processes):
                        with serving(workdir, database_url, processes=count, worker=True) as s:
                            scaling[count] = _measure(
                                s.base, accounts, days, duration, connections, quick=True
                            )
    if profile is not None:
        return
    report_runs(console, runs, connections)
    if scaling:
        report_scaling(console, scaling, connections)


def _seeded(database_url: str, label: str, size: int, days: int) -> BenchAccounts:
    console.print(f"[bold]afterline bench[/]: {label}, {size:,} patients x {days} days")
    started = time.monotonic()
    accounts = asyncio.run(_seed(database_url, size, days))
    console.print(f"seeded (and the triage list built) in {time.monotonic() - started:.1f}s")
    return accounts


async def _seed(database_url: str, patients: int, days: int) -> BenchAccounts:
    db = Database.from_url(database_url)
    try:
        return await seed_bench(db, patients, days, datetime.now(UTC))
    finally:
        await db.dispose()


def _plans(
    base: str, accounts: BenchAccounts, days: int
) -> Iterator[tuple[str, str, dict[str, str]]]:
    writers = [_login(base, email) for email in accounts.writers]
    reader_cookie, _ = _login(base, accounts.reader)
    practitioner_cookie, _ = _login(base, accounts.practitioner)
    first_day = datetime.combine(accounts.writer_first_day, datetime.min.time(), tzinfo=UTC)
    # The baseline carries a browser's cookies too, as every PWA request does.
    yield "health", "/api/health", {"BENCH_METHOD": "GET", "BENCH_COOKIE": reader_cookie}
    yield (
        "checkin_put",
        "/api/me/checkins/",
        {
            "BENCH_METHOD": "PUT",
            # One patient's PUTs queue behind each other (a patient's writes are one at a
            # time): each request is a random writer's, as when a clinic's patients check in.
            "BENCH_COOKIES": "\n".join(cookie for cookie, _ in writers),
            "BENCH_CSRFS": "\n".join(csrf for _, csrf in writers),
            "BENCH_FIRST_DAY_EPOCH": str(int(first_day.timestamp())),
            "BENCH_DAY_COUNT": str(days),
        },
    )
    yield "timeline_get", "/api/me/timeline", {"BENCH_METHOD": "GET", "BENCH_COOKIE": reader_cookie}
    yield "patients_list", LIST_PATH, {"BENCH_METHOD": "GET", "BENCH_COOKIE": practitioner_cookie}


def _measure(
    base: str,
    accounts: BenchAccounts,
    days: int,
    duration: float,
    connections: int,
    *,
    quick: bool = False,
) -> dict[str, Result]:
    """Each endpoint after a warm-up; unless `quick`, also the list with one connection."""
    plans = list(_plans(base, accounts, days))
    results: dict[str, Result] = {}
    with Progress(console=console, transient=True) as progress:
        task = progress.add_task("measuring", total=len(plans) * 2 + 1)
        if not quick:
            # A clinic has a few practitioners, not 32: the list as one of them sees it.
            env = plans[-1][2]
            results["patients_list_1conn"] = _wrk(
                base, "patients_list_1conn", LIST_PATH, duration, 1, env
            )
        progress.advance(task)
        for name, path, env in plans:
            _wrk(base, name, path, min(2.0, duration), connections, env)  # warm-up, discarded
            _drained(base, plans[-1][2]["BENCH_COOKIE"])
            progress.advance(task)
            results[name] = _wrk(base, name, path, duration, connections, env)
            _drained(base, plans[-1][2]["BENCH_COOKIE"])
            progress.advance(task)
    return results


def _profile(
    served: Served, accounts: BenchAccounts, days: int, duration: float, connections: int, name: str
) -> None:
    """py-spy on the API process while wrk drives one endpoint (after a warm-up)."""
    plans = {plan[0]: plan for plan in _plans(served.base, accounts, days)}
    if name not in plans:
        raise click.ClickException(f"--profile takes one of {', '.join(plans)}")
    _, path, env = plans[name]
    _wrk(served.base, name, path, min(2.0, duration), connections, env)  # warm-up
    _drained(served.base, plans["patients_list"][2]["BENCH_COOKIE"])
    spy = profiling.record(served.pid, max(1, round(duration)))
    _wrk(served.base, name, path, duration, connections, env)
    profiling.report(console, name, profiling.collapsed(spy))


def _drained(base: str, cookie: str, timeout: float = 60) -> None:
    """Returns once the server has finished what the last run left in it.

    wrk stops with requests still inside the server (their clients gone); measured next,
    they would hold its places and the next run would start with refusals (on PostgreSQL,
    check-ins queued on a patient's row lock take a while to finish). Asks a counted route
    as many times at once as a process has places, until not one is refused: then no
    place is still held."""

    async def all_answered(client: httpx.AsyncClient) -> bool:
        asks = [client.get("/api/auth/me") for _ in range(DEFAULT_MAX_CONCURRENCY)]
        return all(answer.status_code != 503 for answer in await asyncio.gather(*asks))

    async def wait() -> bool:
        deadline = time.monotonic() + timeout
        limits = httpx.Limits(max_connections=DEFAULT_MAX_CONCURRENCY)
        async with httpx.AsyncClient(
            base_url=base, headers={"Cookie": cookie}, timeout=timeout, limits=limits
        ) as client:
            while time.monotonic() < deadline:
                if await all_answered(client):
                    return True
        return False

    if not asyncio.run(wait()):
        raise click.ClickException("the server was still busy a minute after a run")
