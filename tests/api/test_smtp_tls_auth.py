"""SMTP login and STARTTLS against a real aiosmtpd server that requires both.

The server offers STARTTLS with a self-signed certificate for 127.0.0.1 and refuses mail
before TLS and AUTH. The test trusts that certificate the way an operator trusts a private
CA (`SSL_CERT_FILE`), so the channel's certificate and host-name checks run as in
production. Also: a certificate nobody trusts, a wrong password, and a server that offers
AUTH but no STARTTLS (what a man in the middle who strips the offer looks like): the
password is then not sent unless SMTP_STARTTLS=false says so.
"""

from __future__ import annotations

import dataclasses
import ssl
from collections.abc import Iterator
from contextlib import aclosing
from pathlib import Path

import pytest

from api.core.settings import SmtpSettings
from api.notifications.channels import EmailChannel, SendResult, render_email
from tests.certificates import make_certificate
from tests.receivers import SmtpSink

# aiosmtpd warns about a server that takes AUTH without TLS: that server is the point here.
pytestmark = pytest.mark.filterwarnings("ignore:Requiring AUTH while not requiring TLS")

LOGIN, PASSWORD = "mailer@clinic.test", "smtp password 1"
SENDER = "clinic@afterline.test"


@pytest.fixture
def certificate(tmp_path: Path) -> tuple[Path, ssl.SSLContext]:
    return make_certificate(tmp_path)


@pytest.fixture
def trusted(certificate: tuple[Path, ssl.SSLContext], monkeypatch: pytest.MonkeyPatch) -> None:
    """The channel's default TLS context trusts the test certificate (and nothing else)."""
    monkeypatch.setenv("SSL_CERT_FILE", str(certificate[0]))
    monkeypatch.delenv("SSL_CERT_DIR", raising=False)


@pytest.fixture
def secure_smtp(certificate: tuple[Path, ssl.SSLContext]) -> Iterator[SmtpSink]:
    """Requires STARTTLS, then AUTH as LOGIN/PASSWORD, before it takes any mail."""
    _, context = certificate
    sink = SmtpSink(tls=context, credentials=(LOGIN, PASSWORD))
    sink.start()
    yield sink
    sink.stop()


@pytest.fixture
def plain_auth_smtp() -> Iterator[SmtpSink]:
    """Offers AUTH with no STARTTLS at all."""
    sink = SmtpSink(credentials=(LOGIN, PASSWORD), allow_plain_auth=True)
    sink.start()
    yield sink
    sink.stop()


def settings(sink: SmtpSink, **overrides: object) -> SmtpSettings:
    base = SmtpSettings(
        host="127.0.0.1", port=sink.port, sender=SENDER, user=LOGIN, password=PASSWORD
    )
    return dataclasses.replace(base, **overrides)  # type: ignore[arg-type]


async def send(smtp: SmtpSettings, *recipients: str) -> list[SendResult]:
    specs = [
        render_email(to, "Pat", "Hello", "Body", "https://afterline.test/#/today")
        for to in recipients
    ]
    results: list[SendResult] = []
    async with aclosing(EmailChannel(smtp).send_each(specs)) as each:
        async for result in each:
            results.append(result)
    assert len(results) == len(specs)
    return results


@pytest.mark.parametrize("starttls", [True, None], ids=["required", "when_offered"])
@pytest.mark.usefixtures("trusted")
async def test_mail_goes_over_starttls_after_login(
    secure_smtp: SmtpSink, starttls: bool | None
) -> None:
    results = await send(settings(secure_smtp, starttls=starttls), "a@x.test", "b@x.test")
    assert [r.outcome for r in results] == ["sent", "sent"]
    assert [(m.recipients, m.tls, m.login) for m in secure_smtp.messages] == [
        (["a@x.test"], True, LOGIN),
        (["b@x.test"], True, LOGIN),
    ]
    assert [(a.login, a.tls) for a in secure_smtp.auth_attempts] == [(LOGIN, True)]


@pytest.mark.usefixtures("trusted")
async def test_a_wrong_password_is_retried_later_and_nothing_is_sent(
    secure_smtp: SmtpSink,
) -> None:
    results = await send(settings(secure_smtp, password="not it"), "a@x.test", "b@x.test")
    assert [r.outcome for r in results] == ["retry", "retry"]
    assert all(r.error and "SMTP server unavailable" in r.error for r in results)
    assert secure_smtp.messages == []
    # aiosmtplib tries each mechanism the server offers (PLAIN, LOGIN), all over TLS.
    assert secure_smtp.auth_attempts
    assert {(a.login, a.tls) for a in secure_smtp.auth_attempts} == {(LOGIN, True)}


@pytest.mark.usefixtures("trusted")
async def test_without_a_login_the_server_refuses_each_message_for_good(
    secure_smtp: SmtpSink,
) -> None:
    results = await send(settings(secure_smtp, user=None, password=None), "a@x.test")
    assert [r.outcome for r in results] == ["give_up"]  # 530: retrying cannot fix it
    assert results[0].error is not None and results[0].error.startswith("SMTP 530")
    assert secure_smtp.messages == []


async def test_an_untrusted_certificate_ends_the_connection_before_the_password(
    secure_smtp: SmtpSink, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """No SSL_CERT_FILE pointing at the test certificate: the system trust store only."""
    (tmp_path / "other").mkdir()
    other, _ = make_certificate(tmp_path / "other")  # a certificate, but not the server's
    monkeypatch.setenv("SSL_CERT_FILE", str(other))
    results = await send(settings(secure_smtp, starttls=True), "a@x.test")
    assert [r.outcome for r in results] == ["retry"]
    assert results[0].error is not None and "CERTIFICATE_VERIFY_FAILED" in results[0].error
    assert secure_smtp.auth_attempts == []
    assert secure_smtp.messages == []


async def test_starttls_required_but_not_offered_sends_nothing(plain_auth_smtp: SmtpSink) -> None:
    results = await send(settings(plain_auth_smtp, starttls=True), "a@x.test")
    assert [r.outcome for r in results] == ["retry"]
    assert plain_auth_smtp.auth_attempts == []
    assert plain_auth_smtp.messages == []


async def test_no_starttls_offer_means_no_password_sent(plain_auth_smtp: SmtpSink) -> None:
    """STARTTLS left unset ("when offered") and none offered: the offer may have been
    stripped on the way, so the password stays here and the batch is retried later."""
    results = await send(settings(plain_auth_smtp, starttls=None), "a@x.test")
    assert [r.outcome for r in results] == ["retry"]
    assert results[0].error is not None and "offered no STARTTLS" in results[0].error
    assert plain_auth_smtp.auth_attempts == []
    assert plain_auth_smtp.messages == []


async def test_smtp_starttls_false_logs_in_unencrypted_because_it_was_asked_to(
    plain_auth_smtp: SmtpSink,
) -> None:
    results = await send(settings(plain_auth_smtp, starttls=False), "a@x.test")
    assert [r.outcome for r in results] == ["sent"]
    assert [(a.login, a.tls) for a in plain_auth_smtp.auth_attempts] == [(LOGIN, False)]
    assert [(m.tls, m.login) for m in plain_auth_smtp.messages] == [(False, LOGIN)]
