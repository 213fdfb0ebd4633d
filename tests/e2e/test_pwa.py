"""The PWA basics in a real browser: service worker, manifest, sign-in, offline shell.

SQLite only, whatever `AFTERLINE_TEST_DATABASE_URL` says: see `conftest.py`.
"""

from __future__ import annotations

import re
from urllib.parse import urljoin

from playwright.sync_api import Page, expect

from tests.e2e.support import (
    Server,
    allow_console_error,
    png_size,
    screenshot,
    wait_for_service_worker_control,
)


def test_service_worker_registers_and_manifest_is_valid(phone: Page, server: Server) -> None:
    phone.goto("/#/sign-in")
    expect(phone.get_by_role("heading", name="Sign in")).to_be_visible()

    scope = phone.evaluate("async () => (await navigator.serviceWorker.ready).scope")
    assert scope == f"{server.base_url}/"
    phone.reload()
    phone.wait_for_function("() => navigator.serviceWorker.controller !== null")
    script = phone.evaluate("() => navigator.serviceWorker.controller.scriptURL")
    assert script == f"{server.base_url}/sw.js"

    link = phone.locator("link[rel=manifest]")
    expect(link).to_have_count(1)
    manifest_url = urljoin(server.base_url + "/", link.get_attribute("href") or "")
    assert manifest_url == f"{server.base_url}/manifest.webmanifest"

    response = phone.request.get(manifest_url)
    assert response.ok, response.status
    manifest = response.json()
    assert manifest["name"] == "Afterline"
    assert manifest["short_name"] == "Afterline"
    assert manifest["display"] == "standalone"
    assert re.fullmatch(r"#[0-9a-fA-F]{6}", manifest["theme_color"])
    start_url = urljoin(manifest_url, manifest["start_url"])
    assert start_url.startswith(urljoin(manifest_url, manifest.get("scope", "/")))

    icons = manifest["icons"]
    assert {icon["sizes"] for icon in icons} >= {"192x192", "512x512"}
    assert any("maskable" in icon.get("purpose", "any").split() for icon in icons)
    for icon in icons:
        icon_response = phone.request.get(urljoin(manifest_url, icon["src"]))
        assert icon_response.ok, f"{icon['src']}: {icon_response.status}"
        assert icon_response.headers["content-type"].startswith("image/png"), icon["src"]
        width, height = png_size(icon_response.body())
        assert f"{width}x{height}" == icon["sizes"], icon["src"]


def test_sign_in_screen_has_labelled_fields_and_rejects_a_wrong_password(
    phone: Page, server: Server
) -> None:
    email, _ = server.create_practitioner()
    allow_console_error(phone, r"status of 401")  # the browser logs the login's 401
    phone.goto("/#/sign-in")
    expect(phone.get_by_role("heading", name="Sign in")).to_be_visible()
    email_field = phone.get_by_label("Email")
    password_field = phone.get_by_label("Password")
    expect(email_field).to_have_attribute("type", "email")
    expect(password_field).to_have_attribute("type", "password")

    email_field.fill(email)
    password_field.fill("not the password at all")
    phone.get_by_role("button", name="Sign in").click()
    expect(phone.get_by_role("alert").filter(has_text="incorrect")).to_be_visible()
    expect(phone).to_have_url(re.compile(r"#/sign-in$"))


def test_practitioner_created_with_the_cli_signs_in(phone: Page, server: Server) -> None:
    email, password = server.create_practitioner()
    phone.goto("/#/sign-in")
    phone.get_by_label("Email").fill(email)
    phone.get_by_label("Password").fill(password)
    phone.get_by_role("button", name="Sign in").click()
    expect(phone).to_have_url(re.compile(r"#/patients$"))
    nav = phone.get_by_role("navigation", name="Main")
    expect(nav.get_by_role("link", name="Patients")).to_be_visible()
    nav.get_by_role("button", name="More").click()
    expect(nav.get_by_role("button", name="Sign out")).to_be_visible()


def test_app_shell_opens_offline_after_the_first_visit(phone: Page, server: Server) -> None:
    phone.goto("/#/sign-in")
    expect(phone.get_by_role("heading", name="Sign in")).to_be_visible()
    wait_for_service_worker_control(phone)

    phone.context.set_offline(True)
    phone.reload()
    expect(phone.get_by_role("heading", name="Sign in")).to_be_visible()
    expect(phone.locator("header .brand")).to_have_text("Afterline")
    expect(phone.get_by_role("status").filter(has_text="You are offline")).to_be_visible()
    # Every asset came from the precache: nothing needed the network.
    assert phone.evaluate("() => navigator.onLine") is False


def test_sign_in_screenshots(phone: Page, desktop: Page, server: Server) -> None:
    for name, page in (("phone", phone), ("desktop", desktop)):
        page.goto("/#/sign-in")
        expect(page.get_by_role("button", name="Sign in")).to_be_visible()
        page.evaluate("() => document.fonts.ready")
        screenshot(page, f"sign-in-{name}")
