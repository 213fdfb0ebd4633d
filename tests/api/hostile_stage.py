"""The stage the hostile-input tests play on, and a complete valid body for each route.

One clinic: a practitioner, a patient with a session, a check-in and an (urgent) alert, a
second patient's unused invitation, and a signed-out browser. `BODIES` holds a complete valid
body for every route that reads one (the fuzz test breaks parts of it, so that most examples
reach the services and the database rather than stopping at the JSON decoder).
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from api.app import CSRF_HEADER
from tests.api.test_access import (
    CHECKIN_DAY,
    SESSION_DAY,
    TODAY,
    Ids,
    Route,
    new_patient,
    photo_form,
)
from tests.conftest import (
    PASSWORD,
    START,
    ApiClient,
    World,
    checkin_body,
    push_subscription_body,
    session_body,
)

ENDPOINT = "https://fcm.googleapis.com/fcm/send/hostile:stage"
# A passkey response's shape, answering no challenge the server made.
PASSKEY_RESPONSE = {
    "id": "AAAA",
    "rawId": "AAAA",
    "type": "public-key",
    "response": {
        "clientDataJSON": "eyJjaGFsbGVuZ2UiOiJBQUFBIn0",
        "attestationObject": "AAAA",
        "authenticatorData": "AAAA",
        "signature": "AAAA",
    },
}


@dataclass
class Stage:
    doctor: ApiClient
    doctor_email: str
    patient: ApiClient
    anonymous: ApiClient
    ids: Ids
    invite_token: str

    def client(self, caller: str) -> ApiClient:
        return {"practitioner": self.doctor, "patient": self.patient}.get(caller, self.anonymous)


async def build_stage(world: World) -> Stage:
    email = "dr@clinic-a.test"
    doctor = await world.practitioner(email)
    patient_id, patient = await world.patient(doctor, sessions=(SESSION_DAY,))
    body = checkin_body(note="first", warning_signs=["spreading_redness_or_fever"])
    put = await patient.put(f"/api/me/checkins/{CHECKIN_DAY}", json=body)
    assert put.status_code == 201, put.text
    alerts = (await doctor.get("/api/alerts")).json()
    [alert] = [a for a in alerts if a["rule"] == "warning_sign"]
    [session] = (await patient.get("/api/me/sessions")).json()
    photo = await patient.post("/api/me/photos", **photo_form())
    assert photo.status_code == 201, photo.text
    invited = await doctor.post("/api/patients", json=new_patient())
    assert invited.status_code == 201, invited.text
    return Stage(
        doctor=doctor,
        doctor_email=email,
        patient=patient,
        anonymous=await world.client(),
        ids=Ids(patient_id, session["id"], alert["id"], photo.json()["id"]),
        invite_token=invited.json()["invite_token"],
    )


def url(route: Route, ids: Ids, day: str = TODAY.isoformat(), query: str = "") -> str:
    """The route's URL; `day` and the ids go in as they are (they may be hostile)."""
    path = route.path.format(
        patient=ids.patient,
        session=ids.session,
        alert=ids.alert,
        photo=ids.photo,
        notification=str(uuid.UUID(int=7)),
        login_session=str(uuid.UUID(int=8)),
        passkey=str(uuid.UUID(int=9)),
        day=day,
    )
    return path + query


async def send(
    client: ApiClient, method: str, target: str, body: bytes | None, content_type: str
) -> Any:
    """One raw request: the body's bytes exactly as given, with this browser's CSRF token."""
    headers = {CSRF_HEADER: await client._csrf(), "content-type": content_type}
    return await client.http.request(method, target, content=body, headers=headers)


Body = Callable[[Stage], dict[str, Any]]

BODIES: dict[str, Body] = {
    "POST /api/auth/login": lambda s: {"email": s.doctor_email, "password": PASSWORD},
    "POST /api/auth/accept-invite": lambda s: {"token": s.invite_token, "password": PASSWORD},
    "POST /api/patients": lambda _: new_patient(),
    "PATCH /api/patients/{patient}": lambda _: {
        **new_patient(),
        "timezone": "Europe/Paris",
        "checkin_time": "20:15",
        "active": True,
    },
    "POST /api/patients/{patient}/sessions": lambda _: session_body(
        TODAY - timedelta(days=1), notes="second", daily_days=10
    ),
    "PATCH /api/sessions/{session}": lambda _: session_body(
        SESSION_DAY - timedelta(days=1), notes="moved", review_on="2026-05-02", daily_days=12
    ),
    "POST /api/alerts/{alert}/acknowledge": lambda _: {"note": "Called; all fine"},
    "PATCH /api/clinic": lambda _: {"timezone": "Europe/London", "phone": "+44 20 7946 0958"},
    "PUT /api/me/checkins/{day}": lambda _: checkin_body(
        note="line one\r\nline two\twith a tab",
        compression_worn=True,
        warning_signs=["spreading_redness_or_fever"],
    ),
    "POST /api/me/warning-signs": lambda _: {
        "warning_signs": ["spreading_redness_or_fever"],
        "recorded_at": START.isoformat(),
        "note": "since this morning",
    },
    "PUT /api/me/screening": lambda _: {
        "pregnant_or_breastfeeding": False,
        "sclerosant_allergy": False,
        "clotting_disorder": False,
        "acute_illness": False,
        "largest_vein_mm": 2.5,
        "vein_count_estimate": 12,
        "notes": "none",
    },
    "PUT /api/sessions/{session}/outcome": lambda _: {
        "assessed_on": CHECKIN_DAY.isoformat(),
        "clearance": "good",
        "hyperpigmentation": 1,
        "matting": False,
        "trapped_blood_drained": True,
        "ulceration": False,
        "notes": "fading\r\nwell",
    },
    "PUT /api/me/sessions/{session}/rating": lambda _: {"pgic": 2, "satisfaction": 8},
    "PATCH /api/me/preferences": lambda _: {
        "timezone": "Europe/London",
        "checkin_time": "08:30",
        "channels": {"push": True, "email": False},
    },
    "PUT /api/me/push-subscription": lambda _: push_subscription_body(ENDPOINT),
    # The same password again: accepted (and the stage's own session survives it).
    "POST /api/auth/password": lambda _: {
        "current_password": PASSWORD,
        "new_password": PASSWORD,
    },
}
# Bodies of routes whose acceptance needs a secret the stage does not hold (a one-time code,
# a passkey's signature) or would end the stage (closing the patient's account): each is
# well-formed, reaches its service and is refused there with a 4xx; the fuzz starts from it.
REFUSED: dict[str, Body] = {
    "POST /api/auth/second-factor/confirm": lambda _: {"code": "123456"},
    "POST /api/auth/second-factor/verify": lambda _: {"code": "123456"},
    "POST /api/auth/second-factor/off": lambda _: {"code": "123456"},
    "POST /api/auth/passkeys": lambda _: {"credential": PASSKEY_RESPONSE, "name": "Phone"},
    "POST /api/auth/passkeys/sign-in": lambda _: {"credential": PASSKEY_RESPONSE},
    "POST /api/me/close-account": lambda _: {"password": "not the password"},
}
STARTING_BODIES: dict[str, Body] = {**BODIES, **REFUSED}
# Good values for the query parameters, so that some examples are hostile in one place only.
GOOD_QUERY = {
    "from": "2026-03-01",
    "to": "2026-03-10",
    "status": "all",
    "limit": "5",
    "endpoint": ENDPOINT,
}
