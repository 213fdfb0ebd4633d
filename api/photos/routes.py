"""Photo routes: the patient's own photos, the clinic's photos of a patient, and the images.

Uploads are `multipart/form-data` (`file`, `area`, optional `taken_at`) of at most 15 MB; the
image bytes are served with `Cache-Control: no-store`, so they never rest in a browser cache.
"""

from __future__ import annotations

from typing import Annotated

from litestar import Controller, Response, delete, get, post
from litestar.datastructures import State
from litestar.di import NamedDependency, Provide
from litestar.enums import RequestEncodingType
from litestar.openapi.datastructures import ResponseSpec
from litestar.params import Body, FromPath, QueryParameter
from litestar.status_codes import HTTP_204_NO_CONTENT

from api.core.deps import DB, Actor, Me, Now, parse_id
from api.identity.middleware import patient_only, practitioner_only
from api.identity.patients import check_in_clinic, read_as_practitioner
from api.photos import service
from api.photos.imaging import MAX_UPLOAD_BYTES
from api.photos.schemas import ImageSize, PhotoOut, PhotoUpload
from api.photos.vault import PhotoVault

Form = Annotated[PhotoUpload, Body(media_type=RequestEncodingType.MULTI_PART)]
# The form's own fields and boundaries on top of the 15 MB picture; a larger body is a 413
# before it is read in full.
MAX_BODY = MAX_UPLOAD_BYTES + 64 * 1024
JPEG = ResponseSpec(
    bytes, media_type="image/jpeg", description="The image, as a JPEG", generate_examples=False
)


def provide_vault(state: State) -> PhotoVault:
    vault: PhotoVault = state.photo_vault
    return vault


VAULT = {"vault": Provide(provide_vault, sync_to_thread=False)}
Vault = NamedDependency[PhotoVault]


class MyPhotosController(Controller):
    path = "/api/me/photos"
    tags = ["me"]
    guards = [patient_only]
    dependencies = VAULT

    @post("/", request_max_body_size=MAX_BODY)
    async def add(self, data: Form, db: DB, me: Me, now: Now, vault: Vault) -> PhotoOut:
        return await service.add_photo(
            db, vault, data, patient_id=me.patient_id, by=me.user_id, source="patient", now=now
        )

    @get("/")
    async def list(self, db: DB, me: Me) -> list[PhotoOut]:
        return await db.reading(service.list_photos, me.patient_id)

    @delete("/{photo_id:str}", status_code=HTTP_204_NO_CONTENT)
    async def remove(self, photo_id: FromPath[str], db: DB, me: Me, now: Now) -> None:
        await service.delete_own_photo(db, me.patient_id, me.user_id, parse_id(photo_id), now)


class PatientPhotosController(Controller):
    path = "/api/patients/{patient_id:str}/photos"
    tags = ["patients"]
    guards = [practitioner_only]
    dependencies = VAULT

    @post("/", request_max_body_size=MAX_BODY)
    async def add(
        self, patient_id: FromPath[str], data: Form, db: DB, actor: Actor, now: Now, vault: Vault
    ) -> PhotoOut:
        target = await check_in_clinic(db, actor, parse_id(patient_id))
        return await service.add_photo(
            db, vault, data, patient_id=target, by=actor.user_id, source="clinic", now=now
        )

    @get("/")
    async def list(
        self, patient_id: FromPath[str], db: DB, actor: Actor, now: Now
    ) -> list[PhotoOut]:
        return await read_as_practitioner(
            db, actor, parse_id(patient_id), "photo.list", now, service.list_photos
        )


class PhotoImagesController(Controller):
    """One image, for the patient it shows or their clinic's practitioners (others: 404)."""

    path = "/api/photos"
    tags = ["photos"]
    dependencies = VAULT

    @get("/{photo_id:str}/image", responses={200: JPEG})
    async def image(
        self,
        photo_id: FromPath[str],
        db: DB,
        actor: Actor,
        now: Now,
        vault: Vault,
        size: Annotated[ImageSize, QueryParameter()] = "full",
    ) -> Response[bytes]:
        jpeg = await service.read_image(db, vault, actor, parse_id(photo_id), size, now)
        return Response(
            jpeg,
            media_type="image/jpeg",
            headers={"Cache-Control": "private, no-store", "Content-Disposition": "inline"},
        )
