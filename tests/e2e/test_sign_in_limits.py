"""Sign-in limits in a real browser: the wait in words, and a known device still gets in.

The account is attacked "from elsewhere" by writing failures from another address straight
into the server's database (15 in the last moment: the next attempt from an unknown browser
must wait 2^5 = 32 s).
"""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect
from sqlalchemy import create_engine, insert

from api.identity.models import LoginFailure
from tests.e2e.steps import sign_in
from tests.e2e.support import CLOCK, Server, allow_console_error, assert_accessible, screenshot


def attack(server: Server, email: str, failures: int = 15) -> None:
    engine = create_engine(f"sqlite:///{server.db_path}")
    now = CLOCK.now()
    rows = [{"email": email, "ip": "203.0.113.9", "failed_at": now} for _ in range(failures)]
    with engine.begin() as conn:
        conn.execute(insert(LoginFailure), rows)
    engine.dispose()


def test_a_held_back_sign_in_says_how_long_to_wait(sized: Page, server: Server) -> None:
    email, password = server.create_practitioner()
    attack(server, email)
    allow_console_error(sized, r"status of 429")  # the browser logs the refused login
    sign_in(sized, email, password)
    alert = sized.get_by_role("alert").filter(has_text="Too many attempts")
    expect(alert).to_have_text(
        re.compile(
            r"Too many attempts to sign in to this account\. "
            r"Please wait (3[0-2]|2\d) seconds and try again\."
        )
    )
    expect(sized).to_have_url(re.compile(r"#/sign-in$"))
    screenshot(sized, f"sign-in-held-back-{sized.size_name}")  # type: ignore[attr-defined]
    assert_accessible(sized, "sign-in, held back")


def test_a_browser_that_signed_in_before_gets_in_while_the_account_is_attacked(
    phone: Page, server: Server
) -> None:
    email, password = server.create_practitioner()
    sign_in(phone, email, password)
    expect(phone).to_have_url(re.compile(r"#/patients$"))
    # Leave the app first: the patient list it shows would otherwise refresh without a
    # session, and that 401 is not what this test is about.
    phone.goto("about:blank")
    phone.context.clear_cookies(name="afterline_session")  # signed out; the device cookie stays
    attack(server, email)
    sign_in(phone, email, password)
    expect(phone).to_have_url(re.compile(r"#/patients$"))
    expect(phone.get_by_role("navigation", name="Main")).to_be_visible()
