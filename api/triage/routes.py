"""The practitioner's `/api/patients` routes: the triage list and each patient's row (this
package's read model), and registering, reading, changing and re-inviting a patient
(identity's service).

One controller for the one path: Litestar refuses two controllers that share a path (each
would add its own OPTIONS handler), and the list sits above identity, so it is here.
"""

from __future__ import annotations

from typing import Annotated

from litestar import Controller, MediaType, Response, get, patch, post
from litestar.openapi.datastructures import ResponseSpec
from litestar.params import FromPath, JSONBody, QueryParameter

from api.core.deps import DB, Actor, AppSettings, Now, parse_id
from api.core.validation import QueryText
from api.identity import patients as service
from api.identity.middleware import practitioner_only
from api.identity.schemas import (
    InviteOut,
    PatientCreate,
    PatientCreated,
    PatientOut,
    PatientUpdate,
)
from api.triage.listing import DEFAULT_LIMIT, MAX_LIMIT, list_page, patient_summary
from api.triage.schemas import Filter, PatientPage, PatientSummary

# The list's handler sends the page's JSON as the service put it together (stored summaries
# as they are); this says what that JSON is. No examples: generated ones are structs that
# the OpenAPI file's JSON encoder cannot write.
_PAGE = ResponseSpec(
    PatientPage,
    generate_examples=False,
    description="A page of the list, those who need attention first",
)


class PatientsController(Controller):
    path = "/api/patients"
    tags = ["patients"]
    guards = [practitioner_only]

    @get("/", responses={200: _PAGE})
    async def list(
        self,
        db: DB,
        actor: Actor,
        now: Now,
        show: Annotated[Filter, QueryParameter(name="filter")] = "all",
        q: QueryText = None,
        limit: Annotated[int, QueryParameter(ge=1, le=MAX_LIMIT)] = DEFAULT_LIMIT,
        cursor: QueryText = None,
    ) -> Response[bytes]:
        """A page of the clinic's patients, those who need attention first (a `PatientPage`,
        sent as the service put it together)."""
        page = await list_page(db, actor, now, show=show, q=q, limit=limit, cursor=cursor)
        return Response(page, media_type=MediaType.JSON)

    @get("/{patient_id:str}/summary")
    async def summary(
        self, patient_id: FromPath[str], db: DB, actor: Actor, now: Now
    ) -> PatientSummary:
        """The patient's row of the list: what the patient page's header reads."""
        return await patient_summary(db, actor, parse_id(patient_id), now)

    @post("/")
    async def create(
        self,
        data: JSONBody[PatientCreate],
        db: DB,
        actor: Actor,
        now: Now,
        settings: AppSettings,
    ) -> PatientCreated:
        return await service.create_patient(db, actor, data, now, settings.base_url)

    @get("/{patient_id:str}")
    async def read(self, patient_id: FromPath[str], db: DB, actor: Actor, now: Now) -> PatientOut:
        return await service.get_patient(db, actor, parse_id(patient_id), now)

    @post("/{patient_id:str}/invite")
    async def reissue_invite(
        self, patient_id: FromPath[str], db: DB, actor: Actor, now: Now, settings: AppSettings
    ) -> InviteOut:
        """A new set-password link for the patient (also the clinic-assisted password reset)."""
        return await service.reissue_invite(db, actor, parse_id(patient_id), now, settings.base_url)

    @patch("/{patient_id:str}")
    async def update(
        self,
        patient_id: FromPath[str],
        data: JSONBody[PatientUpdate],
        db: DB,
        actor: Actor,
        now: Now,
    ) -> PatientOut:
        return await service.update_patient(db, actor, parse_id(patient_id), data, now)
