"""Result routes: the practitioner records the review outcome, the patient rates a session."""

from __future__ import annotations

from litestar import Controller, Response, get, put
from litestar.openapi.datastructures import ResponseSpec
from litestar.params import FromPath, JSONBody
from litestar.status_codes import HTTP_200_OK, HTTP_201_CREATED

from api.core.deps import DB, Actor, Me, Now, parse_id
from api.identity.middleware import patient_only, practitioner_only
from api.outcomes import service
from api.outcomes.schemas import OutcomeIn, OutcomeOut, RatingIn, RatingOut

# The first save: 201; a change: 200 (the earlier version stays in the revisions).
OUTCOME_CREATED = ResponseSpec(OutcomeOut, description="The session's first outcome, stored")
RATING_CREATED = ResponseSpec(RatingOut, description="The session's first rating, stored")


def _status(created: bool) -> int:
    return HTTP_201_CREATED if created else HTTP_200_OK


class OutcomeController(Controller):
    path = "/api/sessions/{session_id:str}/outcome"
    tags = ["results"]
    guards = [practitioner_only]

    @put("/", responses={201: OUTCOME_CREATED})
    async def put(
        self, session_id: FromPath[str], data: JSONBody[OutcomeIn], db: DB, actor: Actor, now: Now
    ) -> Response[OutcomeOut]:
        outcome, created = await service.put_outcome(db, actor, parse_id(session_id), data, now)
        return Response(outcome, status_code=_status(created))

    @get("/")
    async def get(self, session_id: FromPath[str], db: DB, actor: Actor, now: Now) -> OutcomeOut:
        return await service.get_outcome(db, actor, parse_id(session_id), now)


class MyRatingController(Controller):
    path = "/api/me/sessions/{session_id:str}/rating"
    tags = ["me"]
    guards = [patient_only]

    @put("/", responses={201: RATING_CREATED})
    async def put(
        self, session_id: FromPath[str], data: JSONBody[RatingIn], db: DB, me: Me, now: Now
    ) -> Response[RatingOut]:
        rating, created = await service.put_rating(db, me, parse_id(session_id), data, now)
        return Response(rating, status_code=_status(created))

    @get("/")
    async def get(self, session_id: FromPath[str], db: DB, me: Me) -> RatingOut:
        return await db.reading(service.get_rating, me.patient_id, parse_id(session_id))
