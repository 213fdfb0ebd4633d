"""`python -m bench --heavy`: does the API keep answering while the heavy jobs run?

One process, one event loop: it serves the app (uvicorn, as `make run` does, on SQLite)
and, in the same loop, runs a prompt tick over `--patients` (default 100,000) patients, a
clinic export (every file of the first `EXPORTED` patients of a 2,000-patient clinic with
`--days`, 90 by default, of check-ins) and a rebuild of that clinic's usual range (about
180,000 check-ins at 90 days). A probe in another process (`bench.probe`) asks
`GET /api/health` 200 times a second on a fixed schedule, first for a quiet spell with
nothing else running, then while the three jobs run side by side; it reports how late each
answer came (p50, p99, max) against its due time.
"""

from __future__ import annotations

import asyncio
import json
import subprocess
import sys
import time as wall
import uuid
from collections.abc import Awaitable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import uvicorn
from rich.console import Console
from rich.progress import Progress
from sqlalchemy import select

from api.app import create_app
from api.checkins.band import band_cache
from api.core.clock import FrozenClock
from api.core.db import Database
from api.core.migrate import PROJECT_ROOT
from api.core.settings import Settings
from api.identity.models import Clinic
from api.notifications.prompts import fan_out_prompts
from api.reports.service import clinic_patient_ids, export_patient_files
from bench.fanout import _seed as seed_fan_out
from bench.seed import seed_bench
from bench.servers import free_port as _free_port
from bench.servers import scratch_database

EXPORTED = 50
QUIET_SECONDS = 3.0
console = Console(width=120)


@dataclass(frozen=True)
class Lateness:
    p50: float
    p99: float
    max: float
    count: int

    @classmethod
    def of(cls, latencies: list[float]) -> Lateness:
        ordered = sorted(latencies)
        if not ordered:
            raise SystemExit("the probe got no answers")

        def at(share: float) -> float:
            return ordered[min(len(ordered) - 1, int(share * len(ordered)))]

        return cls(at(0.5), at(0.99), ordered[-1], len(ordered))


class Probe:
    """`bench.probe` against the served app, stopped by closing its stdin."""

    def __init__(self, url: str) -> None:
        self._process = subprocess.Popen(
            [sys.executable, "-m", "bench.probe", url],
            cwd=PROJECT_ROOT,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
        )

    async def stop(self) -> Lateness:
        process = self._process
        assert process.stdin is not None and process.stdout is not None
        process.stdin.close()
        out = await asyncio.to_thread(process.stdout.read)
        await asyncio.to_thread(process.wait)
        if process.returncode != 0:
            raise SystemExit(f"the probe failed ({process.returncode})")
        return Lateness.of(json.loads(out))


async def _timed(job: Awaitable[object]) -> float:
    started = wall.perf_counter()
    await job
    return wall.perf_counter() - started


async def _rebuild_band(db: Database, clinic_id: uuid.UUID, now: datetime) -> None:
    band_cache.clear()
    async with db.read() as conn:
        await band_cache.get(conn, clinic_id, now)


async def _export(db: Database, out_dir: Path, now: datetime) -> None:
    await asyncio.to_thread(out_dir.mkdir)
    for patient_id in (await clinic_patient_ids(db, "Bench Clinic"))[:EXPORTED]:
        await export_patient_files(db, patient_id, out_dir, now)


async def _run(workdir: Path, database_url: str, patients: int, days: int) -> str:
    at = datetime(2026, 3, 10, 12, 0, tzinfo=UTC)
    db = Database.from_url(database_url)
    with Progress(console=console, transient=True) as progress:
        await seed_fan_out(db, patients, 0, at, "http://127.0.0.1:9", progress)
    await seed_bench(db, 2000, days, at)
    async with db.read() as conn:
        clinic_id = await conn.scalar(select(Clinic.id).where(Clinic.name == "Bench Clinic"))
    port = _free_port()
    settings = Settings(
        database_url=database_url,
        data_dir=workdir / "data",
        secret_key="bench-secret-" + "x" * 32,
        photo_key=bytes(32),
        env="development",
        base_url=f"http://127.0.0.1:{port}",
    )
    app = create_app(settings, FrozenClock(at), db)
    server = uvicorn.Server(uvicorn.Config(app, port=port, log_level="warning", lifespan="off"))
    serving = asyncio.create_task(server.serve())
    try:
        while not server.started:  # noqa: ASYNC110 (uvicorn offers a flag, not an event)
            await asyncio.sleep(0.05)
        url = f"http://127.0.0.1:{port}/api/health"
        probe = Probe(url)
        await asyncio.sleep(QUIET_SECONDS)
        quiet = await probe.stop()
        probe = Probe(url)
        await asyncio.sleep(0.5)  # the probe is up and asking before the jobs start
        tick_s, export_s, band_s = await asyncio.gather(
            _timed(fan_out_prompts(db.off_loop(), at)),
            _timed(_export(db.off_loop(), workdir / "export", at)),
            _timed(_rebuild_band(db, clinic_id, at + timedelta(seconds=1))),
        )
        busy = await probe.stop()
    finally:
        server.should_exit = True
        await serving
        await db.dispose()
    return (
        f"bench-heavy: patients={patients} quiet_p50_ms={quiet.p50:.1f} "
        f"quiet_p99_ms={quiet.p99:.1f} busy_p50_ms={busy.p50:.1f} busy_p99_ms={busy.p99:.1f} "
        f"busy_max_ms={busy.max:.0f} probes={busy.count} tick_s={tick_s:.2f} "
        f"export_s={export_s:.2f} band_s={band_s:.2f}"
    )


def run_heavy_bench(*, patients: int, days: int) -> None:
    with scratch_database("afterline-heavy-") as (workdir, database_url):
        line = asyncio.run(_run(workdir, database_url, patients, days))
    console.print(line, soft_wrap=True, highlight=False)
