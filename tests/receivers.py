"""Real servers the tests send to: an SMTP server (aiosmtpd) and a Web Push service.

`PushService` is an HTTP server in the test's event loop that behaves like a browser's push
service: it checks the VAPID `Authorization` header (RFC 8292), decrypts the aes128gcm body
(RFC 8291) with the subscriber's private key and auth secret, and answers with whatever
status (and headers) the test scripted for that subscription (201 by default). Anything a
real push service would refuse is noted in `problems`, and the `push_service` fixture fails
the test at teardown when there is any.

`SmtpSink` is an aiosmtpd server; `SmtpSink(tls=..., credentials=...)` makes it one that
requires STARTTLS (a certificate from `tests.certificates`) and AUTH with those credentials.

Every wait in these helpers has a deadline (`WAIT_S`): a test that waits for something
that never comes fails with a message instead of hanging.
"""

from __future__ import annotations

import asyncio
import base64
import json
import os
import re
import ssl
import sys
import time
import uuid
from collections import defaultdict, deque
from collections.abc import Callable
from dataclasses import dataclass, field
from email import message_from_bytes, policy
from email.message import EmailMessage
from typing import Any

import http_ece
from aiohttp import web
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from py_vapid import Vapid02

from tests.serving import free_port

# The longest any helper here waits for something to arrive.
WAIT_S = 10.0
# How long a held request, or a wait on what the push service saw, may last.
HOLD_S = 60.0


def b64url(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def _b64decode(value: str) -> bytes:
    return base64.urlsafe_b64decode(value + "=" * (-len(value) % 4))


# --- SMTP -----------------------------------------------------------------------------------


class _Collect:
    def __init__(self, sink: SmtpSink) -> None:
        self.sink = sink

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        message = message_from_bytes(envelope.content, policy=policy.default)
        assert isinstance(message, EmailMessage)
        login = session.auth_data.login.decode() if session.authenticated else None
        self.sink.messages.append(
            ReceivedEmail(
                envelope.mail_from,
                list(envelope.rcpt_tos),
                message,
                tls=session.ssl is not None,
                login=login,
            )
        )
        return "250 Message accepted for delivery"


@dataclass
class ReceivedEmail:
    mail_from: str
    recipients: list[str]
    message: EmailMessage
    tls: bool = False  # the session had been upgraded with STARTTLS
    login: str | None = None  # who the session authenticated as (None: no AUTH)

    @property
    def subject(self) -> str:
        return str(self.message["Subject"])

    def part(self, subtype: str) -> str:
        body = self.message.get_body(preferencelist=(subtype,))
        assert body is not None, f"no text/{subtype} part"
        return str(body.get_content())


@dataclass(frozen=True)
class AuthAttempt:
    login: str
    password: str
    tls: bool  # whether the credentials crossed an encrypted connection


class SmtpSink:
    """An aiosmtpd server on a free loopback port (its own thread), keeping what it gets.

    With `tls` it offers STARTTLS and refuses mail before it; with `credentials` (login,
    password) it requires AUTH first. `allow_plain_auth` offers AUTH without TLS too (a
    server an attacker stripped STARTTLS from looks like that). Every AUTH the server saw is
    kept in `auth_attempts`, whatever the outcome.
    """

    def __init__(
        self,
        tls: ssl.SSLContext | None = None,
        credentials: tuple[str, str] | None = None,
        *,
        allow_plain_auth: bool = False,
    ) -> None:
        self.messages: list[ReceivedEmail] = []
        self.auth_attempts: list[AuthAttempt] = []
        self.credentials = credentials
        self.port = free_port()
        options: dict[str, Any] = {}
        if tls is not None:
            options.update(tls_context=tls, require_starttls=True)
        if credentials is not None:
            options.update(
                auth_required=True,
                auth_require_tls=not allow_plain_auth,
                authenticator=self._authenticate,
            )
        self._controller = Controller(
            _Collect(self), hostname="127.0.0.1", port=self.port, **options
        )

    def _authenticate(
        self, server: Any, session: Any, envelope: Any, mechanism: str, auth_data: Any
    ) -> AuthResult:
        assert isinstance(auth_data, LoginPassword), mechanism
        login, password = auth_data.login.decode(), auth_data.password.decode()
        self.auth_attempts.append(AuthAttempt(login, password, session.ssl is not None))
        if (login, password) != self.credentials:
            return AuthResult(success=False, handled=False)
        return AuthResult(success=True, auth_data=auth_data)

    def start(self) -> None:
        self._controller.start()

    def stop(self) -> None:
        self._controller.stop()


# --- Web Push -------------------------------------------------------------------------------


@dataclass
class BrowserKeys:
    """What a browser creates when it subscribes: a P-256 key pair and an auth secret."""

    private_key: ec.EllipticCurvePrivateKey = field(
        default_factory=lambda: ec.generate_private_key(ec.SECP256R1())
    )
    auth_secret: bytes = field(default_factory=lambda: os.urandom(16))

    @property
    def p256dh(self) -> str:
        return b64url(
            self.private_key.public_key().public_bytes(
                serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint
            )
        )

    @property
    def auth(self) -> str:
        return b64url(self.auth_secret)

    def decrypt(self, body: bytes) -> bytes:
        return bytes(
            http_ece.decrypt(
                body,
                private_key=self.private_key,
                auth_secret=self.auth_secret,
                version="aes128gcm",
            )
        )


@dataclass
class ReceivedPush:
    token: str
    status: int
    headers: dict[str, str]
    payload: dict[str, Any] | None
    vapid_claims: dict[str, Any]


# A scripted answer: a status, or a status with response headers (Retry-After, Location).
Answer = int | tuple[int, dict[str, str]]
# RFC 8030: Topic is at most 32 characters of the URL-safe base64 alphabet; Urgency is one of
# four words; TTL is a number of seconds.
TOPIC = re.compile(r"[A-Za-z0-9_-]{1,32}")
URGENCIES = frozenset({"very-low", "low", "normal", "high"})


class PushService:
    """Plays a push service at http://127.0.0.1:<port>/push/<token>."""

    def __init__(self) -> None:
        self.keys: dict[str, BrowserKeys] = {}
        self.received: list[ReceivedPush] = []
        self.scripts: dict[str, deque[Answer]] = defaultdict(deque)
        self.problems: list[str] = []
        self._runner: web.AppRunner | None = None
        self.port = 0
        self.arrived = asyncio.Condition()

    @property
    def origin(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def subscribe(self, answers: tuple[Answer, ...] = ()) -> dict[str, Any]:
        """A new browser subscription; `answers` are the statuses (optionally with response
        headers) for its first requests, 201 after them."""
        token = uuid.uuid4().hex
        keys = BrowserKeys()
        self.keys[token] = keys
        self.scripts[token].extend(answers)
        return {
            "endpoint": f"{self.origin}/push/{token}",
            "keys": {"p256dh": keys.p256dh, "auth": keys.auth},
        }

    def for_token(self, token: str) -> list[ReceivedPush]:
        return [push for push in self.received if push.token == token]

    def delivered(self) -> list[ReceivedPush]:
        """Messages the service accepted (answered 201)."""
        return [push for push in self.received if push.status == 201]

    def _check_vapid(self, request: web.Request) -> dict[str, Any]:
        header = request.headers.get("Authorization", "")
        if not header.startswith("vapid "):
            self.problems.append(f"no VAPID authorization header: {header!r}")
            return {}
        try:
            if not Vapid02.verify(header):
                self.problems.append("VAPID signature does not verify")
            token = header.split("t=", 1)[1].split(",", 1)[0]
            claims: dict[str, Any] = json.loads(_b64decode(token.split(".")[1]))
        except Exception as exc:  # a malformed header: noted, never a 500 from the helper
            self.problems.append(f"VAPID header unreadable: {exc!r}")
            return {}
        if claims.get("aud") != self.origin:
            self.problems.append(f"VAPID aud {claims.get('aud')!r} is not {self.origin!r}")
        if not (time.time() < claims.get("exp", 0) <= time.time() + 24 * 3600):
            self.problems.append(f"VAPID exp {claims.get('exp')} is not within the next 24 h")
        return claims

    def _check_headers(self, request: web.Request) -> None:
        """The RFC 8030 headers a push service reads besides the body."""
        ttl = request.headers.get("TTL", "")
        if not ttl.isdigit():
            self.problems.append(f"TTL {ttl!r} is not a number of seconds")
        topic = request.headers.get("Topic")
        if topic is not None and not TOPIC.fullmatch(topic):
            self.problems.append(f"Topic {topic!r} is not 1-32 URL-safe base64 characters")
        urgency = request.headers.get("Urgency")
        if urgency is not None and urgency not in URGENCIES:
            self.problems.append(f"Urgency {urgency!r} is not one of {sorted(URGENCIES)}")
        if request.headers.get("Content-Encoding") != "aes128gcm":
            self.problems.append("content encoding is not aes128gcm")

    def _decrypt(self, keys: BrowserKeys, body: bytes) -> dict[str, Any] | None:
        try:
            payload = json.loads(keys.decrypt(body))
        except Exception as exc:  # noted, and answered as a push service would
            self.problems.append(f"the body does not decrypt to JSON: {exc!r}")
            return None
        if not isinstance(payload, dict):
            self.problems.append(f"the payload is not a JSON object: {payload!r}")
            return None
        return payload

    async def _handle(self, request: web.Request) -> web.Response:
        token = request.match_info["token"]
        body = await request.read()
        claims = self._check_vapid(request)
        self._check_headers(request)
        payload = None
        headers: dict[str, str] = {}
        keys = self.keys.get(token)
        if keys is None:
            status = 404
        else:
            payload = self._decrypt(keys, body)
            script = self.scripts[token]
            answer = script.popleft() if script else 201
            status, headers = answer if isinstance(answer, tuple) else (answer, {})
            if payload is None:
                status = 400
        async with self.arrived:
            self.received.append(
                ReceivedPush(token, status, dict(request.headers), payload, claims)
            )
            self.arrived.notify_all()
        return web.Response(status=status, headers=headers)

    async def wait_for(self, count: int, timeout_s: float = WAIT_S) -> None:
        """Until `count` requests have arrived (a condition, not a sleep); fails after
        `timeout_s` seconds."""
        try:
            async with asyncio.timeout(timeout_s), self.arrived:
                await self.arrived.wait_for(lambda: len(self.received) >= count)
        except TimeoutError:
            raise AssertionError(
                f"{len(self.received)} push request(s) arrived in {timeout_s} s, not {count}"
            ) from None

    async def start(self) -> None:
        app = web.Application()
        app.router.add_post("/push/{token}", self._handle)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        server = site._server
        assert server is not None
        self.port = server.sockets[0].getsockname()[1]  # type: ignore[attr-defined]

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()


class HoldingPushService(PushService):
    """The test push service, able to hold requests open until the test releases them.

    `holding` holds every request from now on; `answer_first = n` answers the first n and
    holds the rest. A held request whose client went away meanwhile was never answered, so
    the service did not accept it: it is kept in `abandoned`, not in `received`.
    """

    def __init__(self) -> None:
        super().__init__()
        self.holding = False
        self.answer_first = sys.maxsize  # requests answered before it starts holding
        self.arrivals = 0
        self.release = asyncio.Event()
        self.held = 0
        self.abandoned: list[str] = []

    async def _notify(self) -> None:
        async with self.arrived:
            self.arrived.notify_all()

    async def _handle(self, request: web.Request) -> web.Response:
        # Read before the first await: no other request interleaves.
        self.holding = self.holding or self.arrivals >= self.answer_first
        self.arrivals += 1
        if not self.holding:
            return await super()._handle(request)
        token = request.match_info["token"]
        await request.read()  # the whole message arrived; aiohttp keeps it for super()
        self.held += 1
        await self._notify()
        try:
            await self.release.wait()
        except asyncio.CancelledError:
            self.abandoned.append(token)
            await asyncio.shield(self._notify())
            raise
        transport = request.transport
        if transport is None or transport.is_closing():
            self.abandoned.append(token)
            await self._notify()
            return web.Response(status=201)  # nobody is left to read it
        return await super()._handle(request)

    async def wait_until(self, predicate: Callable[[], bool]) -> None:
        async with asyncio.timeout(HOLD_S), self.arrived:
            await self.arrived.wait_for(predicate)
