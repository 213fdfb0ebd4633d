"""Photos and results, patient side, in a real browser.

A patient four weeks after a session: Today asks how the results are; a photo of an area
goes up through the file picker (the fallback of the guided capture) and shows on Photos;
the second photo of the area is lined up over the first (the faint overlay); with two photos
the before-and-after slider works by keyboard alone; the rating saves and the API has it.
axe-core finds nothing on Photos, the comparison and the rating; screenshots at 390x844 and
1280x800 go to `tests/e2e/artifacts/` (photos-*, photos-compare-*, photos-rating-*).
"""

from __future__ import annotations

import re

from playwright.sync_api import Locator, Page, ViewportSize, expect

from tests.e2e.steps import PATIENT_PASSWORD, patient_with_session, sign_in
from tests.e2e.support import Server, assert_accessible, screenshot
from tests.pictures import phone_jpeg

PHONE_SIZE: ViewportSize = {"width": 390, "height": 844}
AREA = "Left calf"


def no_sideways_scroll(page: Page) -> None:
    overflow = page.evaluate(
        "() => document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    assert overflow <= 0, f"the page scrolls sideways by {overflow}px"


def loaded(image: Locator) -> None:
    """The image came from the server and decoded (not a broken picture)."""
    expect(image).to_be_visible()
    image.evaluate("(img) => img.decode()")
    assert image.evaluate("(img) => img.naturalWidth") > 0


def upload_through_picker(page: Page, name: str) -> None:
    page.get_by_role("link", name=f"Take this week's photo: {AREA}").or_(
        page.get_by_role("link", name=f"Add a photo: {AREA}")
    ).click()
    expect(page.get_by_role("heading", name="Photo of your left calf")).to_be_visible()
    page.get_by_label(re.compile("photo", re.I)).and_(
        page.locator("input[type=file]")
    ).set_input_files({"name": name, "mimeType": "image/jpeg", "buffer": phone_jpeg()})
    expect(page.get_by_role("img", name="The photo you chose")).to_be_visible()
    page.get_by_role("button", name="Save photo").click()
    expect(page.get_by_role("heading", name="Photos", exact=True)).to_be_visible()


def photos_of_area(page: Page) -> Locator:
    return page.get_by_role("list", name="Photos of left calf, newest first").get_by_role(
        "listitem"
    )


def test_photos_comparison_by_keyboard_and_rating(
    phone: Page, desktop: Page, server: Server
) -> None:
    phone.set_viewport_size(PHONE_SIZE)
    me, email = patient_with_session(server, days_ago=28)
    session_id = me.call("GET", "/api/me/sessions")[0]["id"]
    sign_in(phone, email, PATIENT_PASSWORD)
    expect(phone.get_by_role("heading", name="Today", exact=True)).to_be_visible()
    # Four weeks on, Today asks about the results, one link to the rating.
    rate_card = phone.get_by_role("link", name=re.compile("^How are your results?"))
    expect(rate_card).to_have_attribute("href", f"#/rate/{session_id}")

    # Photos: one section per treated area, none with photos yet.
    phone.get_by_role("navigation", name="Main").get_by_role("link", name="Photos").click()
    expect(phone.get_by_role("heading", name=AREA)).to_be_visible()
    expect(phone.get_by_role("heading", name="Right calf")).to_be_visible()
    expect(photos_of_area(phone)).to_have_count(0)

    # The first photo, through the picker.
    upload_through_picker(phone, "first.jpg")
    expect(photos_of_area(phone)).to_have_count(1)
    loaded(photos_of_area(phone).first.get_by_role("img"))
    assert len(me.call("GET", "/api/me/photos")) == 1

    # The second: the first lies faintly over the picture chosen, to line it up.
    phone.get_by_role("link", name=f"Add a photo: {AREA}").click()
    overlay = phone.locator(".capture-stage img.overlay")
    loaded(overlay)
    assert overlay.evaluate("(img) => getComputedStyle(img).opacity") == "0.35"
    phone.get_by_role("link", name="Back to photos").click()
    upload_through_picker(phone, "second.jpg")
    expect(photos_of_area(phone)).to_have_count(2)
    expect(phone.get_by_role("img", name=re.compile(r"^Left calf, first photo"))).to_be_visible()
    expect(phone.get_by_role("img", name=re.compile(r"^Left calf, latest photo"))).to_be_visible()
    no_sideways_scroll(phone)
    assert_accessible(phone, "Photos (phone)")
    screenshot(phone, "photos-phone")

    # Before and after, by keyboard only.
    phone.get_by_role("link", name="Compare before and after").click()
    slider = phone.get_by_role("slider", name="Show before or after")
    after = phone.get_by_role("img", name=re.compile(r"^After: Left calf"))
    loaded(after)
    loaded(phone.get_by_role("img", name=re.compile(r"^Before: Left calf")))
    expect(slider).to_have_value("50")
    clip_at_half = after.evaluate("(img) => getComputedStyle(img).clipPath")
    slider.focus()
    slider.press("ArrowLeft")
    expect(slider).to_have_value("49")
    expect(slider).to_have_attribute("aria-valuetext", "49% after, 51% before")
    assert "51%" in after.evaluate("(img) => getComputedStyle(img).clipPath")
    assert after.evaluate("(img) => getComputedStyle(img).clipPath") != clip_at_half
    frame = phone.locator(".compare-frame").bounding_box()
    divider = phone.locator(".compare-frame .divider")
    assert frame is not None
    slider.press("End")
    expect(slider).to_have_value("100")
    expect(slider).to_have_attribute("aria-valuetext", "After only")
    end_box = divider.bounding_box()
    assert end_box is not None and end_box["x"] > frame["x"] + frame["width"] - 5, (end_box, frame)
    slider.press("Home")
    expect(slider).to_have_value("0")
    expect(slider).to_have_attribute("aria-valuetext", "Before only")
    home_box = divider.bounding_box()
    assert home_box is not None and home_box["x"] < frame["x"] + 5, (home_box, frame)
    slider.press("End")  # back to the after photo for the screenshots
    expect(slider).to_have_value("100")
    no_sideways_scroll(phone)
    assert_accessible(phone, "the comparison (phone)")
    screenshot(phone, "photos-compare-phone")

    # The rating: Save with nothing chosen says so at the question; then it saves.
    phone.goto(f"/#/rate/{session_id}")
    expect(phone.get_by_role("heading", name="How are your results?")).to_be_visible()
    phone.get_by_role("button", name="Save", exact=True).click()
    pgic = phone.get_by_role("group", name="Since your session, how has the treated area changed?")
    expect(pgic.get_by_text("Choose how the area has changed.")).to_be_visible()
    pgic.get_by_role("radio", name="Much improved", exact=True).check()
    phone.get_by_role("group", name=re.compile("^How satisfied")).get_by_role(
        "radio", name="8", exact=True
    ).check()
    phone.get_by_role("button", name="Save", exact=True).click()
    expect(phone.get_by_role("status").filter(has_text="Saved")).to_be_visible()
    rating = me.call("GET", f"/api/me/sessions/{session_id}/rating")
    assert (rating["pgic"], rating["satisfaction"]) == (2, 8), rating
    no_sideways_scroll(phone)
    assert_accessible(phone, "the rating (phone)")
    screenshot(phone, "photos-rating-phone")

    # My recovery shows the results: the photos by day and the patient's own view.
    phone.get_by_role("link", name="See your results").click()
    results = phone.get_by_role("region", name="Your results")
    expect(
        results.get_by_text(re.compile(r"Much improved; satisfaction 8 out of 10"))
    ).to_be_visible()
    expect(results.get_by_role("img")).to_have_count(2)

    # The same screens on a desktop: prefilled rating, nothing cut off.
    sign_in(desktop, email, PATIENT_PASSWORD)
    expect(desktop.get_by_role("heading", name="Today", exact=True)).to_be_visible()
    desktop.goto("/#/photos")
    expect(photos_of_area(desktop)).to_have_count(2)
    no_sideways_scroll(desktop)
    assert_accessible(desktop, "Photos (desktop)")
    screenshot(desktop, "photos-desktop")
    desktop.get_by_role("link", name="Compare before and after").click()
    loaded(desktop.get_by_role("img", name=re.compile(r"^After: Left calf")))
    assert_accessible(desktop, "the comparison (desktop)")
    screenshot(desktop, "photos-compare-desktop")
    desktop.goto(f"/#/rate/{session_id}")
    expect(desktop.get_by_role("radio", name="Much improved", exact=True)).to_be_checked()
    expect(desktop.get_by_role("radio", name="8", exact=True)).to_be_checked()
    assert_accessible(desktop, "the rating (desktop)")
    screenshot(desktop, "photos-rating-desktop")
    me.close()
