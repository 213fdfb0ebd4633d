"""The practitioner's own clinic: its timezone and the phone patients are told to call.

The patient routes (`/api/patients`) are in `api.triage.routes`, beside the list they share
a path with.
"""

from __future__ import annotations

from litestar import Controller, get, patch
from litestar.params import JSONBody

from api.core.deps import DB, Actor, Now
from api.identity import clinic
from api.identity.middleware import practitioner_only
from api.identity.schemas import (
    ClinicOut,
    ClinicUpdate,
)


class ClinicController(Controller):
    """The practitioner's own clinic: its timezone and the phone patients are told to call."""

    path = "/api/clinic"
    tags = ["clinic"]
    guards = [practitioner_only]

    @get("/")
    async def read(self, db: DB, actor: Actor) -> ClinicOut:
        return await clinic.get_clinic(db, actor)

    @patch("/")
    async def update(
        self, data: JSONBody[ClinicUpdate], db: DB, actor: Actor, now: Now
    ) -> ClinicOut:
        return await clinic.update_clinic(db, actor, data, now)
