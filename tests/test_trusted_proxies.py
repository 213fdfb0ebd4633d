"""X-Forwarded-For is believed only from AFTERLINE_TRUSTED_PROXIES (none by default).

Run against the real `afterline serve` (uvicorn rewrites the client address, not the app),
observed through the per-(account, address) sign-in limit: 5 free failures per address.
"""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

import httpx
import pytest

from api.core.db import Database
from api.core.settings import SettingsError, load_settings
from api.identity.accounts import create_practitioner
from tests.conftest import PASSWORD
from tests.serving import free_port, wait_healthy

AFTERLINE = str(Path(sys.executable).parent / "afterline")
EMAIL = "dr@clinic-a.test"
START_SECONDS = 60


@contextmanager
def serving(database_url: str, tmp_path: Path, trusted: str | None) -> Iterator[httpx.Client]:
    """`afterline serve` on the test's database; a client with its CSRF cookie."""
    env = {key: value for key, value in os.environ.items() if not key.startswith("AFTERLINE_")}
    env.update(DATABASE_URL=database_url, AFTERLINE_DATA_DIR=str(tmp_path / "data"))
    if trusted is not None:
        env["AFTERLINE_TRUSTED_PROXIES"] = trusted
    port = free_port()
    log = tmp_path / f"serve-{port}.log"
    with log.open("wb") as out:
        command = [AFTERLINE, "serve", "--no-scheduler", "--port", str(port)]
        proc = subprocess.Popen(command, env=env, stdout=out, stderr=subprocess.STDOUT)
    try:
        base_url = f"http://127.0.0.1:{port}"
        wait_healthy(base_url, proc, log, START_SECONDS)
        with httpx.Client(base_url=base_url, timeout=30) as client:
            yield client
    finally:
        proc.terminate()
        proc.wait(timeout=30)


async def wrong_logins(base_url: str, forwarded_for: list[str], email: str = EMAIL) -> list[int]:
    """Wrong passwords sent all at once (a real clock: one after another, each argon2 run
    could outlast the first delays), one per X-Forwarded-For value; the statuses, sorted."""
    async with httpx.AsyncClient(base_url=base_url, timeout=60) as client:
        csrf = (await client.get("/api/health")).cookies["csrftoken"]
        answers = await asyncio.gather(
            *(
                client.post(
                    "/api/auth/login",
                    json={"email": email, "password": "wrong password!"},
                    headers={"X-CSRFToken": csrf, "X-Forwarded-For": address},
                )
                for address in forwarded_for
            )
        )
    return sorted(answer.status_code for answer in answers)


async def test_forwarded_for_is_ignored_unless_the_proxy_is_trusted(
    database_url: str, db: Database, tmp_path: Path
) -> None:
    await create_practitioner(db, EMAIL, "Dr A", "Clinic A", PASSWORD, datetime.now(UTC))
    await db.dispose()
    claimed = [f"203.0.113.{n}" for n in range(7)]
    # Untrusted (the default, even from loopback): every guess is 127.0.0.1's, whatever it says.
    with serving(database_url, tmp_path, None) as client:
        assert await wrong_logins(str(client.base_url), claimed) == [401] * 5 + [429] * 2
    # Trusted: each named address has its own five (other accounts, under their own limits).
    with serving(database_url, tmp_path, "10.0.0.0/8, 127.0.0.1") as client:
        base = str(client.base_url)
        assert await wrong_logins(base, claimed, "a@clinic-a.test") == [401] * 7
        same = ["198.51.100.77"] * 7
        assert await wrong_logins(base, same, "b@clinic-a.test") == [401] * 5 + [429] * 2
        # The address the trusted proxy saw connecting, not what the client claimed before it.
        chain = ["198.51.100.77, 192.0.2.1"]
        assert await wrong_logins(base, chain, "b@clinic-a.test") == [401]


def test_trusted_proxies_are_addresses_or_networks_and_none_by_default(tmp_path: Path) -> None:
    base = {"AFTERLINE_DATA_DIR": str(tmp_path)}
    assert load_settings(base).trusted_proxies == ()
    given = {**base, "AFTERLINE_TRUSTED_PROXIES": " 10.0.0.0/8, 127.0.0.1 ,::1,172.16.0.9/12,"}
    assert load_settings(given).trusted_proxies == (
        "10.0.0.0/8",
        "127.0.0.1",
        "::1",
        "172.16.0.0/12",
    )
    for wrong in ("*", "proxy.internal", "10.0.0.0/33"):
        with pytest.raises(SettingsError, match="AFTERLINE_TRUSTED_PROXIES"):
            load_settings({**base, "AFTERLINE_TRUSTED_PROXIES": wrong})
