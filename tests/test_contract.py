"""The API keeps its contract: schemathesis calls every operation `/schema` describes.

Against the real server (`afterline serve`, a fresh database built by the migrations and the
demo clinic seeded into it), once as the demo practitioner and once as a demo patient, with
bodies, paths and query values generated from the schema. Every answer must be no server
error, a status code the operation documents, and a body that matches the documented schema
for that status (`api.core.openapi` documents the errors). Each test signs in afresh (the
fuzzed logout would end a shared login session) from a device the account knows, so the
fuzzed failed sign-ins cannot hold the sign-ins back (`api.identity.limits`).
"""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from api.app import CSRF_COOKIE, CSRF_HEADER
from api.demo.seed import PATIENT_PASSWORD, PRACTITIONER_EMAIL, PRACTITIONER_PASSWORD
from api.identity.devices import DEVICE_COOKIE
from api.identity.login_sessions import SESSION_COOKIE
from tests.serving import free_port, server_env, wait_healthy

REPO = Path(__file__).resolve().parents[1]
AFTERLINE = str(Path(sys.executable).with_name("afterline"))
PATIENT_EMAIL = "alice@demo.afterline.test"
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]
# Examples per operation and role: enough to reach each body's edges (hypothesis shrinks
# towards them), few enough for `make test`'s time.
EXAMPLES = 12


def _document() -> dict[str, object]:
    """The description the code builds, exactly as `/schema/openapi.json` serves it."""
    out = subprocess.run(
        [AFTERLINE, "openapi"], check=True, capture_output=True, text=True, cwd=REPO
    ).stdout
    import json

    document: dict[str, object] = json.loads(out)
    return document


schema = schemathesis.openapi.from_dict(_document())


@dataclass
class ContractServer:
    base_url: str
    devices: dict[str, str]  # email -> the device cookie its first sign-in set


@pytest.fixture(scope="module")
def contract_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ContractServer]:
    tmp = tmp_path_factory.mktemp("contract")
    port = free_port()
    base_url = f"http://127.0.0.1:{port}"
    env = server_env(tmp / "data", base_url, f"sqlite+aiosqlite:///{tmp / 'contract.db'}")
    for command in (["migrate"], ["seed-demo"]):
        subprocess.run([AFTERLINE, *command], env=env, cwd=REPO, check=True, capture_output=True)
    log = tmp / "server.log"
    serve = [AFTERLINE, "serve", "--no-scheduler", "--host", "127.0.0.1", "--port", str(port)]
    with log.open("wb") as out:
        proc = subprocess.Popen(serve, env=env, cwd=REPO, stdout=out, stderr=subprocess.STDOUT)
    try:
        wait_healthy(base_url, proc, log, 60)
        server = ContractServer(base_url, {})
        for email, password in _ACCOUNTS.values():
            server.devices[email] = _sign_in(server, email, password)[DEVICE_COOKIE]
        yield server
    finally:
        proc.terminate()
        proc.wait(timeout=10)


_ACCOUNTS = {
    "practitioner": (PRACTITIONER_EMAIL, PRACTITIONER_PASSWORD),
    "patient": (PATIENT_EMAIL, PATIENT_PASSWORD),
}


def _sign_in(server: ContractServer, email: str, password: str) -> dict[str, str]:
    """A new login session's cookies (session, CSRF and device)."""
    with httpx.Client(base_url=server.base_url, timeout=30) as client:
        if device := server.devices.get(email):
            client.cookies.set(DEVICE_COOKIE, device)
        client.get("/api/health")  # sets the CSRF cookie
        answer = client.post(
            "/api/auth/login",
            json={"email": email, "password": password},
            headers={CSRF_HEADER: client.cookies[CSRF_COOKIE]},
        )
        assert answer.status_code == 200, answer.text
        cookies = {CSRF_COOKIE: client.cookies[CSRF_COOKIE], **answer.cookies}
        return {**cookies, DEVICE_COOKIE: cookies.get(DEVICE_COOKIE) or device or ""}


@pytest.fixture(params=list(_ACCOUNTS))
def signed_in(request: pytest.FixtureRequest, contract_server: ContractServer) -> dict[str, str]:
    """A new login session for the test (hypothesis's examples share it)."""
    email, password = _ACCOUNTS[request.param]
    return _sign_in(contract_server, email, password)


@schema.parametrize()
@settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=True,
    suppress_health_check=list(HealthCheck),
)
def test_every_operation_keeps_its_contract(
    case: schemathesis.Case, contract_server: ContractServer, signed_in: dict[str, str]
) -> None:
    case.call_and_validate(
        base_url=contract_server.base_url,
        headers={CSRF_HEADER: signed_in[CSRF_COOKIE]},
        cookies={name: signed_in[name] for name in (SESSION_COOKIE, CSRF_COOKIE)},
        checks=CHECKS,
    )
