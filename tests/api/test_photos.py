"""Photos of treated areas: re-encoded without metadata, sealed at rest, shown only to their
patient and the patient's clinic."""

from __future__ import annotations

import io
import uuid
from datetime import date, timedelta
from typing import Any

import pytest
from PIL import Image
from sqlalchemy import func, select

from api.audit.models import AuditEvent
from api.core.db import Database
from api.photos.models import Photo, PhotoImage
from tests.conftest import START, ApiClient, World
from tests.pictures import CAMERA, encoded, phone_jpeg, png_bomb

SESSION_DAY = date(2026, 3, 3)


def form(picture: bytes, area: str = "leg_left_calf", **fields: str) -> dict[str, Any]:
    return {
        "files": {"file": ("photo.jpg", picture, "image/jpeg")},
        "data": {"area": area, **fields},
    }


async def upload(client: ApiClient, picture: bytes, url: str = "/api/me/photos", **kw: str) -> Any:
    return await client.post(url, **form(picture, **kw))


async def image(client: ApiClient, photo_id: str, size: str = "full") -> Any:
    return await client.get(f"/api/photos/{photo_id}/image", params={"size": size})


@pytest.fixture
async def clinic(world: World) -> tuple[ApiClient, str, ApiClient]:
    practitioner = await world.practitioner()
    patient_id, patient = await world.patient(practitioner, sessions=(SESSION_DAY,))
    return practitioner, patient_id, patient


async def count(db: Database, model: Any) -> int:
    async with db.read() as conn:
        return int(await conn.scalar(select(func.count()).select_from(model)))


async def test_a_phone_photo_comes_back_with_no_metadata(clinic: Any) -> None:
    _, _, patient = clinic
    sent = phone_jpeg()
    assert CAMERA in sent  # the camera's name is in the upload
    assert Image.open(io.BytesIO(sent)).getexif().get_ifd(0x8825), "the upload carries GPS"
    created = await upload(patient, sent, taken_at=START.isoformat())
    assert created.status_code == 201, created.text
    body = created.json()
    assert body["area"] == "leg_left_calf"
    assert (body["width"], body["height"]) == (400, 200)
    stored = await image(patient, body["id"])
    assert stored.status_code == 200
    assert stored.headers["content-type"] == "image/jpeg"
    assert "no-store" in stored.headers["cache-control"]
    assert CAMERA not in stored.content
    picture = Image.open(io.BytesIO(stored.content))
    assert dict(picture.getexif()) == {}
    assert not {"exif", "icc_profile", "xmp", "XML:com.adobe.xmp"} & set(picture.info)
    assert b"Exif\x00\x00" not in stored.content


async def test_a_turned_phone_photo_is_stored_upright(clinic: Any) -> None:
    _, _, patient = clinic
    # Orientation 6: shot with the phone turned; shown rotated 90° clockwise, the red left
    # half of the sensor image is at the top.
    created = await upload(patient, phone_jpeg(orientation=6))
    assert created.status_code == 201, created.text
    assert (created.json()["width"], created.json()["height"]) == (200, 400)
    picture = Image.open(io.BytesIO((await image(patient, created.json()["id"])).content))
    assert picture.size == (200, 400)
    top, bottom = picture.getpixel((100, 50)), picture.getpixel((100, 350))
    assert top[0] > 150 and top[2] < 80, top  # red
    assert bottom[2] > 150 and bottom[0] < 80, bottom  # blue


@pytest.mark.parametrize("format_", ["PNG", "WEBP", "HEIF"])
async def test_png_webp_and_iphone_heic_are_accepted(clinic: Any, format_: str) -> None:
    _, _, patient = clinic
    created = await upload(patient, encoded(format_))
    assert created.status_code == 201, created.text
    stored = await image(patient, created.json()["id"])
    assert stored.content[:3] == b"\xff\xd8\xff"  # every stored picture is a fresh JPEG


async def test_large_pictures_are_scaled_and_thumbnailed(clinic: Any) -> None:
    _, _, patient = clinic
    created = await upload(patient, phone_jpeg(size=(3000, 1500)))
    assert created.status_code == 201, created.text
    assert (created.json()["width"], created.json()["height"]) == (2048, 1024)
    thumb = Image.open(io.BytesIO((await image(patient, created.json()["id"], "thumb")).content))
    assert max(thumb.size) == 480


@pytest.mark.parametrize(
    ("picture", "says"),
    [
        (b"%PDF-1.7 not a picture at all", "is not a JPEG, PNG, WebP or HEIC image"),
        (phone_jpeg()[:600], "is damaged"),
        (png_bomb(), "too many pixels"),
        (b"", "is empty"),
    ],
    ids=["not-an-image", "truncated", "bomb", "empty"],
)
async def test_what_is_not_a_readable_picture_is_a_422_naming_file(
    clinic: Any, db: Database, picture: bytes, says: str
) -> None:
    _, _, patient = clinic
    refused = await upload(patient, picture)
    assert refused.status_code == 422, refused.text
    assert refused.json()["field"] == "file"
    assert says in refused.json()["detail"]
    assert await count(db, Photo) == 0 and await count(db, PhotoImage) == 0


async def test_a_16_mb_upload_is_a_413_and_nothing_is_stored(clinic: Any, db: Database) -> None:
    _, _, patient = clinic
    refused = await upload(patient, phone_jpeg() + bytes(16 * 1024 * 1024))
    assert refused.status_code == 413, refused.text
    assert await count(db, Photo) == 0


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"area": "left_elbow"}, "area"),
        ({"taken_at": (START + timedelta(days=2)).isoformat()}, "taken_at"),
        ({"taken_at": "yesterday"}, "taken_at"),
        ({"taken_at": "2026-03-01T09:00:00"}, "taken_at"),
    ],
)
async def test_bad_form_fields_are_422s_naming_them(
    clinic: Any, db: Database, fields: dict[str, str], field: str
) -> None:
    _, _, patient = clinic
    refused = await upload(patient, phone_jpeg(), **fields)
    assert refused.status_code == 422, refused.text
    assert refused.json()["field"] == field
    assert await count(db, Photo) == 0


async def test_no_stored_byte_is_a_picture_in_the_clear(clinic: Any, db: Database) -> None:
    _, _, patient = clinic
    for picture in (phone_jpeg(), encoded("PNG")):
        assert (await upload(patient, picture)).status_code == 201
    async with db.read() as conn:
        sealed = list(await conn.scalars(select(PhotoImage.sealed)))
    assert len(sealed) == 4
    for blob in sealed:
        assert b"\xff\xd8\xff" not in blob and b"\x89PNG" not in blob and b"JFIF" not in blob


async def test_photos_count_days_from_the_session_in_force(clinic: Any, world: World) -> None:
    practitioner, patient_id, patient = clinic
    at = START - timedelta(days=1)  # START is 2026-03-10 12:00 UTC
    created = await upload(patient, phone_jpeg(), taken_at=at.isoformat())
    before = await upload(patient, phone_jpeg(), taken_at=(START - timedelta(days=30)).isoformat())
    listed = (await patient.get("/api/me/photos")).json()
    by_id = {photo["id"]: photo for photo in listed}
    first = by_id[created.json()["id"]]
    assert first["local_date"] == "2026-03-09" and first["day"] == 6
    assert first["session_id"] is not None
    baseline = by_id[before.json()["id"]]
    assert baseline["session_id"] is None and baseline["day"] is None
    assert [p["taken_at"] for p in listed] == sorted(p["taken_at"] for p in listed)
    seen = (await practitioner.get(f"/api/patients/{patient_id}/photos")).json()
    assert {p["id"] for p in seen} == set(by_id)


async def test_a_practitioner_adds_a_clinic_baseline(clinic: Any, db: Database) -> None:
    practitioner, patient_id, patient = clinic
    created = await upload(
        practitioner, phone_jpeg(), url=f"/api/patients/{patient_id}/photos", area="face_nose"
    )
    assert created.status_code == 201, created.text
    assert created.json()["source"] == "clinic"
    mine = (await patient.get("/api/me/photos")).json()
    assert [p["area"] for p in mine] == ["face_nose"]
    assert (await image(patient, created.json()["id"], "thumb")).status_code == 200


async def test_image_views_are_for_the_patient_and_their_clinic_only(
    clinic: Any, world: World, db: Database
) -> None:
    practitioner, patient_id, patient = clinic
    photo_id = (await upload(patient, phone_jpeg())).json()["id"]
    other_doctor = await world.practitioner("dr@clinic-b.test", "Clinic B")
    _, other_patient = await world.patient(other_doctor, email="other@example.test")
    _, neighbour = await world.patient(practitioner, email="neighbour@example.test")
    unknown = await image(patient, str(uuid.uuid4()))
    for outsider in (other_doctor, other_patient, neighbour):
        for size in ("full", "thumb"):
            refused = await image(outsider, photo_id, size)
            assert refused.status_code == 404
            assert refused.content == unknown.content
    seen = await image(practitioner, photo_id)
    assert seen.status_code == 200
    async with db.read() as conn:
        query = select(AuditEvent.patient_id, AuditEvent.detail)
        views = (await conn.execute(query.where(AuditEvent.action == "photo.view"))).all()
    assert [(str(v.patient_id), v.detail["photo_id"]) for v in views] == [(patient_id, photo_id)]


async def test_a_patient_deletes_their_own_photo_and_its_bytes(
    clinic: Any, world: World, db: Database
) -> None:
    practitioner, _, patient = clinic
    photo_id = (await upload(patient, phone_jpeg())).json()["id"]
    _, neighbour = await world.patient(practitioner, email="neighbour@example.test")
    assert (await neighbour.delete(f"/api/me/photos/{photo_id}")).status_code == 404
    assert (await practitioner.delete(f"/api/me/photos/{photo_id}")).status_code == 403
    assert (await patient.delete(f"/api/me/photos/{photo_id}")).status_code == 204
    assert await count(db, Photo) == 0 and await count(db, PhotoImage) == 0
    assert (await image(patient, photo_id)).status_code == 404
    assert (await patient.delete(f"/api/me/photos/{photo_id}")).status_code == 404
    async with db.read() as conn:
        actions = list(await conn.scalars(select(AuditEvent.action).order_by(AuditEvent.at)))
    assert "photo.delete" in actions


async def test_a_broken_multipart_body_is_a_422_naming_body(clinic: Any, db: Database) -> None:
    _, _, patient = clinic
    refused = await patient.post(
        "/api/me/photos",
        content=b"--xyz\r\nnot a part at all",
        headers={"Content-Type": "multipart/form-data; boundary=xyz"},
    )
    assert refused.status_code == 422, refused.text
    assert refused.json()["field"] == "body"
    no_area = await patient.post(
        "/api/me/photos", files={"file": ("calf.jpg", phone_jpeg(), "image/jpeg")}
    )
    assert no_area.status_code == 422, no_area.text
    assert no_area.json() == {"detail": "area: is required", "field": "area"}
    no_file = await patient.post(
        "/api/me/photos",
        files={"note": ("note.txt", b"hello", "text/plain")},
        data={"area": "leg_left_calf"},
    )
    assert no_file.status_code == 422, no_file.text
    assert no_file.json()["field"] == "file"
    assert await count(db, Photo) == 0


async def test_a_12_megapixel_phone_photo_is_decoded_small_and_upright(clinic: Any) -> None:
    """Decoded at half size by libjpeg (2016 px long, within 2,048) and still turned."""
    _, _, patient = clinic
    created = await upload(patient, phone_jpeg(orientation=6, size=(4032, 3024)))
    assert created.status_code == 201, created.text
    assert (created.json()["width"], created.json()["height"]) == (1512, 2016)
    picture = Image.open(io.BytesIO((await image(patient, created.json()["id"])).content))
    top, bottom = picture.getpixel((756, 200)), picture.getpixel((756, 1800))
    assert top[0] > 150 and top[2] < 80, top  # the red half is at the top
    assert bottom[2] > 150 and bottom[0] < 80, bottom
