"""Passkeys in a real browser: adding one in Account and security, signing in with it alone
(no email, no password), a passkey the server no longer knows, and a server reached by an IP
address, where passkeys cannot work.

Chromium's virtual authenticator (DevTools protocol, `WebAuthn` domain) stands in for the
phone's fingerprint reader: it holds the passkeys it makes and verifies the user at once.
WebAuthn needs a domain name, so these servers are reached as `localhost` (`by_name`), except
the one that shows what happens when they are not.
"""

from __future__ import annotations

import re
from typing import Any

import pytest
from playwright.sync_api import CDPSession, Page, expect

from tests.e2e import conftest as e2e_conftest
from tests.e2e.steps import open_account, sign_in, sign_out
from tests.e2e.support import ApiClient, Server, allow_console_error, screens
from tests.serving import server_env

REFUSED = "That passkey was not accepted; try again, or sign in with your password."
NO_DOMAIN = "Passkeys need the server to be reached by a domain name (such as localhost)."


def virtual_authenticator(page: Page, **options: Any) -> tuple[CDPSession, str]:
    """A platform authenticator that makes discoverable passkeys and verifies its user at
    once (a fingerprint that always matches); (the DevTools session, its id)."""
    cdp = page.context.new_cdp_session(page)
    cdp.send("WebAuthn.enable")
    added = cdp.send(
        "WebAuthn.addVirtualAuthenticator",
        {
            "options": {
                "protocol": "ctap2",
                "transport": "internal",
                "hasResidentKey": True,
                "hasUserVerification": True,
                "isUserVerified": True,
                "automaticPresenceSimulation": True,
                **options,
            }
        },
    )
    return cdp, added["authenticatorId"]


def held(cdp: CDPSession, authenticator: str) -> list[dict[str, Any]]:
    """The passkeys the virtual authenticator holds."""
    return cdp.send("WebAuthn.getCredentials", {"authenticatorId": authenticator})["credentials"]


def passkeys_of(server: Server, email: str, password: str) -> list[dict[str, Any]]:
    client = ApiClient(server.base_url).sign_in(email, password)
    try:
        return client.call("GET", "/api/auth/passkeys")
    finally:
        client.close()


@pytest.mark.by_name
def test_a_practitioner_adds_a_passkey_and_signs_in_with_it_alone(
    desktop: Page, server: Server
) -> None:
    page = desktop
    assert server.base_url.startswith("http://localhost:"), server.base_url
    cdp, authenticator = virtual_authenticator(page)
    email, password = server.create_practitioner()
    sign_in(page, email, password)
    expect(page).to_have_url(re.compile(r"#/patients$"))

    open_account(page)
    passkeys = page.get_by_role("region", name="Passkeys")
    expect(passkeys).to_contain_text(
        "Sign in with your fingerprint, face or phone screen lock instead of your password."
    )
    expect(passkeys.get_by_text("You have not added a passkey yet.")).to_be_visible()
    expect(passkeys.get_by_role("listitem")).to_have_count(0)
    screens(page, "passkeys-none")

    passkeys.get_by_role("button", name="Add a passkey").click()
    expect(passkeys.get_by_role("status")).to_have_text(
        "Passkey added (Chrome on Linux). Next time, choose “Sign in with a passkey” on the "
        "sign-in page."
    )
    rows = passkeys.get_by_role("listitem")
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text("Chrome on Linux")
    expect(rows.first).to_contain_text(
        re.compile(r"Added \d{1,2} [A-Z][a-z]{2}, not used to sign in yet")
    )
    expect(passkeys.get_by_text("You have not added a passkey yet.")).to_be_hidden()
    screens(page, "passkeys-added")
    # The server keeps it, and the authenticator holds it as a discoverable passkey.
    kept = passkeys_of(server, email, password)
    assert [p["name"] for p in kept] == ["Chrome on Linux"], kept
    credentials = held(cdp, authenticator)
    assert len(credentials) == 1 and credentials[0]["isResidentCredential"], credentials

    # Signed out, then back in with the passkey: nothing typed.
    sign_out(page)
    button = page.get_by_role("button", name="Sign in with a passkey")
    expect(button).to_be_visible()
    screens(page, "sign-in-with-passkey")
    button.click()
    expect(page).to_have_url(re.compile(r"#/patients$"))
    expect(page.get_by_role("navigation", name="Main")).to_be_visible()
    open_account(page)
    row = page.get_by_role("region", name="Passkeys").get_by_role("listitem")
    expect(row).to_contain_text(re.compile(r"last used just now"))
    # The browser it signed in on is listed like any other, and the passkey counted as used.
    expect(page.get_by_role("region", name="Signed-in devices")).to_contain_text("this device")
    assert passkeys_of(server, email, password)[0]["last_used_at"] is not None


@pytest.mark.by_name
def test_a_removed_passkey_no_longer_signs_in(desktop: Page, server: Server) -> None:
    page = desktop
    cdp, authenticator = virtual_authenticator(page)
    email, password = server.create_practitioner()
    sign_in(page, email, password)
    expect(page).to_have_url(re.compile(r"#/patients$"))
    open_account(page)
    passkeys = page.get_by_role("region", name="Passkeys")
    passkeys.get_by_role("button", name="Add a passkey").click()
    expect(passkeys.get_by_role("listitem")).to_have_count(1)

    passkeys.get_by_role("button", name=re.compile(r"^Remove the passkey Chrome on Linux")).click()
    expect(passkeys.get_by_role("status")).to_contain_text(
        "Removed the passkey Chrome on Linux. It can no longer sign you in"
    )
    expect(passkeys.get_by_role("listitem")).to_have_count(0)
    expect(passkeys.get_by_text("You have not added a passkey yet.")).to_be_visible()
    screens(page, "passkeys-removed")
    assert passkeys_of(server, email, password) == []

    # The phone still holds it; the server refuses it, and the page stays on Sign in.
    assert len(held(cdp, authenticator)) == 1
    sign_out(page)
    allow_console_error(page, r"status of 422")
    page.get_by_role("button", name="Sign in with a passkey").click()
    expect(page.get_by_role("alert").filter(has_text=REFUSED)).to_be_visible()
    expect(page).to_have_url(re.compile(r"#/sign-in$"))
    expect(page.get_by_role("heading", name="Sign in", level=1)).to_be_visible()
    expect(page.get_by_role("navigation", name="Main")).to_have_count(0)
    expect(page.get_by_role("button", name="Sign in with a passkey")).to_be_enabled()
    screens(page, "sign-in-passkey-refused")
    # The password still works.
    sign_in(page, email, password)
    expect(page).to_have_url(re.compile(r"#/patients$"))


@pytest.mark.by_name
def test_a_passkey_prompt_that_fails_is_said_quietly(phone: Page, server: Server) -> None:
    """The user does not pass the device's check (here: the virtual fingerprint fails), which
    the browser reports as it does a closed prompt: said quietly, on the sign-in page."""
    page = phone
    cdp, authenticator = virtual_authenticator(page)
    email, password = server.create_practitioner()
    sign_in(page, email, password)
    expect(page).to_have_url(re.compile(r"#/patients$"))
    open_account(page)
    passkeys = page.get_by_role("region", name="Passkeys")
    passkeys.get_by_role("button", name="Add a passkey").click()
    expect(passkeys.get_by_role("listitem")).to_have_count(1)
    sign_out(page)

    cdp.send(
        "WebAuthn.setUserVerified", {"authenticatorId": authenticator, "isUserVerified": False}
    )
    page.get_by_role("button", name="Sign in with a passkey").click()
    said = page.get_by_role("status").filter(has_text="Passkey sign-in was cancelled.")
    expect(said).to_be_visible()
    expect(page.locator(".passkey-sign-in [role=alert]")).to_have_text("")
    expect(page).to_have_url(re.compile(r"#/sign-in$"))
    screens(page, "sign-in-passkey-cancelled")


def test_passkeys_need_a_domain_name(desktop: Page, server: Server) -> None:
    """Reached by an IP address (as the other browser tests are), no passkey can be made:
    the sign-in page offers none and Account and security says why. A server that is itself
    configured with an IP address (AFTERLINE_BASE_URL) but reached here by name refuses
    them (409): the page says so plainly and takes the button away."""
    page = desktop
    assert server.base_url.startswith("http://127.0.0.1:"), server.base_url
    page.goto("/#/sign-in")
    expect(page.get_by_role("button", name="Sign in", exact=True)).to_be_visible()
    expect(page.get_by_role("button", name="Sign in with a passkey")).to_have_count(0)
    email, password = server.create_practitioner()
    sign_in(page, email, password)
    expect(page).to_have_url(re.compile(r"#/patients$"))
    open_account(page)
    passkeys = page.get_by_role("region", name="Passkeys")
    expect(passkeys).to_contain_text(NO_DOMAIN)
    expect(passkeys.get_by_role("button", name="Add a passkey")).to_have_count(0)
    screens(page, "passkeys-no-domain")

    # The same server by name: the browser would make a passkey, the server refuses.
    by_name = server.base_url.replace("127.0.0.1", "localhost")
    allow_console_error(page, r"status of 409")
    page.goto(f"{by_name}/#/sign-in")
    page.get_by_role("button", name="Sign in with a passkey").click()
    expect(page.get_by_role("alert").filter(has_text=NO_DOMAIN)).to_be_visible()
    expect(page.get_by_role("button", name="Sign in with a passkey")).to_be_hidden()
    page.get_by_label("Email").fill(email)  # on this page: steps.sign_in would go by address
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in", exact=True).click()
    expect(page).to_have_url(re.compile(r"^http://localhost:\d+/#/patients$"))
    open_account(page)
    passkeys = page.get_by_role("region", name="Passkeys")
    passkeys.get_by_role("button", name="Add a passkey").click()
    expect(passkeys.get_by_role("alert")).to_have_text(NO_DOMAIN)
    expect(passkeys.get_by_role("button", name="Add a passkey")).to_be_hidden()


class TestWhereTheClinicRequiresTwoStepSignIn:
    """AFTERLINE_REQUIRE_SECOND_FACTOR=1: a passkey does instead of the authenticator app."""

    @pytest.fixture(autouse=True)
    def _required(self, monkeypatch: pytest.MonkeyPatch) -> None:
        def strict_env(*args: Any, **extra: str) -> dict[str, str]:
            return server_env(*args, AFTERLINE_REQUIRE_SECOND_FACTOR="1", **extra)

        monkeypatch.setattr(e2e_conftest, "server_env", strict_env)

    @pytest.mark.by_name
    def test_a_practitioner_uses_a_passkey_instead_of_the_app(
        self, desktop: Page, server: Server
    ) -> None:
        page = desktop
        virtual_authenticator(page)
        email, password = server.create_practitioner()
        sign_in(page, email, password)
        expect(page).to_have_url(re.compile(r"#/sign-in/set-up-two-step$"))
        instead = page.get_by_role("region", name="Use a passkey instead")
        expect(instead).to_be_visible()
        # The app's steps are there too, for whoever prefers them.
        expect(page.locator(".secret code")).to_have_text(re.compile(r"[A-Z2-7]{4} "))
        screens(page, "enrolment-passkey")
        instead.get_by_role("button", name="Add a passkey").click()
        expect(page).to_have_url(re.compile(r"#/patients$"))
        expect(page.get_by_role("navigation", name="Main")).to_be_visible()
        assert [p["name"] for p in passkeys_of_signed_in(page)] == ["Chrome on Linux"]

        # Next time the password asks for set-up again; the passkey signs in on its own.
        sign_out(page)
        sign_in(page, email, password)
        expect(page).to_have_url(re.compile(r"#/sign-in/set-up-two-step$"))
        page.get_by_role("region", name="Use a passkey instead").get_by_role(
            "button", name="Sign in with your passkey"
        ).click()
        expect(page).to_have_url(re.compile(r"#/patients$"))


def passkeys_of_signed_in(page: Page) -> list[dict[str, Any]]:
    """GET /api/auth/passkeys with the page's own session."""
    response = page.request.get("/api/auth/passkeys")
    assert response.ok, response.text()
    return response.json()
