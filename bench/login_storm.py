"""`afterline bench --login-storm`: a known device's sign-in while wrong logins pour in.

The real server (`afterline serve --no-scheduler`, one process, real argon2) on a fresh
SQLite database, trusting X-Forwarded-For from loopback only for this run
(`AFTERLINE_TRUSTED_PROXIES=127.0.0.1`), so every attacking request can come from its own
address. A separate process runs `attackers` concurrent loops of wrong logins for random
emails from random addresses, each sending the next as soon as it is answered (they ignore
`Retry-After`, as an attacker would). Meanwhile this process signs in again and again from a
browser that signed in once before (a known device), and once from a new browser (an unknown
device, with the right password too), timing each answer.
"""

from __future__ import annotations

import asyncio
import multiprocessing
import os
import random
import statistics
import time
import uuid
from collections import Counter
from datetime import UTC, datetime
from typing import Any

import httpx
from rich.console import Console
from rich.table import Table

from api.core.db import Database
from api.identity.accounts import create_practitioner
from bench.servers import scratch_database, serving

PASSWORD = "bench login storm password"
EMAIL = "known@bench.afterline.test"
OTHER = "other@bench.afterline.test"
console = Console(width=120)


def _client(base: str) -> httpx.Client:
    client = httpx.Client(base_url=base, timeout=60)
    client.get("/api/health")  # the CSRF cookie
    return client


def _login(client: httpx.Client, email: str) -> tuple[int, float]:
    started = time.perf_counter()
    answer = client.post(
        "/api/auth/login",
        json={"email": email, "password": PASSWORD},
        headers={"X-CSRFToken": client.cookies["csrftoken"]},
    )
    return answer.status_code, time.perf_counter() - started


def _storm(base: str, attackers: int, stop: Any, answers: Any) -> None:
    """In its own process: `attackers` loops of wrong logins until `stop` is set."""

    async def attacker(http: httpx.AsyncClient, csrf: str, tally: Counter[int]) -> None:
        while not stop.is_set():
            address = ".".join(str(random.randint(1, 254)) for _ in range(4))
            answer = await http.post(
                "/api/auth/login",
                json={"email": f"{uuid.uuid4().hex}@example.test", "password": "wrong guess!"},
                headers={"X-CSRFToken": csrf, "X-Forwarded-For": address},
            )
            tally[answer.status_code] += 1
            if answer.status_code in (429, 503) and "retry-after" not in answer.headers:
                tally[-1] += 1  # a refusal without Retry-After: reported as "missing"

    async def main() -> None:
        tally: Counter[int] = Counter()
        limits = httpx.Limits(max_connections=attackers + 1)
        async with httpx.AsyncClient(base_url=base, timeout=120, limits=limits) as http:
            csrf = (await http.get("/api/health")).cookies["csrftoken"]  # one cookie jar
            await asyncio.gather(*(attacker(http, csrf, tally) for _ in range(attackers)))
        answers.update({str(code): count for code, count in tally.items()})

    asyncio.run(main())


def run_login_storm_bench(*, attackers: int, logins: int) -> None:
    with scratch_database("afterline-bench-login-") as (workdir, database_url):
        console.print(f"[bold]afterline bench --login-storm[/]: {attackers} attackers in {workdir}")
        asyncio.run(_accounts(database_url))
        trusting_loopback = {"AFTERLINE_TRUSTED_PROXIES": "127.0.0.1"}
        with serving(workdir, database_url, trusting_loopback) as served:
            _measure(served.base, attackers, logins)


async def _accounts(database_url: str) -> None:
    db = Database.from_url(database_url)
    try:
        now = datetime.now(UTC)
        await create_practitioner(db, EMAIL, "Known Device", "Bench Clinic", PASSWORD, now)
        await create_practitioner(db, OTHER, "New Device", "Bench Clinic", PASSWORD, now)
    finally:
        await db.dispose()


def _measure(base: str, attackers: int, logins: int) -> None:
    phone = _client(base)
    status, _ = _login(phone, EMAIL)  # from now on a known device of this account
    assert status == 200, status
    quiet = [_login(phone, EMAIL)[1] for _ in range(5)]

    context = multiprocessing.get_context("spawn")
    stop, answers = context.Event(), context.Manager().dict()
    storm = context.Process(target=_storm, args=(base, attackers, stop, answers))
    storm.start()
    try:
        time.sleep(2.0)  # let the storm fill the server's argon2 line before measuring
        known = []
        for _ in range(logins):
            status, seconds = _login(phone, EMAIL)
            assert status == 200, f"the known device got {status}"
            known.append(seconds)
        unknown_status, unknown_seconds = _login(_client(base), OTHER)
    finally:
        stop.set()
        storm.join(timeout=120)
    tally = {int(code): count for code, count in answers.items()}
    _report(attackers, quiet, known, (unknown_status, unknown_seconds), tally)


def _report(
    attackers: int,
    quiet: list[float],
    known: list[float],
    unknown: tuple[int, float],
    tally: dict[int, int],
) -> None:
    table = Table(title=f"sign-in during {attackers} concurrent wrong logins (1 server process)")
    for column in ("who", "answers", "p50 ms", "max ms"):
        table.add_column(column, justify="left" if column == "who" else "right")
    ms = [(statistics.median(xs) * 1000, max(xs) * 1000) for xs in (quiet, known)]
    table.add_row(
        "known device, no storm", f"{len(quiet)} x 200", f"{ms[0][0]:.0f}", f"{ms[0][1]:.0f}"
    )
    table.add_row(
        "known device, storm", f"{len(known)} x 200", f"{ms[1][0]:.0f}", f"{ms[1][1]:.0f}"
    )
    table.add_row("new device, storm", f"1 x {unknown[0]}", f"{unknown[1] * 1000:.0f}", "")
    console.print(table)
    refusals = ", ".join(f"{code}: {count}" for code, count in sorted(tally.items()) if code > 0)
    console.print(
        f"attackers' answers: {refusals}; refusals without Retry-After: {tally.get(-1, 0)}"
    )
    # Absolute times mean little on a shared machine: say how busy it was.
    load = os.getloadavg()[0]
    console.print(f"load average (1 min) at the end: {load:.1f} on {os.cpu_count()} CPUs")
    print(
        f"bench-login-storm: attackers={attackers} known_device_p50_ms={ms[1][0]:.0f} "
        f"known_device_max_ms={ms[1][1]:.0f} quiet_p50_ms={ms[0][0]:.0f} "
        f"missing_retry_after={tally.get(-1, 0)}"
    )
