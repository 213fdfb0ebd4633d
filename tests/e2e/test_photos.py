"""Photos and results, patient side, in a real browser.

A patient four weeks after a session: Today asks how the results are and for this week's
photo (one card each); a photo of an area goes up through the file picker (the fallback of
the guided capture) and shows on Photos; the second photo of the area is lined up over the
first (the faint overlay); with two photos Photos shows the first beside the latest, each
once, and the before-and-after slider works by keyboard alone; the rating saves and the API
has it; My recovery shows the clinic's review beside the patient's own view; a photo is
deleted after a question in the page, and is gone from the screen and the API.
axe-core finds nothing on any of these screens; screenshots at 390x844 and 1280x800 go to
`tests/e2e/artifacts/` (photos-today-*, photos-*, photos-capture-*, photos-compare-*,
photos-rating-*, photos-recovery-*, photos-three-phone).
"""

from __future__ import annotations

import io
import re
from typing import Any

from PIL import Image, ImageDraw
from playwright.sync_api import Locator, Page, ViewportSize, expect

from tests.e2e.steps import PATIENT_PASSWORD, local_today, patient_with_session, sign_in
from tests.e2e.support import PASSWORD, ApiClient, Server, assert_accessible, screenshot
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


def checked(page: Page, where: str, name: str) -> None:
    """Nothing scrolls sideways, axe-core finds nothing, and the screenshot is written."""
    no_sideways_scroll(page)
    assert_accessible(page, where)
    screenshot(page, name)


def framed_differently() -> bytes:
    """The same two-tone leg, framed a little to the left: the overlay shows the difference."""
    picture = Image.new("RGB", (400, 200), (200, 30, 30))
    ImageDraw.Draw(picture).rectangle((150, 0, 400, 200), fill=(30, 30, 200))
    out = io.BytesIO()
    picture.save(out, "JPEG", quality=90)
    return out.getvalue()


def choose_picture(page: Page, name: str, picture: bytes | None = None) -> None:
    """On the capture screen: a picture through the picker, shown under the overlay."""
    expect(page.get_by_role("heading", name="Photo of your left calf")).to_be_visible()
    page.get_by_label(re.compile("photo", re.I)).and_(
        page.locator("input[type=file]")
    ).set_input_files({"name": name, "mimeType": "image/jpeg", "buffer": picture or phone_jpeg()})
    expect(page.get_by_role("img", name="The photo you chose")).to_be_visible()


def save_picture(page: Page) -> None:
    page.get_by_role("button", name="Save photo").click()
    expect(page.get_by_role("heading", name="Photos", exact=True)).to_be_visible()


def open_capture(page: Page) -> None:
    page.get_by_role("link", name=f"Take this week's photo: {AREA}").or_(
        page.get_by_role("link", name=f"Add a photo: {AREA}")
    ).click()


def area_section(page: Page) -> Locator:
    return page.get_by_role("region", name=AREA, exact=True)


def photos_of_area(page: Page) -> Locator:
    """Every photo of the area on Photos (each is shown once, wherever it sits)."""
    return area_section(page).get_by_role("listitem")


def add_photo_by_api(me: ApiClient) -> dict[str, Any]:
    response = me.http.post(
        "/api/me/photos",
        files={"file": ("third.jpg", phone_jpeg(), "image/jpeg")},
        data={"area": "leg_left_calf"},
        headers=me._headers(),
    )
    assert response.status_code == 201, response.text
    photo: dict[str, Any] = response.json()
    return photo


def test_photos_comparison_by_keyboard_and_rating(
    phone: Page, desktop: Page, server: Server
) -> None:
    phone.set_viewport_size(PHONE_SIZE)
    me, email = patient_with_session(server, days_ago=28)
    session_id = me.call("GET", "/api/me/sessions")[0]["id"]
    today = me.call("GET", "/api/me/today")
    assert today["photo_due"] is True and today["rating_due"]["session_id"] == session_id, today

    # Four weeks on, with no photo yet, Today asks about the results and for this week's
    # photo: one card each, after the check-in.
    for page, size in ((phone, "phone"), (desktop, "desktop")):
        sign_in(page, email, PATIENT_PASSWORD)
        expect(page.get_by_role("heading", name="Today", exact=True)).to_be_visible()
        rate_card = page.get_by_role("link", name=re.compile("^How are your results?"))
        expect(rate_card).to_have_attribute("href", f"#/rate/{session_id}")
        photo_card = page.get_by_role("link", name=re.compile("^Take this week's photo"))
        expect(photo_card).to_have_attribute("href", "#/photos")
        checked(page, f"Today with the results cards ({size})", f"photos-today-{size}")

    # Photos: one section per treated area, none with photos yet.
    phone.get_by_role("link", name=re.compile("^Take this week's photo")).click()
    expect(phone.get_by_role("heading", name=AREA)).to_be_visible()
    expect(phone.get_by_role("heading", name="Right calf")).to_be_visible()
    expect(photos_of_area(phone)).to_have_count(0)

    # The first photo, through the picker.
    open_capture(phone)
    choose_picture(phone, "first.jpg")
    save_picture(phone)
    expect(photos_of_area(phone)).to_have_count(1)
    loaded(photos_of_area(phone).first.get_by_role("img"))
    assert len(me.call("GET", "/api/me/photos")) == 1

    # The second: the first lies faintly over the picture chosen, to line it up.
    open_capture(phone)
    overlay = phone.locator(".capture-stage img.overlay")
    loaded(overlay)
    assert overlay.evaluate("(img) => getComputedStyle(img).opacity") == "0.35"
    choose_picture(phone, "second.jpg", framed_differently())
    expect(overlay).to_be_visible()
    expect(phone.get_by_text("Line up the faint picture of your last photo")).to_be_visible()
    checked(phone, "the capture with the last photo over it (phone)", "photos-capture-phone")
    save_picture(phone)
    # Two photos: the first beside the latest, each shown once (no list repeating them).
    pair = area_section(phone).get_by_role("list", name="First and latest photos of left calf")
    expect(pair.get_by_role("listitem")).to_have_count(2)
    expect(photos_of_area(phone)).to_have_count(2)
    expect(area_section(phone).get_by_role("img")).to_have_count(2)
    expect(phone.get_by_role("img", name=re.compile(r"^Left calf, first photo"))).to_be_visible()
    expect(phone.get_by_role("img", name=re.compile(r"^Left calf, latest photo"))).to_be_visible()
    checked(phone, "Photos (phone)", "photos-phone")

    # Before and after, by keyboard only.
    phone.get_by_role("link", name="Compare before and after").click()
    # The before photo left of the line, the after photo right of it; the line follows the
    # slider's value.
    slider = phone.get_by_role("slider", name="Show before or after")
    before = phone.get_by_role("img", name=re.compile(r"^Before: Left calf"))
    loaded(before)
    loaded(phone.get_by_role("img", name=re.compile(r"^After: Left calf")))
    expect(slider).to_have_value("50")
    clip_at_half = before.evaluate("(img) => getComputedStyle(img).clipPath")
    slider.focus()
    slider.press("ArrowLeft")
    expect(slider).to_have_value("49")
    expect(slider).to_have_attribute("aria-valuetext", "49% before, 51% after")
    assert "51%" in before.evaluate("(img) => getComputedStyle(img).clipPath")
    assert before.evaluate("(img) => getComputedStyle(img).clipPath") != clip_at_half
    frame = phone.locator(".compare-frame").bounding_box()
    divider = phone.locator(".compare-frame .divider")
    assert frame is not None
    slider.press("End")
    expect(slider).to_have_value("100")
    expect(slider).to_have_attribute("aria-valuetext", "Before only")
    end_box = divider.bounding_box()
    assert end_box is not None and end_box["x"] > frame["x"] + frame["width"] - 5, (end_box, frame)
    slider.press("Home")
    expect(slider).to_have_value("0")
    expect(slider).to_have_attribute("aria-valuetext", "After only")
    home_box = divider.bounding_box()
    assert home_box is not None and home_box["x"] < frame["x"] + 5, (home_box, frame)
    # The labels sit under the photo they name: Before on the left, After on the right.
    tags = phone.locator(".compare-frame .tag")
    before_tag, after_tag = tags.nth(0).bounding_box(), tags.nth(1).bounding_box()
    assert before_tag and after_tag and before_tag["x"] < after_tag["x"], (before_tag, after_tag)
    expect(tags).to_have_text(["Before", "After"])
    slider.fill("50")  # half and half for the screenshots
    expect(slider).to_have_attribute("aria-valuetext", "50% before, 50% after")
    checked(phone, "the comparison (phone)", "photos-compare-phone")

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
    checked(phone, "the rating (phone)", "photos-rating-phone")

    # The clinic records its review; My recovery shows it beside the patient's own view,
    # and the photos by day.
    clinic = ApiClient(server.base_url).sign_in("dr.ward@example.org", PASSWORD)
    said = clinic.call("GET", "/api/vocabulary")
    outcome = {
        "assessed_on": local_today().isoformat(),
        "clearance": "good",
        "hyperpigmentation": 1,
        "matting": False,
        "trapped_blood_drained": False,
        "ulceration": False,
        "notes": None,
    }
    clinic.call("PUT", f"/api/sessions/{session_id}/outcome", outcome)
    clinic.close()
    phone.get_by_role("link", name="See your results").click()
    results = phone.get_by_role("region", name="Your results")
    expect(
        results.get_by_text(re.compile(r"Much improved; satisfaction 8 out of 10"))
    ).to_be_visible()
    expect(results.get_by_text(said["clearance"]["good"])).to_be_visible()
    expect(results.get_by_role("img")).to_have_count(2)
    for image in results.get_by_role("img").all():
        loaded(image)
    checked(phone, "My recovery with results (phone)", "photos-recovery-phone")

    # The same screens on a desktop: prefilled rating, nothing cut off.
    desktop.goto("/#/photos")
    expect(photos_of_area(desktop)).to_have_count(2)
    pair_box = area_section(desktop).get_by_role("img").first.bounding_box()
    assert pair_box is not None and pair_box["width"] <= 300, f"the pair is too large: {pair_box}"
    checked(desktop, "Photos (desktop)", "photos-desktop")
    open_capture(desktop)
    loaded(desktop.locator(".capture-stage img.overlay"))
    choose_picture(desktop, "third.jpg", framed_differently())
    checked(desktop, "the capture with the last photo over it (desktop)", "photos-capture-desktop")
    desktop.get_by_role("link", name="Back to photos").click()
    desktop.get_by_role("link", name="Compare before and after").click()
    loaded(desktop.get_by_role("img", name=re.compile(r"^After: Left calf")))
    checked(desktop, "the comparison (desktop)", "photos-compare-desktop")
    desktop.goto(f"/#/rate/{session_id}")
    expect(desktop.get_by_role("radio", name="Much improved", exact=True)).to_be_checked()
    expect(desktop.get_by_role("radio", name="8", exact=True)).to_be_checked()
    checked(desktop, "the rating (desktop)", "photos-rating-desktop")
    desktop.goto("/#/recovery")
    results = desktop.get_by_role("region", name="Your results")
    expect(results.get_by_text(said["clearance"]["good"])).to_be_visible()
    expect(
        results.get_by_text(re.compile(r"Much improved; satisfaction 8 out of 10"))
    ).to_be_visible()
    for image in results.get_by_role("img").all():
        loaded(image)
    checked(desktop, "My recovery with results (desktop)", "photos-recovery-desktop")
    assert len(me.call("GET", "/api/me/photos")) == 2, "leaving the capture screen saved a photo"

    # A third photo sits between the first and the latest; then the patient deletes the
    # latest one: a question in the page first (Keep changes nothing), then it is gone.
    third = add_photo_by_api(me)
    phone.goto("/#/photos")
    expect(photos_of_area(phone)).to_have_count(3)
    between = area_section(phone).get_by_role("list", name=re.compile("in between"))
    expect(between.get_by_role("listitem")).to_have_count(1)
    latest = pair.locator(f"[data-photo='{third['id']}']")
    expect(latest.get_by_text("Latest", exact=True)).to_be_visible()
    latest.get_by_role("button", name=re.compile("^Delete latest photo of ")).click()
    question = latest.get_by_text("Delete this photo?")
    expect(question).to_be_focused()
    checked(phone, "Photos asking before a delete (phone)", "photos-three-phone")
    latest.get_by_role("button", name="Keep", exact=True).click()
    expect(question).to_have_count(0)
    expect(latest.get_by_role("button", name=re.compile("^Delete latest photo"))).to_be_focused()
    assert len(me.call("GET", "/api/me/photos")) == 3, "Keep deleted the photo"
    latest.get_by_role("button", name=re.compile("^Delete latest photo")).click()
    latest.get_by_role("button", name="Delete", exact=True).click()
    expect(phone.get_by_role("status").filter(has_text="deleted")).to_have_text(
        re.compile(r"^Photo of .+ deleted\.$")
    )
    expect(phone.locator(f"[data-photo='{third['id']}']")).to_have_count(0)
    expect(photos_of_area(phone)).to_have_count(2)
    expect(area_section(phone).get_by_role("list", name=re.compile("in between"))).to_have_count(0)
    expect(phone.get_by_role("heading", name=AREA)).to_be_focused()
    left = [photo["id"] for photo in me.call("GET", "/api/me/photos")]
    assert len(left) == 2 and third["id"] not in left, left
    assert_accessible(phone, "Photos after a delete (phone)")
    me.close()
