"""Real servers the tests send to: an SMTP server (aiosmtpd) and a Web Push service.

`PushService` is an HTTP server in the test's event loop that behaves like a browser's push
service: it checks the VAPID `Authorization` header (RFC 8292), decrypts the aes128gcm body
(RFC 8291) with the subscriber's private key and auth secret, and answers with whatever
status the test scripted for that subscription (201 by default).
"""

from __future__ import annotations

import asyncio
import base64
import json
import os
import socket
import time
import uuid
from collections import defaultdict, deque
from dataclasses import dataclass, field
from email import message_from_bytes, policy
from email.message import EmailMessage
from typing import Any

import http_ece
from aiohttp import web
from aiosmtpd.controller import Controller
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from py_vapid import Vapid02


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
        self.sink.messages.append(
            ReceivedEmail(envelope.mail_from, list(envelope.rcpt_tos), message)
        )
        return "250 Message accepted for delivery"


@dataclass
class ReceivedEmail:
    mail_from: str
    recipients: list[str]
    message: EmailMessage

    @property
    def subject(self) -> str:
        return str(self.message["Subject"])

    def part(self, subtype: str) -> str:
        body = self.message.get_body(preferencelist=(subtype,))
        assert body is not None, f"no text/{subtype} part"
        return str(body.get_content())


class SmtpSink:
    """An aiosmtpd server on a free loopback port (its own thread), keeping what it gets."""

    def __init__(self) -> None:
        self.messages: list[ReceivedEmail] = []
        self.port = _free_port()
        self._controller = Controller(_Collect(self), hostname="127.0.0.1", port=self.port)

    def start(self) -> None:
        self._controller.start()

    def stop(self) -> None:
        self._controller.stop()


def _free_port() -> int:
    """aiosmtpd's Controller needs a port up front (it cannot report an ephemeral one)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


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


class PushService:
    """Plays a push service at http://127.0.0.1:<port>/push/<token>."""

    def __init__(self) -> None:
        self.keys: dict[str, BrowserKeys] = {}
        self.received: list[ReceivedPush] = []
        self.scripts: dict[str, deque[int]] = defaultdict(deque)
        self.problems: list[str] = []
        self._runner: web.AppRunner | None = None
        self.port = 0
        self.arrived = asyncio.Condition()

    @property
    def origin(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def subscribe(self, answers: tuple[int, ...] = ()) -> dict[str, Any]:
        """A new browser subscription; `answers` are the statuses for its first requests."""
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
        if not Vapid02.verify(header):
            self.problems.append("VAPID signature does not verify")
        token = header.split("t=", 1)[1].split(",", 1)[0]
        claims: dict[str, Any] = json.loads(_b64decode(token.split(".")[1]))
        if claims.get("aud") != self.origin:
            self.problems.append(f"VAPID aud {claims.get('aud')!r} is not {self.origin!r}")
        if not (time.time() < claims.get("exp", 0) <= time.time() + 24 * 3600):
            self.problems.append(f"VAPID exp {claims.get('exp')} is not within the next 24 h")
        return claims

    async def _handle(self, request: web.Request) -> web.Response:
        token = request.match_info["token"]
        body = await request.read()
        claims = self._check_vapid(request)
        payload = None
        keys = self.keys.get(token)
        if keys is None:
            status = 404
        else:
            if request.headers.get("Content-Encoding") != "aes128gcm":
                self.problems.append("content encoding is not aes128gcm")
            payload = json.loads(keys.decrypt(body))
            script = self.scripts[token]
            status = script.popleft() if script else 201
        async with self.arrived:
            self.received.append(
                ReceivedPush(token, status, dict(request.headers), payload, claims)
            )
            self.arrived.notify_all()
        return web.Response(status=status)

    async def wait_for(self, count: int) -> None:
        """Until `count` requests have arrived (a condition, not a sleep)."""
        async with self.arrived:
            await self.arrived.wait_for(lambda: len(self.received) >= count)

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
