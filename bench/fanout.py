"""`afterline bench --fan-out`: one prompt tick over a big population, and push throughput.

Seeds N patients spread over 30 timezones, each in the daily phase of a session, with
check-in times chosen so that about a third are due at the measured instant; times one
`fan_out_prompts` tick (which also writes the inbox rows and queues the push deliveries);
then times `dispatch_deliveries` sending the push deliveries (one subscription for each of
the first P due patients) to a local push service in another process. SQLite always, in a
temporary file; PostgreSQL too when DATABASE_URL points at a server (in a temporary database
created there and dropped afterwards, never the operator's own).
"""

from __future__ import annotations

import asyncio
import random
import subprocess
import sys
import tempfile
import time as wall
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import click
import httpx
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from rich.console import Console
from rich.progress import Progress
from sqlalchemy import insert

from api.core.db import Database
from api.core.migrate import PROJECT_ROOT, upgrade
from api.core.security import hash_password
from api.core.settings import Settings
from api.identity.models import Clinic, Patient, User
from api.notifications.channels import Channels
from api.notifications.dispatch import dispatch_deliveries
from api.notifications.models import PushSubscription
from api.notifications.prompts import fan_out_prompts
from api.treatments.models import TreatmentSession
from bench.servers import free_port as _free_port
from bench.servers import scratch_postgres
from tests.factories import session_row

# Thirty zones from UTC-10 to UTC+13:45, half-hour and quarter-hour offsets included.
ZONES = (
    "Pacific/Honolulu", "America/Anchorage", "America/Los_Angeles", "America/Denver",
    "America/Chicago", "America/New_York", "America/Halifax", "America/St_Johns",
    "America/Sao_Paulo", "Atlantic/Azores", "UTC", "Europe/London", "Europe/Paris",
    "Europe/Athens", "Europe/Moscow", "Asia/Tehran", "Asia/Dubai", "Asia/Kabul",
    "Asia/Karachi", "Asia/Kolkata", "Asia/Kathmandu", "Asia/Dhaka", "Asia/Bangkok",
    "Asia/Singapore", "Asia/Tokyo", "Australia/Adelaide", "Australia/Sydney",
    "Pacific/Noumea", "Pacific/Auckland", "Pacific/Chatham",
)  # fmt: skip
BATCH = 10_000
console = Console(width=120)


@dataclass(frozen=True)
class FanOutResult:
    database: str
    patients: int
    due: int
    seconds: float
    pushes: int
    push_seconds: float

    @property
    def push_per_s(self) -> float:
        return self.pushes / self.push_seconds if self.push_seconds else 0.0

    def line(self) -> str:
        return (
            f"bench-fanout: patients={self.patients} due={self.due} seconds={self.seconds:.2f} "
            f"push_per_s={self.push_per_s:.0f} db={self.database}"
        )


def _minutes(value: time) -> int:
    return value.hour * 60 + value.minute


def _at_minute(minute: int) -> time:
    return time(minute // 60, minute % 60)


def _browser_keys() -> tuple[str, str]:
    import base64
    import os

    key = ec.generate_private_key(ec.SECP256R1()).public_key()
    raw = key.public_bytes(
        serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint
    )
    encode = base64.urlsafe_b64encode
    return encode(raw).rstrip(b"=").decode(), encode(os.urandom(16)).rstrip(b"=").decode()


async def _seed(
    db: Database, patients: int, pushes: int, at: datetime, sink: str, progress: Progress
) -> None:
    """Patients with check-in times either side of their local time at `at` (1 in 3 due)."""
    rng = random.Random(11)
    now = at - timedelta(days=30)
    clinic_id = uuid.uuid4()
    p256dh, auth = _browser_keys()
    # Signed-up patients (only they are prompted); nobody signs in, so any hash will do.
    password_hash = hash_password(uuid.uuid4().hex)
    task = progress.add_task("seeding patients", total=patients)
    async with db.write() as session:
        await session.execute(
            insert(Clinic).values(id=clinic_id, name="Fan-out Clinic", created_at=now)
        )
    subscribed = 0
    for start in range(0, patients, BATCH):
        users, rows, sessions, subscriptions = [], [], [], []
        for n in range(start, min(start + BATCH, patients)):
            zone = ZONES[n % len(ZONES)]
            local = at.astimezone(ZoneInfo(zone))
            minute_now = _minutes(local.time())
            due = n % 3 == 0
            if due or minute_now == 23 * 60 + 59:
                checkin = _at_minute(rng.randint(0, minute_now))
            else:
                checkin = _at_minute(rng.randint(minute_now + 1, 23 * 60 + 59))
            user_id, patient_id = uuid.uuid4(), uuid.uuid4()
            users.append(
                {
                    "id": user_id,
                    "email": f"fanout.{n:06d}@bench.test",
                    "name": f"Patient {n:06d}",
                    "role": "patient",
                    "clinic_id": clinic_id,
                    "password_hash": password_hash,
                    "created_at": now,
                }
            )
            rows.append(
                {
                    "id": patient_id,
                    "user_id": user_id,
                    "clinic_id": clinic_id,
                    "timezone": zone,
                    "checkin_time": checkin,
                    "active": True,
                    "push_enabled": True,
                    "email_enabled": False,
                    "created_at": now,
                }
            )
            performed_on = local.date() - timedelta(days=rng.randint(0, 13))
            sessions.append(session_row(patient_id, performed_on, now))
            if due and subscribed < pushes:
                subscribed += 1
                subscriptions.append(
                    {
                        "id": uuid.uuid4(),
                        "user_id": user_id,
                        "endpoint": f"{sink}/push/{n}",
                        "p256dh": p256dh,
                        "auth": auth,
                        "created_at": now,
                        "updated_at": now,
                    }
                )
        async with db.write() as session:
            for model, batch in (
                (User, users),
                (Patient, rows),
                (TreatmentSession, sessions),
                (PushSubscription, subscriptions),
            ):
                if batch:
                    await session.execute(insert(model), batch)
        progress.advance(task, len(rows))


async def _measure(
    database_url: str, label: str, patients: int, pushes: int, workdir: Path, sink: str
) -> FanOutResult:
    at = datetime(2026, 3, 10, 12, 0, tzinfo=UTC)
    db = Database.from_url(database_url)
    settings = Settings(
        database_url=database_url,
        data_dir=workdir / "data",
        secret_key="bench-secret-" + "x" * 32,
        photo_key=bytes(32),
        env="development",
        base_url="http://127.0.0.1:8000",
        push_endpoint_allow=(sink,),
    )
    channels = Channels.from_settings(settings)
    try:
        with Progress(console=console, transient=True) as progress:
            await _seed(db, patients, pushes, at, sink, progress)
        started = wall.perf_counter()
        due = await fan_out_prompts(db, at)
        seconds = wall.perf_counter() - started
        started = wall.perf_counter()
        report = await dispatch_deliveries(db, channels, at)
        push_seconds = wall.perf_counter() - started
        expected = min(pushes, due)
        if report.sent != expected:
            raise click.ClickException(
                f"sent {report.sent} of {expected} pushes; errors: {report.errors[:3]}"
            )
    finally:
        await channels.close()
        await db.dispose()
    return FanOutResult(label, patients, due, seconds, report.sent, push_seconds)


def _start_sink() -> tuple[subprocess.Popen[bytes], str]:
    port = _free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "bench.push_sink", str(port)], cwd=PROJECT_ROOT
    )
    origin = f"http://127.0.0.1:{port}"
    deadline = wall.monotonic() + 30
    while wall.monotonic() < deadline:
        try:
            httpx.post(f"{origin}/push/ready", timeout=1)
            return process, origin
        except httpx.TransportError:
            wall.sleep(0.05)  # waiting for another process to bind its port
    process.kill()
    raise RuntimeError("the local push service did not start")


def run_fanout_bench(*, patients: int, pushes: int, postgres_url: str | None) -> None:
    sink, origin = _start_sink()
    results = []
    try:
        with tempfile.TemporaryDirectory(prefix="afterline-fanout-") as tmp:
            workdir = Path(tmp)
            url = f"sqlite+aiosqlite:///{workdir / 'fanout.db'}"
            console.print(f"[bold]afterline bench --fan-out[/]: {patients} patients, SQLite")
            upgrade(url)
            results.append(asyncio.run(_measure(url, "sqlite", patients, pushes, workdir, origin)))
            if postgres_url:
                console.print("[bold]PostgreSQL[/] (temporary database)")
                with scratch_postgres(postgres_url, "afterline-fanout-") as (_, url):
                    results.append(
                        asyncio.run(_measure(url, "postgresql", patients, pushes, workdir, origin))
                    )
    finally:
        sink.terminate()
        sink.wait(timeout=10)
    for result in results:
        print(result.line())
