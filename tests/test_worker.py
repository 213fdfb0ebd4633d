"""The job worker as an operator runs it: `afterline jobs tick`, `afterline worker`, `vapid`.

Every test starts real `afterline` processes against the test's own migrated database, with
email going to the test's SMTP server and Web Push to the test's push service. The push
service runs in the test's event loop, so the processes are awaited with asyncio, never with
a blocking `subprocess.run`.
"""

from __future__ import annotations

import asyncio
import base64
import dataclasses
import os
import signal
import stat
import threading
from collections import Counter
from collections.abc import AsyncIterator, Awaitable
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
from aiosmtpd.controller import Controller
from sqlalchemy import func, select

from api.alerts.models import Alert
from api.app import create_app
from api.core.clock import FrozenClock
from api.core.db import Database
from api.core.settings import Settings
from api.notifications.leases import LEASE
from api.notifications.models import Delivery, Notification, Prompt
from tests.conftest import ApiClient, World
from tests.receivers import HoldingPushService, PushService, SmtpSink, _Collect
from tests.test_cli import AFTERLINE

SESSION_DAY = date(2026, 3, 9)
# 19:00 in London (GMT in March): the patients' check-in time.
DUE = datetime(2026, 3, 10, 19, 0, tzinfo=UTC)
PROCESS_TIMEOUT_S = 60.0
TICK_JOB_IDS = (
    "fan_out_prompts",
    "remind_missed",
    "results_prompts",
    "practitioner_digest",
    "missed_checkin_alerts",
    "triage_roll",
    "dispatch_deliveries",
)


pytestmark = pytest.mark.channels


# --- Receivers that can hold a message in flight ---------------------------------------------


class _HoldingCollect(_Collect):
    sink: HoldingSmtp

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        if self.sink.holding:
            self.sink.signal_held()
            # Cancelled by aiosmtpd if the client disconnects: the message is then not kept.
            released = await asyncio.get_running_loop().run_in_executor(
                None, self.sink.release.wait, PROCESS_TIMEOUT_S
            )
            assert released, f"the held message was not released within {PROCESS_TIMEOUT_S} s"
        return await super().handle_DATA(server, session, envelope)


class HoldingSmtp(SmtpSink):
    """The test SMTP server, able to hold a message's DATA until the test releases it."""

    def __init__(self, loop: asyncio.AbstractEventLoop) -> None:
        super().__init__()
        self._controller = Controller(_HoldingCollect(self), hostname="127.0.0.1", port=self.port)
        self.holding = False
        self.release = threading.Event()
        self.held = asyncio.Event()
        self._loop = loop

    def signal_held(self) -> None:
        self._loop.call_soon_threadsafe(self.held.set)


@pytest.fixture
async def smtp_server() -> AsyncIterator[HoldingSmtp]:
    sink = HoldingSmtp(asyncio.get_running_loop())
    sink.start()
    yield sink
    sink.release.set()
    sink.stop()


# --- Running `afterline` ---------------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class Finished:
    returncode: int
    stdout: str
    stderr: str


def process_env(settings: Settings) -> dict[str, str]:
    """The environment of a worker sharing the app's database, data dir and channels."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("AFTERLINE_", "SMTP_"))}
    env.update(
        DATABASE_URL=settings.database_url,
        AFTERLINE_DATA_DIR=str(settings.data_dir),
        AFTERLINE_SECRET_KEY=settings.secret_key,
        AFTERLINE_ENV=settings.env,
        AFTERLINE_BASE_URL=settings.base_url,
    )
    if settings.smtp is not None:
        env.update(
            SMTP_HOST=settings.smtp.host,
            SMTP_PORT=str(settings.smtp.port),
            SMTP_FROM=settings.smtp.sender,
        )
    if settings.push_endpoint_allow:
        env["AFTERLINE_PUSH_ENDPOINT_ALLOW"] = ",".join(settings.push_endpoint_allow)
    if settings.vapid_private_key:
        env["AFTERLINE_VAPID_PRIVATE_KEY"] = settings.vapid_private_key
    return env


async def start(env: dict[str, str], *args: str) -> asyncio.subprocess.Process:
    return await asyncio.create_subprocess_exec(
        AFTERLINE,
        *args,
        env=env,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )


async def finish(process: asyncio.subprocess.Process) -> Finished:
    try:
        out, err = await asyncio.wait_for(process.communicate(), PROCESS_TIMEOUT_S)
    except TimeoutError:
        process.kill()
        await process.wait()
        raise AssertionError(f"afterline did not finish within {PROCESS_TIMEOUT_S} s") from None
    assert process.returncode is not None
    return Finished(process.returncode, out.decode(), err.decode())


async def afterline(env: dict[str, str], *args: str) -> Finished:
    return await finish(await start(env, *args))


def tick_counts(result: Finished) -> dict[str, int]:
    """`tick <iso>: prompts=1 reminders=0 …` as a dict, asserting the command succeeded."""
    assert result.returncode == 0, result.stderr
    lines = [line for line in result.stdout.splitlines() if line.startswith("tick ")]
    assert len(lines) == 1, result.stdout
    counts = dict(pair.split("=", 1) for pair in lines[0].split(": ", 1)[1].split())
    return {key: int(value) for key, value in counts.items()}


async def tick(env: dict[str, str], at: datetime) -> dict[str, int]:
    result = await afterline(env, "jobs", "tick", "--at", at.isoformat().replace("+00:00", "Z"))
    counts = tick_counts(result)
    assert result.stdout.startswith(f"tick {at.isoformat()}:"), result.stdout
    return counts


async def until(condition: Awaitable[object], process: asyncio.subprocess.Process) -> None:
    """Until `condition` holds; fails if the process exits first or nothing happens in time."""
    waiting = asyncio.ensure_future(condition)
    exited = asyncio.ensure_future(process.wait())
    done, _ = await asyncio.wait(
        {waiting, exited}, timeout=PROCESS_TIMEOUT_S, return_when=asyncio.FIRST_COMPLETED
    )
    if waiting not in done:
        waiting.cancel()
        if exited in done:
            assert process.stderr is not None
            err = (await process.stderr.read()).decode()
            raise AssertionError(f"afterline exited ({process.returncode}) first: {err}")
        raise AssertionError(f"condition not reached within {PROCESS_TIMEOUT_S} s")
    exited.cancel()


# --- Building due patients -------------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class DuePatient:
    patient_id: str
    email: str
    token: str  # the push service's name for this patient's browser


async def due_patients(
    world: World, push_service: PushService, count: int, dr: ApiClient | None = None
) -> list[DuePatient]:
    """`count` London patients treated yesterday, checking in at 19:00, each subscribed."""
    dr = dr or await world.practitioner()
    made = []
    for n in range(count):
        email = f"pat{n:02d}@example.test"
        patient_id, client = await world.patient(
            dr, email=email, sessions=(SESSION_DAY,), checkin_time="19:00"
        )
        body = push_service.subscribe()
        response = await client.put("/api/me/push-subscription", json=body)
        assert response.status_code == 201, response.text
        made.append(DuePatient(patient_id, email, body["endpoint"].rsplit("/", 1)[1]))
    return made


def accepted_per_token(push_service: PushService) -> Counter[str]:
    return Counter(push.token for push in push_service.delivered())


def emails_per_recipient(smtp: SmtpSink) -> Counter[str]:
    return Counter(to for message in smtp.messages for to in message.recipients)


async def delivery_states(db: Database) -> list[tuple[str, str, int, datetime | None]]:
    async with db.read() as conn:
        rows = await conn.execute(
            select(
                Delivery.channel, Delivery.status, Delivery.attempts, Delivery.claimed_until
            ).order_by(Delivery.channel)
        )
        return [(row.channel, row.status, row.attempts, row.claimed_until) for row in rows]


async def count_rows(db: Database, model: Any) -> int:
    async with db.read() as conn:
        return int(await conn.scalar(select(func.count()).select_from(model)))


def as_utc(value: datetime | None) -> datetime | None:
    """SQLite gives naive UTC datetimes back, PostgreSQL aware ones."""
    if value is None or value.tzinfo is not None:
        return value
    return value.replace(tzinfo=UTC)


# --- Tests -----------------------------------------------------------------------------------


async def test_jobs_tick_at_prompts_once_when_due(
    world: World,
    channel_settings: Settings,
    push_service: HoldingPushService,
    smtp_server: HoldingSmtp,
    db: Database,
) -> None:
    [patient] = await due_patients(world, push_service, 1)
    env = process_env(channel_settings)

    early = await tick(env, DUE - timedelta(minutes=1))
    assert early["prompts"] == 0
    assert early["sent"] == 0
    assert push_service.received == []
    assert smtp_server.messages == []

    due = await tick(env, DUE)
    assert due == {
        "prompts": 1,
        "reminders": 0,
        "result_prompts": 0,
        "digests": 0,
        "missed_alerts": 0,
        "triage_rolled": 0,
        "sent": 2,
        "retrying": 0,
        "gave_up": 0,
        "subscriptions_removed": 0,
    }
    [push] = push_service.received
    assert push.status == 201
    assert push.token == patient.token
    assert push.payload is not None
    assert push.payload["kind"] == "checkin"
    assert push.payload["local_date"] == "2026-03-10"
    assert push_service.problems == []
    [email] = smtp_server.messages
    assert email.recipients == [patient.email]
    assert email.subject == "Time for today's check-in"

    again = await tick(env, DUE)
    assert again["prompts"] == 0
    assert again["sent"] == 0
    assert len(push_service.received) == 1
    assert len(smtp_server.messages) == 1
    assert await count_rows(db, Prompt) == 1
    assert [(c, s) for c, s, _, _ in await delivery_states(db)] == [
        ("email", "sent"),
        ("push", "sent"),
    ]


async def test_jobs_tick_reports_the_missed_checkin_alerts_it_raised(
    world: World,
    channel_settings: Settings,
    push_service: HoldingPushService,
    smtp_server: HoldingSmtp,
    db: Database,
) -> None:
    # Treated on 03-09, signed up on 03-10 and never checked in: by 03-12 at least 03-10 and
    # 03-11 of the daily phase are missed. 06:00 in London is before the check-in time and
    # the morning digest.
    [patient] = await due_patients(world, push_service, 1)
    env = process_env(channel_settings)
    at = datetime(2026, 3, 12, 6, 0, tzinfo=UTC)

    result = await afterline(env, "jobs", "tick", "--at", at.isoformat())
    assert result.stdout == (
        f"tick {at.isoformat()}: prompts=0 reminders=0 result_prompts=0 digests=0 "
        "missed_alerts=1 triage_rolled=0 sent=0 "
        "retrying=0 gave_up=0 subscriptions_removed=0\n"
    ), result.stderr
    async with db.read() as conn:
        alerts = (await conn.execute(select(Alert.patient_id, Alert.rule))).all()
    assert [(str(patient_id), rule) for patient_id, rule in alerts] == [
        (patient.patient_id, "missed_checkins")
    ]

    again = await tick(env, at)
    assert again["missed_alerts"] == 0
    assert await count_rows(db, Alert) == 1


@pytest.mark.parametrize(
    "at", ["2026-03-10T19:00:00", "garbage", "2026-13-40T19:00:00Z"], ids=["naive", "junk", "bad"]
)
async def test_jobs_tick_refuses_a_bad_at(
    at: str, channel_settings: Settings, db: Database
) -> None:
    result = await afterline(process_env(channel_settings), "jobs", "tick", "--at", at)
    assert result.returncode != 0
    assert "--at" in result.stderr
    assert "tick " not in result.stdout
    assert await count_rows(db, Prompt) == 0


async def test_two_ticks_at_once_send_everything_once(
    world: World,
    channel_settings: Settings,
    push_service: HoldingPushService,
    smtp_server: HoldingSmtp,
    db: Database,
) -> None:
    patients = await due_patients(world, push_service, 20)
    env = process_env(channel_settings)
    at = DUE.isoformat()

    first, second = await asyncio.gather(
        start(env, "jobs", "tick", "--at", at), start(env, "jobs", "tick", "--at", at)
    )
    results = await asyncio.gather(finish(first), finish(second))
    counts = [tick_counts(result) for result in results]

    assert sum(c["prompts"] for c in counts) == 20, counts
    assert sum(c["sent"] for c in counts) == 40, counts
    assert all(c["retrying"] == c["gave_up"] == 0 for c in counts), counts
    assert await count_rows(db, Prompt) == 20
    assert await count_rows(db, Notification) == 20
    states = await delivery_states(db)
    assert len(states) == 40
    assert {(status, attempts) for _, status, attempts, _ in states} == {("sent", 1)}
    assert accepted_per_token(push_service) == Counter({p.token: 1 for p in patients})
    assert len(push_service.received) == 20
    assert push_service.problems == []
    assert emails_per_recipient(smtp_server) == Counter({p.email: 1 for p in patients})


async def test_a_tick_killed_mid_push_is_finished_after_the_lease(
    world: World,
    channel_settings: Settings,
    push_service: HoldingPushService,
    smtp_server: HoldingSmtp,
    db: Database,
) -> None:
    patients = await due_patients(world, push_service, 10)
    env = process_env(channel_settings)

    push_service.holding = True
    process = await start(env, "jobs", "tick", "--at", DUE.isoformat())
    await until(push_service.wait_until(lambda: push_service.held >= 1), process)
    process.kill()
    assert await asyncio.wait_for(process.wait(), PROCESS_TIMEOUT_S) == -signal.SIGKILL
    held = push_service.held
    push_service.holding = False
    push_service.release.set()
    await asyncio.wait_for(
        push_service.wait_until(lambda: len(push_service.abandoned) == held), PROCESS_TIMEOUT_S
    )
    assert push_service.received == []  # nothing held was answered: nothing was accepted
    assert smtp_server.messages == []  # emails go after the pushes: none was reached

    # Every delivery of the killed tick is still leased to it.
    states = await delivery_states(db)
    assert len(states) == 20
    assert {(s, a, as_utc(claimed)) for _, s, a, claimed in states} == {("pending", 1, DUE + LEASE)}

    # Within the lease nobody takes the rows over.
    within = await tick(env, DUE + LEASE - timedelta(minutes=1))
    assert within["sent"] == 0
    assert within["prompts"] == 0
    assert push_service.received == []

    after = await tick(env, DUE + LEASE + timedelta(minutes=1))
    assert after["prompts"] == 0
    assert after["sent"] == 20
    assert after["retrying"] == after["gave_up"] == 0
    assert accepted_per_token(push_service) == Counter({p.token: 1 for p in patients})
    assert all(push.status == 201 for push in push_service.received)
    assert push_service.problems == []
    assert emails_per_recipient(smtp_server) == Counter({p.email: 1 for p in patients})
    states = await delivery_states(db)
    assert {(s, a, claimed) for _, s, a, claimed in states} == {("sent", 2, None)}


async def test_a_tick_killed_while_emailing_does_not_push_again(
    world: World,
    channel_settings: Settings,
    push_service: HoldingPushService,
    smtp_server: HoldingSmtp,
    db: Database,
) -> None:
    """Pushes the service accepted must not be sent again because the SMTP server was slow.

    docs/design.md: "running it twice, or from two processes, sends nothing twice". The killed
    process had every push answered 201 before it started emailing; only the email it was
    sending when it died may be repeated.
    """
    patients = await due_patients(world, push_service, 10)
    env = process_env(channel_settings)

    smtp_server.holding = True
    process = await start(env, "jobs", "tick", "--at", DUE.isoformat())
    await until(smtp_server.held.wait(), process)
    # The dispatcher sends the pushes first: all were accepted before it reached SMTP.
    assert accepted_per_token(push_service) == Counter({p.token: 1 for p in patients})
    process.kill()
    assert await asyncio.wait_for(process.wait(), PROCESS_TIMEOUT_S) == -signal.SIGKILL
    smtp_server.holding = False
    smtp_server.release.set()

    after = await tick(env, DUE + LEASE + timedelta(minutes=1))
    assert after["retrying"] == after["gave_up"] == 0
    assert emails_per_recipient(smtp_server) == Counter({p.email: 1 for p in patients})
    states = await delivery_states(db)
    assert {status for _, status, _, _ in states} == {"sent"}
    assert accepted_per_token(push_service) == Counter({p.token: 1 for p in patients}), (
        "pushes already accepted (201) were sent again after the lease ran out"
    )


async def started_worker(env: dict[str, str]) -> tuple[asyncio.subprocess.Process, str]:
    """`afterline worker`, once it has logged that its scheduler started; and that log line."""
    process = await start(env, "worker")
    assert process.stderr is not None
    seen: list[str] = []
    try:
        while not seen or "scheduler started:" not in seen[-1]:
            raw = await asyncio.wait_for(process.stderr.readline(), PROCESS_TIMEOUT_S)
            assert raw, f"worker exited ({await process.wait()}) before starting: {seen}"
            seen.append(raw.decode())
    except BaseException:
        process.kill()
        await process.wait()
        raise
    return process, seen[-1]


@pytest.mark.parametrize("stop_with", [signal.SIGTERM, signal.SIGINT], ids=["TERM", "INT"])
async def test_worker_runs_the_scheduler_until_signalled(
    stop_with: signal.Signals, channel_settings: Settings, db: Database
) -> None:
    process, started = await started_worker(process_env(channel_settings))
    assert " INFO afterline.jobs: scheduler started: " in started
    jobs = started.split("scheduler started:", 1)[1]
    assert sorted(job.strip() for job in jobs.split(",")) == sorted(TICK_JOB_IDS)

    process.send_signal(stop_with)
    result = await finish(process)
    assert result.returncode == 0, result.stderr
    assert "INFO afterline.jobs: worker stopped" in result.stderr


async def test_worker_stopped_during_its_startup_ticks_stops_cleanly(
    channel_settings: Settings, db: Database
) -> None:
    """Every tick also runs right at start; a SIGTERM then must not break them off with errors.

    A clean stop lets the running ticks finish (or never starts them) before the database is
    disposed: no job may end in an exception, nothing may be logged at ERROR.
    """
    process, _ = await started_worker(process_env(channel_settings))
    process.send_signal(signal.SIGTERM)
    result = await finish(process)
    assert result.returncode == 0, result.stderr
    assert "worker stopped" in result.stderr
    errors = [line for line in result.stderr.splitlines() if " ERROR " in line]
    assert errors == [], result.stderr[-3000:]
    assert "Traceback" not in result.stderr


async def test_vapid_creates_and_reuses_the_key(
    settings: Settings, clock: FrozenClock, db: Database, tmp_path: Path
) -> None:
    data_dir = tmp_path / "vapid-data"
    env = process_env(dataclasses.replace(settings, data_dir=data_dir))
    key_file = data_dir / "vapid_private.pem"

    def public(result: Finished) -> str:
        assert result.returncode == 0, result.stderr
        [line] = [ln for ln in result.stdout.splitlines() if ln.startswith("public key: ")]
        return line.removeprefix("public key: ")

    created = await afterline(env, "vapid")
    key = public(created)
    assert f"created {key_file}" in created.stdout
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    pem = key_file.read_bytes()
    assert pem.startswith(b"-----BEGIN")
    assert "private key" not in created.stdout

    again = await afterline(env, "vapid")
    assert public(again) == key
    assert f"using {key_file}" in again.stdout
    assert key_file.read_bytes() == pem

    shown = await afterline(env, "vapid", "--private")
    assert public(shown) == key
    [line] = [ln for ln in shown.stdout.splitlines() if ln.startswith("private key")]
    private = line.rsplit(": ", 1)[1]
    assert len(base64.urlsafe_b64decode(private + "=" * (-len(private) % 4))) == 32

    other_dir = tmp_path / "other-data"
    from_env = await afterline(
        {**process_env(dataclasses.replace(settings, data_dir=other_dir)),
         "AFTERLINE_VAPID_PRIVATE_KEY": private},
        "vapid",
    )  # fmt: skip
    assert public(from_env) == key
    assert "using AFTERLINE_VAPID_PRIVATE_KEY" in from_env.stdout
    assert not (other_dir / "vapid_private.pem").exists()

    for app_settings in (
        dataclasses.replace(settings, data_dir=data_dir),
        dataclasses.replace(settings, data_dir=tmp_path / "third", vapid_private_key=private),
    ):
        app = create_app(settings=app_settings, clock=clock, db=db)
        async with httpx.AsyncClient(
            transport=httpx.ASGITransport(app=app),  # type: ignore[arg-type]
            base_url="http://testserver.local",
        ) as http:
            response = await http.get("/api/push/vapid-public-key")
        assert response.status_code == 200, response.text
        assert response.json()["public_key"] == key
