"""Shared fixtures: a fresh database per test, built by the real Alembic migrations.

The database is SQLite unless `AFTERLINE_TEST_DATABASE_URL` names a PostgreSQL server
(`make test` runs the suite once on each). Migrations run once per session into a template;
each test then gets its own copy (a file copy on SQLite, `CREATE DATABASE … TEMPLATE` on
PostgreSQL), so every test starts from exactly what `alembic upgrade head` produces.
"""

from __future__ import annotations

import dataclasses
import os
import shutil
import uuid
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager
from dataclasses import replace
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import asyncpg
import httpx
import pytest
from argon2 import PasswordHasher
from litestar import Litestar
from sqlalchemy import update

from api.app import CSRF_COOKIE, CSRF_HEADER, create_app
from api.core import security
from api.core.clock import FrozenClock
from api.core.db import Database
from api.core.migrate import upgrade
from api.core.settings import Settings, SmtpSettings
from api.identity.accounts import create_practitioner
from api.identity.models import Patient
from api.notifications.channels import Channels
from api.triage.readmodel import install as install_read_models
from jobs.ticks import JobContext
from tests.receivers import BrowserKeys, HoldingPushService, PushService, SmtpSink

# Services called directly (not through the app) keep the triage list in step too.
install_read_models()

PG_URL = os.environ.get("AFTERLINE_TEST_DATABASE_URL", "").strip()
PASSWORD = "correct horse battery"
# A Tuesday in March 2026, midday UTC: before the DST changes of both hemispheres' spring.
START = datetime(2026, 3, 10, 12, 0, tzinfo=UTC)


def _pg_admin_dsn(url: str) -> str:
    return url.replace("postgresql+asyncpg://", "postgresql://")


def _with_database(url: str, name: str) -> str:
    return url.rsplit("/", 1)[0] + f"/{name}"


@pytest.fixture(scope="session")
def template_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    if not PG_URL:
        path = tmp_path_factory.mktemp("template") / "template.db"
        url = f"sqlite+aiosqlite:///{path}"
        upgrade(url)
        yield url
        return
    import asyncio

    name = f"afterline_template_{uuid.uuid4().hex[:8]}"

    async def create() -> None:
        conn = await asyncpg.connect(_pg_admin_dsn(PG_URL))
        try:
            await conn.execute(f'CREATE DATABASE "{name}"')
        finally:
            await conn.close()

    async def drop() -> None:
        conn = await asyncpg.connect(_pg_admin_dsn(PG_URL))
        try:
            await conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        finally:
            await conn.close()

    asyncio.run(create())
    url = _with_database(PG_URL, name)
    upgrade(url)
    yield url
    asyncio.run(drop())


@asynccontextmanager
async def fresh_database(template_url: str, directory: Path) -> AsyncIterator[str]:
    """A fresh, fully migrated copy of the template; dropped afterwards on PostgreSQL."""
    if not PG_URL:
        path = directory / f"afterline-{uuid.uuid4().hex[:8]}.db"
        shutil.copyfile(template_url.split(":///", 1)[1], path)
        yield f"sqlite+aiosqlite:///{path}"
        return
    name = f"afterline_test_{uuid.uuid4().hex[:12]}"
    template = template_url.rsplit("/", 1)[1]
    conn = await asyncpg.connect(_pg_admin_dsn(PG_URL))
    try:
        await conn.execute(f'CREATE DATABASE "{name}" TEMPLATE "{template}"')
    finally:
        await conn.close()
    try:
        yield _with_database(PG_URL, name)
    finally:
        conn = await asyncpg.connect(_pg_admin_dsn(PG_URL))
        try:
            await conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        finally:
            await conn.close()


@pytest.fixture
async def database_url(template_url: str, tmp_path: Path) -> AsyncIterator[str]:
    """A fresh, fully migrated database for this test only."""
    async with fresh_database(template_url, tmp_path) as url:
        yield url


@pytest.fixture
async def db(database_url: str) -> AsyncIterator[Database]:
    database = Database.from_url(database_url)
    yield database
    await database.dispose()


@pytest.fixture
def clock() -> FrozenClock:
    return FrozenClock(START)


def settings_for(database_url: str, data_dir: Path) -> Settings:
    return Settings(
        database_url=database_url,
        data_dir=data_dir,
        secret_key="test-secret-key-" + "x" * 32,
        photo_key=bytes(range(32)),
        env="test",
        base_url="https://afterline.test",
        # Race tests send 50 requests at once to one app; the overload guard's own tests
        # (tests/api/test_overload.py) set a small limit.
        max_concurrency=1_000,
    )


@pytest.fixture
def settings(database_url: str, tmp_path: Path) -> Settings:
    return settings_for(database_url, tmp_path / "data")


@pytest.fixture
def app(
    request: pytest.FixtureRequest, settings: Settings, clock: FrozenClock, db: Database
) -> Litestar:
    """The app; tests marked `channels` get `channel_settings` (email on, test push allowed)."""
    if request.node.get_closest_marker("channels") is not None:
        settings = request.getfixturevalue("channel_settings")
    return create_app(settings=settings, clock=clock, db=db)


CHEAP_HASHER = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)
CHEAP_DUMMY_HASH = CHEAP_HASHER.hash("dummy")


@pytest.fixture(autouse=True)
def cheap_password_hashing(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> None:
    """argon2 at its minimum cost in this process, unless a test is marked
    `real_password_hashing` (those about hashing cost and sign-in under load).

    The production cost is ~0.2 s of a core per hash and per sign-in; paid for every person
    every test signs up and in, it was a third of the suite's time. The dummy hash an unknown
    email is checked against is replaced too (made at import, it carries its own cost).
    Servers the tests start as processes (the browser tests) keep the production cost."""
    if request.node.get_closest_marker("real_password_hashing") is None:
        monkeypatch.setattr(security, "_hasher", CHEAP_HASHER)
        monkeypatch.setattr(security, "_DUMMY_HASH", CHEAP_DUMMY_HASH)


@pytest.fixture
def smtp_server() -> Iterator[SmtpSink]:
    sink = SmtpSink()
    sink.start()
    yield sink
    sink.stop()


@pytest.fixture
async def push_service() -> AsyncIterator[HoldingPushService]:
    """The test push service (answering everything unless a test makes it hold); anything it
    noted a real push service would refuse (a bad VAPID header, TTL, Topic or encoding) fails
    the test that sent it."""
    service = HoldingPushService()
    await service.start()
    yield service
    service.release.set()
    await service.stop()
    assert service.problems == [], f"the push service saw protocol problems: {service.problems}"


@pytest.fixture
def channel_settings(
    settings: Settings, smtp_server: SmtpSink, push_service: PushService
) -> Settings:
    """Settings with email on (the test's SMTP server) and the test push service allowed."""
    return dataclasses.replace(
        settings,
        smtp=SmtpSettings(host="127.0.0.1", port=smtp_server.port, sender="clinic@afterline.test"),
        push_endpoint_allow=(push_service.origin,),
    )


@pytest.fixture
async def jobs(
    channel_settings: Settings, db: Database, clock: FrozenClock
) -> AsyncIterator[JobContext]:
    """What a worker process has: the database, the real channels and the (test's) clock."""
    ctx = JobContext(db=db, channels=Channels.from_settings(channel_settings), clock=clock)
    yield ctx
    await ctx.channels.close()


def push_subscription_body(
    endpoint: str = "https://fcm.googleapis.com/fcm/send/abc:def",
) -> dict[str, Any]:
    """A subscription as a browser sends it (`PushSubscription.toJSON()`), with fresh keys."""
    keys = BrowserKeys()
    return {
        "endpoint": endpoint,
        "expirationTime": None,
        "keys": {"p256dh": keys.p256dh, "auth": keys.auth},
    }


class ApiClient:
    """An HTTP client for one browser: keeps its cookies and echoes the CSRF token."""

    def __init__(self, client: httpx.AsyncClient) -> None:
        self.http = client

    async def _csrf(self) -> str:
        token = self.http.cookies.get(CSRF_COOKIE)
        if token is None:
            await self.http.get("/api/health")
            token = self.http.cookies.get(CSRF_COOKIE)
        assert token, "the server did not set a CSRF cookie"
        return token

    async def get(self, url: str, **kwargs: Any) -> Any:
        return await self.http.get(url, **kwargs)

    async def request(self, method: str, url: str, **kwargs: Any) -> Any:
        headers = {CSRF_HEADER: await self._csrf(), **kwargs.pop("headers", {})}
        return await self.http.request(method, url, headers=headers, **kwargs)

    async def post(self, url: str, **kwargs: Any) -> Any:
        return await self.request("POST", url, **kwargs)

    async def put(self, url: str, **kwargs: Any) -> Any:
        return await self.request("PUT", url, **kwargs)

    async def patch(self, url: str, **kwargs: Any) -> Any:
        return await self.request("PATCH", url, **kwargs)

    async def delete(self, url: str, **kwargs: Any) -> Any:
        return await self.request("DELETE", url, **kwargs)

    async def patient_list(self, **params: Any) -> list[dict[str, Any]]:
        """Every row of the practitioner's list, in order, following the pages."""
        rows: list[dict[str, Any]] = []
        cursor = None
        while True:
            query = {"limit": 200, **params, **({"cursor": cursor} if cursor else {})}
            response = await self.http.get("/api/patients", params=query)
            assert response.status_code == 200, response.text
            page = response.json()
            rows += page["items"]
            if (cursor := page["next_cursor"]) is None:
                return rows

    async def login(self, email: str, password: str = PASSWORD) -> Any:
        response = await self.post("/api/auth/login", json={"email": email, "password": password})
        assert response.status_code == 200, response.text
        return response.json()


def session_body(performed_on: date, **overrides: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "performed_on": performed_on.isoformat(),
        "areas": ["leg_left_calf", "leg_right_calf"],
        "sclerosant": "polidocanol",
        "concentration_pct": 0.5,
        "volume_ml": 4.0,
        "injections": 20,
        "compression_days": 3,
        "restriction_days": 3,
    }
    body.update(overrides)
    return body


def checkin_body(recorded_at: datetime | None = None, **overrides: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "pain": 3,
        "swelling": 1,
        "bruising": 2,
        "discolouration": 0,
        "hardening": 1,
        "itching": 0,
        "recorded_at": (recorded_at or START).isoformat(),
    }
    body.update(overrides)
    return body


class World:
    """Builds clinics, practitioners and patients through the real API."""

    def __init__(
        self,
        app: Litestar,
        db: Database,
        clock: FrozenClock,
        base_url: str = "http://testserver.local",
    ) -> None:
        self.app = app
        self.base_url = base_url
        self.db = db
        self.clock = clock
        self._clients: list[httpx.AsyncClient] = []

    async def client(self) -> ApiClient:
        """A new browser. Requests run in the test's own event loop, like the real server."""
        http = httpx.AsyncClient(
            transport=httpx.ASGITransport(app=self.app), base_url=self.base_url
        )
        self._clients.append(http)
        return ApiClient(http)

    async def practitioner(
        self, email: str = "dr@clinic-a.test", clinic: str = "Clinic A"
    ) -> ApiClient:
        await create_practitioner(
            self.db, email, "Dr " + email.split("@")[0], clinic, PASSWORD, self.clock.now()
        )
        client = await self.client()
        await client.login(email)
        return client

    async def patient(
        self,
        practitioner: ApiClient,
        email: str = "pat@example.test",
        timezone: str = "Europe/London",
        sessions: tuple[date, ...] = (),
        checkin_time: str = "19:00",
        signed_up_on: date | None = None,
    ) -> tuple[str, ApiClient]:
        """A patient who accepted their invitation now; `signed_up_on` backdates that
        (as if they had signed up then: days before it are not theirs to miss)."""
        created = await practitioner.post(
            "/api/patients",
            json={
                "name": email.split("@")[0].title(),
                "email": email,
                "timezone": timezone,
                "checkin_time": checkin_time,
            },
        )
        assert created.status_code == 201, created.text
        patient_id = created.json()["id"]
        for performed_on in sessions:
            response = await practitioner.post(
                f"/api/patients/{patient_id}/sessions", json=session_body(performed_on)
            )
            assert response.status_code == 201, response.text
        client = await self.client()
        accepted = await client.post(
            "/api/auth/accept-invite",
            json={"token": created.json()["invite_token"], "password": PASSWORD},
        )
        assert accepted.status_code == 200, accepted.text
        if signed_up_on is not None:
            async with self.db.write() as session:
                await session.execute(
                    update(Patient)
                    .where(Patient.id == uuid.UUID(patient_id))
                    .values(prompts_from=signed_up_on)
                )
        return patient_id, client

    async def close(self) -> None:
        for http in self._clients:
            await http.aclose()


@asynccontextmanager
async def fresh_world(template_url: str, directory: Path) -> AsyncIterator[World]:
    """A `World` on a fresh database of its own, its clock at `START`: for a hypothesis
    example, which cannot use the function-scoped fixtures (one database per example)."""
    async with fresh_database(template_url, directory) as url:
        db, clock = Database.from_url(url), FrozenClock(START)
        app = create_app(settings=settings_for(url, directory / "data"), clock=clock, db=db)
        built = World(app, db, clock)
        try:
            yield built
        finally:
            await built.close()
            await db.dispose()


@pytest.fixture
async def world(app: Litestar, db: Database, clock: FrozenClock) -> AsyncIterator[World]:
    built = World(app, db, clock)
    yield built
    await built.close()


@pytest.fixture
async def strict_world(
    settings: Settings, clock: FrozenClock, db: Database
) -> AsyncIterator[World]:
    """A `World` where practitioners must have a second factor, as in production."""
    app = create_app(settings=replace(settings, second_factor_required=True), clock=clock, db=db)
    built = World(app, db, clock)
    yield built
    await built.close()
