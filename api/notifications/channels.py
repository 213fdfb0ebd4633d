"""The outbound channels: Web Push (pywebpush, RFC 8291 aes128gcm with VAPID) and SMTP email.

Each send reports an outcome the dispatcher turns into a delivery state: sent, retry later,
give up now, or (push only) the subscription is gone and must be removed.
"""

from __future__ import annotations

import contextlib
import html
import logging
from collections.abc import AsyncGenerator
from dataclasses import dataclass
from email.errors import MessageError
from email.headerregistry import Address
from email.message import EmailMessage
from typing import Any, Literal

import aiohttp
import aiosmtplib
from pywebpush import WebPusher, WebPushException

from api.core.settings import Settings, SmtpSettings
from api.notifications.endpoints import endpoint_problem
from api.notifications.vapid import VapidSigner, load_vapid, subject

log = logging.getLogger("afterline.notifications")

PUSH_TIMEOUT_S = 10.0
SMTP_TIMEOUT_S = 20.0
# Answers from a push service that retrying cannot fix (bad request, bad VAPID, too large).
PERMANENT_PUSH_STATUSES = frozenset({400, 401, 403, 413})
GONE_PUSH_STATUSES = frozenset({404, 410})

Outcome = Literal["sent", "retry", "give_up", "gone"]


@dataclass(frozen=True, slots=True)
class SendResult:
    outcome: Outcome
    error: str | None = None
    retry_after_s: float | None = None


@dataclass(frozen=True, slots=True)
class PushTarget:
    endpoint: str
    p256dh: str
    auth: str


@dataclass(frozen=True, slots=True)
class EmailMessageSpec:
    to: str
    subject: str
    text: str
    html: str


def _retry_after(value: str | None) -> float | None:
    try:
        return max(float(value), 0.0) if value else None
    except ValueError:
        return None  # an HTTP date: the exponential backoff will do


class _NoRedirects:
    """The session pywebpush posts through, with redirects off.

    The endpoint was checked against the allow-list; a redirect from it must not lead the
    server's POST anywhere else.
    """

    def __init__(self, session: aiohttp.ClientSession) -> None:
        self._session = session

    def post(self, url: str, **kwargs: Any) -> Any:
        return self._session.post(url, allow_redirects=False, **kwargs)


class PushChannel:
    """Sends Web Push messages through one shared aiohttp session."""

    def __init__(self, signer: VapidSigner, allowed_origins: tuple[str, ...]) -> None:
        self._signer = signer
        self._allowed = allowed_origins
        self._session: aiohttp.ClientSession | None = None

    async def send(
        self, target: PushTarget, payload: bytes, *, topic: str, ttl_s: int
    ) -> SendResult:
        # Checked again at send time: the allow-list may have shrunk since it was stored.
        problem = endpoint_problem(target.endpoint, self._allowed)
        if problem is not None:
            return SendResult("give_up", f"endpoint {problem}")
        if self._session is None:
            self._session = aiohttp.ClientSession(
                timeout=aiohttp.ClientTimeout(total=PUSH_TIMEOUT_S)
            )
        headers = {**self._signer.headers(target.endpoint), "Topic": topic, "Urgency": "normal"}
        keys = {"p256dh": target.p256dh, "auth": target.auth}
        try:
            pusher = WebPusher(
                {"endpoint": target.endpoint, "keys": keys},
                aiohttp_session=_NoRedirects(self._session),
            )
            response = await pusher.send_async(
                payload, headers, ttl=max(ttl_s, 60), content_encoding="aes128gcm"
            )
        except WebPushException as exc:
            # Keys pywebpush cannot use never will be: giving up beats six retries.
            return SendResult("give_up", f"push encryption failed: {exc.message}")
        except (aiohttp.ClientError, TimeoutError) as exc:
            return SendResult("retry", f"push service unreachable: {type(exc).__name__} {exc}")
        assert not isinstance(response, str)
        status = response.status
        if status < 300:
            return SendResult("sent")
        reason = f"push service answered {status} {response.reason or ''}".strip()
        if status in GONE_PUSH_STATUSES:
            return SendResult("gone", reason)
        if status in PERMANENT_PUSH_STATUSES or 300 <= status < 400:  # redirects not followed
            return SendResult("give_up", reason)
        return SendResult("retry", reason, _retry_after(response.headers.get("Retry-After")))

    async def close(self) -> None:
        if self._session is not None:
            await self._session.close()
            self._session = None


class EmailChannel:
    """Sends a batch of emails over one SMTP connection, reporting each as it goes."""

    def __init__(self, smtp: SmtpSettings) -> None:
        self._smtp = smtp

    def _message(self, spec: EmailMessageSpec) -> EmailMessage:
        message = EmailMessage()
        message["From"] = self._smtp.sender
        message["To"] = Address(addr_spec=spec.to)
        message["Subject"] = spec.subject
        message.set_content(spec.text)
        message.add_alternative(spec.html, subtype="html")
        return message

    async def send_each(self, specs: list[EmailMessageSpec]) -> AsyncGenerator[SendResult, None]:
        """One result per message, in order, each as soon as the server has answered it."""
        if not specs:
            return
        client = aiosmtplib.SMTP(
            hostname=self._smtp.host,
            port=self._smtp.port,
            use_tls=self._smtp.port == 465,
            start_tls=False if self._smtp.port == 465 else self._smtp.starttls,
            timeout=SMTP_TIMEOUT_S,
        )
        try:
            await client.connect()
            if self._smtp.user:
                self._refuse_plain_login(client)
                await client.login(self._smtp.user, self._smtp.password or "")
        except (aiosmtplib.SMTPException, OSError) as exc:
            for _ in specs:
                yield SendResult("retry", f"SMTP server unavailable: {exc}")
            return
        try:
            for spec in specs:
                yield await self._send_one(client, spec)
        finally:
            with contextlib.suppress(aiosmtplib.SMTPException, OSError):
                await client.quit()

    def _refuse_plain_login(self, client: aiosmtplib.SMTP) -> None:
        """With STARTTLS left to "when the server offers it", a server that did not offer it
        gets no password: someone between us and it may have removed the offer. Only
        `SMTP_STARTTLS=false` (an explicit choice) sends credentials unencrypted."""
        if self._smtp.starttls is None and client.get_transport_info("sslcontext") is None:
            raise aiosmtplib.SMTPException(
                "the server offered no STARTTLS, so the password was not sent "
                "(SMTP_STARTTLS=false allows an unencrypted login)"
            )

    async def _send_one(self, client: aiosmtplib.SMTP, spec: EmailMessageSpec) -> SendResult:
        try:
            message = self._message(spec)
        except (ValueError, MessageError) as exc:
            return SendResult("give_up", f"invalid address {spec.to!r}: {exc}")
        try:
            # Recipients given explicitly: never parsed back out of the To header.
            await client.send_message(message, recipients=[spec.to])
        except aiosmtplib.SMTPRecipientsRefused as exc:
            codes = [refusal.code for refusal in exc.recipients]
            permanent = all(code >= 500 for code in codes)
            return SendResult("give_up" if permanent else "retry", f"recipient refused: {exc}")
        except aiosmtplib.SMTPResponseException as exc:
            outcome: Outcome = "give_up" if exc.code >= 500 else "retry"
            return SendResult(outcome, f"SMTP {exc.code}: {exc.message}")
        except (aiosmtplib.SMTPException, OSError) as exc:
            return SendResult("retry", f"SMTP error: {exc}")
        except Exception as exc:  # one odd message must not end the batch's connection loop
            return SendResult("retry", f"unexpected error: {type(exc).__name__}: {exc}")
        return SendResult("sent")


class Channels:
    """The channels this process can send on; email is None when SMTP is not configured."""

    def __init__(self, push: PushChannel, email: EmailChannel | None, base_url: str) -> None:
        self.push = push
        self.email = email
        self.base_url = base_url

    @classmethod
    def from_settings(cls, settings: Settings) -> Channels:
        signer = VapidSigner(load_vapid(settings), subject(settings))
        push = PushChannel(signer, settings.push_endpoint_allow)
        email = EmailChannel(settings.smtp) if settings.smtp is not None else None
        if email is None:
            log.info("email channel off: no SMTP_* settings (prompts go to the inbox and push)")
        return cls(push, email, settings.base_url)

    async def close(self) -> None:
        await self.push.close()


def render_email(to: str, name: str, title: str, body: str, link: str) -> EmailMessageSpec:
    """Plain text and HTML versions of one message; body lines starting "- " become a list."""
    text = "\n".join([f"Hello {name},", "", body, "", link, "", "Afterline"])
    parts: list[str] = [f"<p>Hello {html.escape(name)},</p>"]
    items: list[str] = []
    for line in [*body.splitlines(), ""]:
        if line.startswith("- "):
            items.append(f"<li>{html.escape(line[2:])}</li>")
            continue
        if items:
            parts.append(f"<ul>{''.join(items)}</ul>")
            items = []
        if line.strip():
            parts.append(f"<p>{html.escape(line)}</p>")
    parts.append(f'<p><a href="{html.escape(link, quote=True)}">{html.escape(title)}</a></p>')
    parts.append("<p>Afterline</p>")
    return EmailMessageSpec(to=to, subject=title, text=text, html="".join(parts))
