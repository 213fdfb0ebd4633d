"""The access-control matrix of docs/design.md: who may call which route on whose ids.

Two clinics, one practitioner and two patients each, every patient with a treatment session
and a check-in, so every kind of id exists. Each route is one `Route` line in `ROUTES`; the
tests walk that table for every kind of caller:

- anonymous (no cookie, or a forged one) → 401 on every route that is not public;
- a patient on a practitioner route, or a practitioner on a patient route → 403, the same
  whatever id is in the path;
- a practitioner on their own clinic's ids → 2xx and an `audit_event` naming them and the
  patient;
- a practitioner on another clinic's ids → 404 byte-identical to an unknown or malformed id,
  nothing changed and nothing audited about that patient;
- a patient on /api/me/* → their own data only, never another patient's ids or values.

`test_every_route_is_in_the_matrix` fails when the app gains a route the table does not list.
"""

from __future__ import annotations

import json
import re
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any, Literal

import pytest
from litestar import Litestar
from litestar.routes import HTTPRoute
from sqlalchemy import select

from api.audit.models import AuditEvent
from api.core.db import Database
from api.identity.login_sessions import SESSION_COOKIE
from tests.conftest import (
    START,
    ApiClient,
    World,
    checkin_body,
    push_subscription_body,
    session_body,
)
from tests.pictures import phone_jpeg

SESSION_DAY = date(2026, 3, 3)
CHECKIN_DAY = date(2026, 3, 9)
TODAY = START.date()

Audience = Literal["practitioner", "patient", "signed_in"]


def photo_form(area: str = "leg_left_calf") -> dict[str, Any]:
    return {"files": {"file": ("calf.jpg", phone_jpeg(), "image/jpeg")}, "data": {"area": area}}


def outcome_body(clearance: str) -> dict[str, Any]:
    return {
        "assessed_on": CHECKIN_DAY.isoformat(),
        "clearance": clearance,
        "hyperpigmentation": 1,
        "matting": False,
        "trapped_blood_drained": True,
        "ulceration": False,
    }


def new_patient() -> dict[str, Any]:
    tag = uuid.uuid4().hex[:8]
    return {"name": f"New {tag}", "email": f"new.{tag}@example.test", "timezone": "Europe/London"}


@dataclass(frozen=True)
class Route:
    """One route of the API. `path` uses {patient}, {session}, {alert} and {day} placeholders."""

    method: str
    path: str
    audience: Audience
    ok: int = 200
    body: Callable[[], dict[str, Any]] | None = None
    # What a practitioner's successful call writes to the audit log, and about which patient:
    # "path" (the patient the ids in the path belong to), "created" (the response's id) or
    # None (a clinic-wide read naming no patient). `audit=None`: the route reads or changes no
    # patient's data (the clinic's own settings) and writes no audit event.
    audit: str | None = None
    audit_patient: Literal["path", "created"] | None = "path"
    # Well-formed but refused on the caller's own ids (422), checked after the id lookup: on
    # anyone else's ids it must still be the plain 404.
    bad_body: Callable[[], dict[str, Any]] | None = None
    # The body is a multipart form (a photo upload), not JSON: `body` gives httpx's
    # `files` and `data`.
    multipart: bool = False

    def send(self, body: Callable[[], dict[str, Any]] | None = None) -> dict[str, Any]:
        """The request's body keyword arguments for httpx."""
        make_body = body or self.body
        if make_body is None:
            return {}
        return make_body() if self.multipart else {"json": make_body()}

    @property
    def id(self) -> str:
        return f"{self.method} {self.path}"

    @property
    def takes_id(self) -> bool:
        return any(f"{{{name}}}" in self.path for name in ("patient", "session", "alert", "photo"))

    def url(self, ids: Ids | None = None, day: date = TODAY) -> str:
        ids = ids or Ids("", "", "", "")
        # {notification}: the inbox routes are only walked for 401 and OPTIONS, where any id
        # will do; tests/api/test_notifications.py covers whose notification is whose.
        return self.path.format(
            patient=ids.patient,
            session=ids.session,
            alert=ids.alert,
            photo=ids.photo,
            notification=ids.patient,
            login_session=ids.patient,
            passkey=ids.patient,
            day=day.isoformat(),
        )


@dataclass(frozen=True)
class Ids:
    """What fills a route's {patient}, {session} and {alert} placeholders."""

    patient: str
    session: str
    alert: str
    photo: str

    @classmethod
    def raw(cls, value: str) -> Ids:
        """All filled with the same unknown or malformed id."""
        return cls(value, value, value, value)

    def upper(self) -> Ids:
        return Ids(
            self.patient.upper(), self.session.upper(), self.alert.upper(), self.photo.upper()
        )


ROUTES = [
    # practitioner routes
    Route("GET", "/api/patients", "practitioner", audit="patient.list", audit_patient=None),
    Route(
        "POST",
        "/api/patients",
        "practitioner",
        ok=201,
        body=new_patient,
        audit="patient.create",
        audit_patient="created",
    ),
    Route("GET", "/api/patients/{patient}", "practitioner", audit="patient.read"),
    Route("POST", "/api/patients/{patient}/invite", "practitioner", ok=201, audit="invite.issue"),
    Route(
        "PATCH",
        "/api/patients/{patient}",
        "practitioner",
        body=lambda: {"checkin_time": "20:15", "name": "Renamed By Someone"},
        audit="patient.update",
        bad_body=lambda: {"timezone": "Mars/Olympus_Mons"},
    ),
    Route("GET", "/api/patients/{patient}/summary", "practitioner", audit="patient.summary"),
    Route("GET", "/api/patients/{patient}/sessions", "practitioner", audit="session.list"),
    Route(
        "POST",
        "/api/patients/{patient}/sessions",
        "practitioner",
        ok=201,
        body=lambda: session_body(TODAY - timedelta(days=1), notes="added later"),
        audit="session.create",
        bad_body=lambda: session_body(TODAY + timedelta(days=3)),
    ),
    Route(
        "PATCH",
        "/api/sessions/{session}",
        "practitioner",
        body=lambda: {"notes": "edited by someone", "injections": 42},
        audit="session.update",
        bad_body=lambda: {"areas": ["chest", "chest"]},
    ),
    Route("GET", "/api/patients/{patient}/checkins", "practitioner", audit="checkin.list"),
    Route("GET", "/api/patients/{patient}/timeline", "practitioner", audit="timeline.read"),
    Route("GET", "/api/patients/{patient}/screening", "practitioner", audit="screening.read"),
    Route("GET", "/api/patients/{patient}/export.fhir.json", "practitioner", audit="export.fhir"),
    Route("GET", "/api/patients/{patient}/export.csv", "practitioner", audit="export.csv"),
    Route("GET", "/api/patients/{patient}/photos", "practitioner", audit="photo.list"),
    Route(
        "POST",
        "/api/patients/{patient}/photos",
        "practitioner",
        ok=201,
        body=lambda: photo_form("face_nose"),
        audit="photo.add",
        bad_body=lambda: photo_form("left_elbow"),
        multipart=True,
    ),
    # The cast's sessions all have an outcome already: this PUT changes it.
    Route(
        "PUT",
        "/api/sessions/{session}/outcome",
        "practitioner",
        body=lambda: outcome_body("excellent"),
        audit="outcome.update",
        bad_body=lambda: {**outcome_body("good"), "assessed_on": "2026-01-01"},
    ),
    Route("GET", "/api/sessions/{session}/outcome", "practitioner", audit="outcome.read"),
    Route(
        "GET",
        "/api/reports/outcomes",
        "practitioner",
        audit="report.outcomes",
        audit_patient=None,
    ),
    Route(
        "GET",
        "/api/reports/outcomes.csv",
        "practitioner",
        audit="report.outcomes_csv",
        audit_patient=None,
    ),
    Route("GET", "/api/alerts", "practitioner", audit="alert.list", audit_patient=None),
    Route("POST", "/api/alerts/{alert}/acknowledge", "practitioner", audit="alert.acknowledge"),
    # On an open alert (as here) the undo changes nothing and audits the read; the window and
    # who may undo are in tests/api/test_alert_undo.py.
    Route(
        "DELETE",
        "/api/alerts/{alert}/acknowledgement",
        "practitioner",
        audit="alert.unacknowledge",
    ),
    Route("GET", "/api/clinic", "practitioner"),
    Route(
        "PATCH",
        "/api/clinic",
        "practitioner",
        body=lambda: {"phone": "+44 20 7946 0958"},
        audit="clinic.update",
        audit_patient=None,
    ),
    # patient routes
    Route("GET", "/api/me/today", "patient"),
    Route(
        "PUT",
        "/api/me/checkins/{day}",
        "patient",
        ok=201,
        body=lambda: checkin_body(pain=5, note="today's entry"),
    ),
    Route("GET", "/api/me/checkins", "patient"),
    Route(
        "POST",
        "/api/me/warning-signs",
        "patient",
        ok=201,
        body=lambda: {
            "warning_signs": ["spreading_redness_or_fever"],
            "recorded_at": START.isoformat(),
        },
        bad_body=lambda: {"warning_signs": [], "recorded_at": START.isoformat()},
    ),
    Route("GET", "/api/me/timeline", "patient"),
    Route("GET", "/api/me/sessions", "patient"),
    Route("GET", "/api/me/photos", "patient"),
    Route("POST", "/api/me/photos", "patient", ok=201, body=photo_form, multipart=True),
    Route("DELETE", "/api/me/photos/{photo}", "patient", ok=204),
    # The cast has rated every session already: this PUT changes the rating.
    Route(
        "PUT",
        "/api/me/sessions/{session}/rating",
        "patient",
        body=lambda: {"pgic": 2, "satisfaction": 8},
    ),
    Route("GET", "/api/me/sessions/{session}/rating", "patient"),
    Route("GET", "/api/me/preferences", "patient"),
    Route("GET", "/api/me/screening", "patient"),
    Route(
        "PUT",
        "/api/me/screening",
        "patient",
        ok=201,
        body=lambda: {
            "pregnant_or_breastfeeding": False,
            "sclerosant_allergy": True,
            "clotting_disorder": False,
            "acute_illness": False,
            "largest_vein_mm": 2.5,
            "vein_count_estimate": 12,
            "notes": "my own answers",
        },
        bad_body=lambda: {"acute_illness": "no"},
    ),
    Route("PATCH", "/api/me/preferences", "patient", body=lambda: {"checkin_time": "08:30"}),
    Route("GET", "/api/me/export.fhir.json", "patient"),
    Route("GET", "/api/me/export.csv", "patient"),
    Route("GET", "/api/me/leaving", "patient"),
    # With a wrong password, so the cast stays signed in: closing is in test_leaving.py.
    Route("POST", "/api/me/close-account", "patient", ok=422, body=lambda: {"password": "no"}),
    # anyone signed in (the image of a photo: its patient and their clinic's practitioners;
    # who else gets a 404 is in tests/api/test_photos.py)
    Route("GET", "/api/photos/{photo}/image", "signed_in"),
    Route("GET", "/api/auth/me", "signed_in"),
    Route("POST", "/api/auth/logout", "signed_in", ok=204),
    # Your own account's security: whose session is whose is in test_login_sessions.py.
    Route("GET", "/api/auth/sessions", "signed_in"),
    Route("DELETE", "/api/auth/sessions/{login_session}", "signed_in", ok=204),
    Route("POST", "/api/auth/sessions/end-others", "signed_in"),
    Route("POST", "/api/auth/password", "signed_in"),
    Route("GET", "/api/auth/second-factor", "signed_in"),
    Route("POST", "/api/auth/second-factor/setup", "signed_in"),
    Route("POST", "/api/auth/second-factor/confirm", "signed_in"),
    Route("POST", "/api/auth/second-factor/verify", "signed_in"),
    Route("POST", "/api/auth/second-factor/off", "signed_in", ok=204),
    Route("GET", "/api/auth/passkeys", "signed_in"),
    Route("POST", "/api/auth/passkeys/registration-options", "signed_in"),
    Route("POST", "/api/auth/passkeys", "signed_in", ok=201),
    Route("DELETE", "/api/auth/passkeys/{passkey}", "signed_in", ok=204),
    Route("GET", "/api/me/notifications", "signed_in"),
    Route("POST", "/api/me/notifications/{notification}/read", "signed_in"),
    Route("PUT", "/api/me/push-subscription", "signed_in", body=lambda: push_subscription_body()),
    Route("DELETE", "/api/me/push-subscription", "signed_in", ok=204),
]
# Reachable without a session; each is covered by its own tests elsewhere.
PUBLIC = {
    ("GET", "/api/health"),
    ("POST", "/api/auth/login"),
    ("POST", "/api/auth/accept-invite"),
    ("POST", "/api/auth/passkeys/sign-in-options"),
    ("POST", "/api/auth/passkeys/sign-in"),
    ("GET", "/api/push/vapid-public-key"),
    ("GET", "/api/vocabulary"),
}

PRACTITIONER_ROUTES = [pytest.param(r, id=r.id) for r in ROUTES if r.audience == "practitioner"]
PRACTITIONER_ID_ROUTES = [
    pytest.param(r, id=r.id) for r in ROUTES if r.audience == "practitioner" and r.takes_id
]
PATIENT_ROUTES = [pytest.param(r, id=r.id) for r in ROUTES if r.audience == "patient"]
ALL_ROUTES = [pytest.param(r, id=r.id) for r in ROUTES]
MALFORMED_IDS = ("not-a-uuid", "0", "1 OR 1=1", "00000000-0000-0000-0000-00000000000g")


# --- the cast -------------------------------------------------------------------------------


@dataclass
class Person:
    key: str
    patient_id: str
    client: ApiClient
    email: str
    name: str
    note: str
    pain: int
    session_id: str = ""
    checkin_id: str = ""
    alert_id: str = ""
    photo_id: str = ""

    def secrets(self) -> list[str]:
        """Strings that identify this patient or their data in a response body."""
        return [
            self.patient_id,
            self.session_id,
            self.checkin_id,
            self.alert_id,
            self.photo_id,
            self.email,
            self.name,
            self.note,
        ]


@dataclass
class Clinic:
    practitioner: ApiClient
    user_id: str
    patients: list[Person] = field(default_factory=list)


@dataclass
class Cast:
    world: World
    a: Clinic
    b: Clinic

    @property
    def everyone(self) -> list[Person]:
        return [*self.a.patients, *self.b.patients]

    async def client(self, kind: str) -> ApiClient:
        if kind == "practitioner":
            return self.a.practitioner
        if kind == "patient":
            return self.a.patients[0].client
        anonymous = await self.world.client()
        if kind == "forged":
            anonymous.http.cookies.set(SESSION_COOKIE, "forged-" + uuid.uuid4().hex)
        return anonymous


async def _user_id(client: ApiClient) -> str:
    me = await client.get("/api/auth/me")
    assert me.status_code == 200, me.text
    return str(me.json()["id"])


async def _add_patient(world: World, clinic: Clinic, local: str, pain: int) -> None:
    email = f"{local}@example.test"
    patient_id, client = await world.patient(
        clinic.practitioner, email=email, sessions=(SESSION_DAY,)
    )
    note = f"private note of {local}"
    # With a warning sign, so every patient has an (urgent) alert id too.
    body = checkin_body(pain=pain, note=note, warning_signs=["spreading_redness_or_fever"])
    put = await client.put(f"/api/me/checkins/{CHECKIN_DAY.isoformat()}", json=body)
    assert put.status_code == 201, put.text
    alerts = await clinic.practitioner.get("/api/alerts")
    assert alerts.status_code == 200, alerts.text
    [alert] = [
        a for a in alerts.json() if a["patient"]["id"] == patient_id and a["rule"] == "warning_sign"
    ]
    sessions = await client.get("/api/me/sessions")
    assert sessions.status_code == 200, sessions.text
    [session] = sessions.json()
    photo = await client.post("/api/me/photos", **photo_form())
    assert photo.status_code == 201, photo.text
    rated = await client.put(
        f"/api/me/sessions/{session['id']}/rating", json={"pgic": 3, "satisfaction": 6}
    )
    assert rated.status_code == 201, rated.text
    graded = await clinic.practitioner.put(
        f"/api/sessions/{session['id']}/outcome", json=outcome_body("partial")
    )
    assert graded.status_code == 201, graded.text
    clinic.patients.append(
        Person(
            key=local,
            patient_id=patient_id,
            client=client,
            email=email,
            name=local.title(),
            note=note,
            pain=pain,
            session_id=session["id"],
            checkin_id=put.json()["id"],
            alert_id=alert["id"],
            photo_id=photo.json()["id"],
        )
    )


@pytest.fixture
async def cast(world: World) -> Cast:
    dr_a = await world.practitioner("dr@clinic-a.test", "Clinic A")
    dr_b = await world.practitioner("dr@clinic-b.test", "Clinic B")
    a = Clinic(dr_a, await _user_id(dr_a))
    b = Clinic(dr_b, await _user_id(dr_b))
    # Distinct pain scores, so a leaked score is as visible as a leaked id.
    for clinic, local, pain in (
        (a, "ada.alpha", 1),
        (a, "abe.alpha", 4),
        (b, "bea.beta", 7),
        (b, "bo.beta", 9),
    ):
        await _add_patient(world, clinic, local, pain)
    return Cast(world, a, b)


# --- helpers --------------------------------------------------------------------------------


async def call(
    client: ApiClient,
    route: Route,
    ids: Ids | None = None,
    body: Callable[[], dict[str, Any]] | None = None,
) -> Any:
    return await client.request(route.method, route.url(ids), **route.send(body))


def ids_of(person: Person) -> Ids:
    return Ids(person.patient_id, person.session_id, person.alert_id, person.photo_id)


@dataclass(frozen=True)
class Event:
    id: str
    actor: str | None
    patient: str | None
    action: str
    detail: str
    at: datetime


async def audit_log(db: Database) -> list[Event]:
    async with db.read() as conn:
        rows = (
            await conn.execute(
                select(
                    AuditEvent.id,
                    AuditEvent.actor_user_id,
                    AuditEvent.patient_id,
                    AuditEvent.action,
                    AuditEvent.detail,
                    AuditEvent.at,
                )
            )
        ).all()
    return [
        Event(
            id=str(row.id),
            actor=str(row.actor_user_id) if row.actor_user_id else None,
            patient=str(row.patient_id) if row.patient_id else None,
            action=row.action,
            detail=json.dumps(row.detail, sort_keys=True),
            at=row.at,
        )
        for row in rows
    ]


async def new_events(db: Database, before: list[Event]) -> list[Event]:
    seen = {event.id for event in before}
    return [event for event in await audit_log(db) if event.id not in seen]


def fingerprint(response: Any) -> tuple[int, str | None, bytes]:
    return response.status_code, response.headers.get("content-type"), response.content


async def snapshot(clinic: Clinic, person: Person) -> dict[str, Any]:
    """What the owning practitioner sees of one patient (writes audit events of its own)."""
    doctor = clinic.practitioner
    return {
        url: (await doctor.get(url)).json()
        for url in (
            f"/api/patients/{person.patient_id}",
            f"/api/patients/{person.patient_id}/sessions",
            f"/api/patients/{person.patient_id}/checkins",
        )
    }


def normalised(path: str) -> str:
    return re.sub(r"\{[^}]+\}", "{}", path)


# --- the matrix -----------------------------------------------------------------------------


def test_every_route_is_in_the_matrix(app: Litestar) -> None:
    served = {
        (method, normalised(route.path))
        for route in app.routes
        if isinstance(route, HTTPRoute) and not route.path.startswith("/schema")
        for handler in route.route_handlers
        # The built PWA's files are public web assets, not API routes.
        if not handler.opt.get("frontend")
        for method in handler.http_methods
        if method not in {"OPTIONS", "HEAD"}
    }
    listed = {(r.method, normalised(r.path)) for r in ROUTES} | PUBLIC
    assert served - listed == set(), "add the new route to ROUTES (or PUBLIC)"
    assert listed - served == set(), "ROUTES lists a route the app does not serve"


@pytest.mark.parametrize("kind", ["anonymous", "forged"])
@pytest.mark.parametrize("route", ALL_ROUTES)
async def test_no_session_is_401_everywhere_but_public_routes(
    cast: Cast, route: Route, kind: str
) -> None:
    client = await cast.client(kind)
    before = await audit_log(cast.world.db)
    own, foreign = cast.a.patients[0], cast.b.patients[0]
    responses = [
        await call(client, route, ids_of(own)),
        await call(client, route, ids_of(foreign)),
        await call(client, route, Ids.raw(str(uuid.uuid4()))),
        await call(client, route, Ids.raw(MALFORMED_IDS[0])),
    ]
    for response in responses:
        assert response.status_code == 401, (route.id, response.text)
        assert set(response.json()) == {"detail"}
    assert len({fingerprint(r) for r in responses}) == 1, "401 must not depend on the id"
    assert await new_events(cast.world.db, before) == []


@pytest.mark.parametrize("route", PRACTITIONER_ROUTES)
async def test_patient_on_practitioner_route_is_403(cast: Cast, route: Route) -> None:
    before = await audit_log(cast.world.db)
    targets = [
        ids_of(cast.a.patients[0]),  # the caller's own ids
        ids_of(cast.a.patients[1]),  # a clinic-mate's
        ids_of(cast.b.patients[0]),  # another clinic's
        Ids.raw(str(uuid.uuid4())),
        Ids.raw(MALFORMED_IDS[0]),
    ]
    for patient in cast.everyone:
        responses = [await call(patient.client, route, ids) for ids in targets]
        for response in responses:
            assert response.status_code == 403, (route.id, patient.key, response.text)
            assert set(response.json()) == {"detail"}
        assert len({fingerprint(r) for r in responses}) == 1, "403 must not depend on the id"
    assert await new_events(cast.world.db, before) == []
    # Nothing was created or changed on anyone's behalf.
    for clinic in (cast.a, cast.b):
        listed = await clinic.practitioner.patient_list()
        assert len(listed) == 2
        for person in clinic.patients:
            state = await snapshot(clinic, person)
            read = state[f"/api/patients/{person.patient_id}"]
            assert read["checkin_time"] == "19:00" and read["name"] == person.name
            sessions = state[f"/api/patients/{person.patient_id}/sessions"]
            assert [(s["id"], s["notes"]) for s in sessions] == [(person.session_id, None)]


@pytest.mark.parametrize("route", PATIENT_ROUTES)
async def test_practitioner_on_patient_route_is_403(cast: Cast, route: Route) -> None:
    for clinic in (cast.a, cast.b):
        response = await call(clinic.practitioner, route, ids_of(clinic.patients[0]))
        assert response.status_code == 403, (route.id, response.text)
        assert set(response.json()) == {"detail"}


@pytest.mark.parametrize("route", PRACTITIONER_ROUTES)
async def test_practitioner_on_own_clinic_is_2xx_and_audited(cast: Cast, route: Route) -> None:
    db = cast.world.db
    target = cast.a.patients[0]
    before = await audit_log(db)
    response = await call(cast.a.practitioner, route, ids_of(target))
    assert response.status_code == route.ok, (route.id, response.text)

    events = await new_events(db, before)
    if route.audit is None:
        assert events == []  # not a patient's data: nothing to audit
        return
    expected_patient = {
        "path": target.patient_id,
        "created": response.json()["id"] if route.audit_patient == "created" else None,
        None: None,
    }[route.audit_patient]
    assert [(e.actor, e.patient, e.action) for e in events] == [
        (cast.a.user_id, expected_patient, route.audit)
    ]
    assert events[0].at == cast.world.clock.now()
    # Nothing about the other clinic's patients leaks into the log entry either.
    for person in cast.b.patients:
        assert person.patient_id not in events[0].detail


@pytest.mark.parametrize("route", PRACTITIONER_ID_ROUTES)
async def test_other_clinics_ids_are_indistinguishable_from_unknown_ones(
    cast: Cast, route: Route
) -> None:
    db = cast.world.db
    doctor = cast.a.practitioner
    victim = cast.b.patients[0]
    state_before = await snapshot(cast.b, victim)
    log_before = await audit_log(db)

    foreign = await call(doctor, route, ids_of(victim))
    spelled_otherwise = await call(
        doctor,
        route,
        ids_of(victim).upper(),
    )
    unknown = await call(doctor, route, Ids.raw(str(uuid.uuid4())))
    malformed = [await call(doctor, route, Ids.raw(raw)) for raw in MALFORMED_IDS]

    assert foreign.status_code == 404, (route.id, foreign.text)
    assert foreign.json() == {"detail": "Not found"}
    for other in (spelled_otherwise, unknown, *malformed):
        assert fingerprint(other) == fingerprint(foreign), route.id

    # Nothing written about the other clinic's patient, under any spelling of its ids.
    events = await new_events(db, log_before)
    victim_ids = {victim.patient_id, victim.session_id, victim.checkin_id, victim.alert_id}
    for event in events:
        assert event.patient not in victim_ids
        assert not any(i in event.detail or i.upper() in event.detail for i in victim_ids)
    # ... and nothing changed.
    assert await snapshot(cast.b, victim) == state_before


@pytest.mark.parametrize(
    "route",
    [pytest.param(r, id=r.id) for r in ROUTES if r.takes_id and r.bad_body is not None],
)
async def test_other_clinics_ids_are_404_before_any_validation(cast: Cast, route: Route) -> None:
    doctor = cast.a.practitioner
    own = await call(doctor, route, ids_of(cast.a.patients[0]), route.bad_body)
    assert own.status_code == 422, (route.id, own.text)  # the body really is refused...
    foreign = await call(doctor, route, ids_of(cast.b.patients[0]), route.bad_body)
    unknown = await call(doctor, route, Ids.raw(str(uuid.uuid4())), route.bad_body)
    malformed = await call(doctor, route, Ids.raw(MALFORMED_IDS[0]), route.bad_body)
    # ... but only once the id is known to be the caller's: otherwise it is the plain 404.
    assert foreign.status_code == 404, (route.id, foreign.text)
    assert fingerprint(foreign) == fingerprint(unknown) == fingerprint(malformed)


@pytest.mark.parametrize("route", ALL_ROUTES)
async def test_options_follows_the_same_rules_as_the_route(cast: Cast, route: Route) -> None:
    """OPTIONS is authenticated and guarded like the route itself (it used to answer 500)."""
    doctor, patient = cast.a.practitioner, cast.a.patients[0].client
    allowed, refused = {
        "practitioner": ([doctor], [patient]),
        "patient": ([patient], [doctor]),
        "signed_in": ([doctor, patient], []),
    }[route.audience]
    own = route.url(ids_of(cast.a.patients[0]))
    foreign = route.url(ids_of(cast.b.patients[0]))
    unknown = route.url(Ids.raw(str(uuid.uuid4())))

    anonymous = await cast.client("anonymous")
    assert (await anonymous.http.options(own)).status_code == 401
    for client in allowed:
        responses = [await client.http.options(url) for url in (own, foreign, unknown)]
        assert responses[0].status_code == 204, (route.id, responses[0].text)
        assert responses[0].content == b""
        assert len({(r.status_code, r.headers.get("allow"), r.content) for r in responses}) == 1
    for client in refused:
        # Controller guards apply to Litestar's generated OPTIONS handlers too.
        response = await client.http.options(own)
        assert (response.status_code, response.content) in {
            (403, b'{"detail":"Only practitioners can use this"}'),
            (403, b'{"detail":"Only patients can use this"}'),
        }, route.id


async def test_patient_list_shows_only_the_clinics_own_patients(cast: Cast) -> None:
    for mine, theirs in ((cast.a, cast.b), (cast.b, cast.a)):
        listed = await mine.practitioner.patient_list()
        assert sorted(p["id"] for p in listed) == sorted(p.patient_id for p in mine.patients)
        assert sorted(p["name"] for p in listed) == sorted(p.name for p in mine.patients)
        # The triage summary carries each patient's latest scores: their own, nobody else's.
        assert {p["id"]: p["latest"]["pain"] for p in listed} == {
            p.patient_id: p.pain for p in mine.patients
        }
        text = str(listed)
        for person in theirs.patients:
            for secret in (person.patient_id, person.name, person.email):
                assert secret not in text


@pytest.mark.parametrize("route", PATIENT_ROUTES)
async def test_patient_sees_nothing_of_anyone_else_on_me_routes(cast: Cast, route: Route) -> None:
    me = cast.a.patients[0]
    others = [p for p in cast.everyone if p is not me]
    for query in ({}, {"patient_id": others[0].patient_id, "patient": others[1].patient_id}):
        response = await me.client.request(
            route.method, route.url(ids_of(me)), params=query, **route.send()
        )
        # A delete of one's own item is done by the first call; the second finds it gone.
        gone = {404} if route.method == "DELETE" and "{" in route.path and query else set()
        assert response.status_code in {route.ok, 200, *gone}, (route.id, response.text)
        for other in others:
            for secret in other.secrets():
                assert secret not in response.text, (route.id, other.key, secret)


async def test_patient_me_routes_return_exactly_their_own_data(cast: Cast) -> None:
    for me in cast.everyone:
        client = me.client
        sessions = (await client.get("/api/me/sessions")).json()
        assert [(s["id"], s["patient_id"]) for s in sessions] == [(me.session_id, me.patient_id)]

        checkins = (await client.get("/api/me/checkins")).json()
        assert [(c["id"], c["pain"], c["note"]) for c in checkins] == [
            (me.checkin_id, me.pain, me.note)
        ]

        timeline = (await client.get("/api/me/timeline")).json()
        assert [s["id"] for s in timeline["sessions"]] == [me.session_id]
        assert [(p["session_id"], p["pain"]) for p in timeline["points"]] == [
            (me.session_id, me.pain)
        ]

        today = (await client.get("/api/me/today")).json()
        assert today["session"]["id"] == me.session_id
        assert today["checked_in"] is False

        who = (await client.get("/api/auth/me")).json()
        assert (who["email"], who["role"]) == (me.email, "patient")


async def test_deactivated_patient_stays_visible_to_its_own_clinic_only(cast: Cast) -> None:
    leaver = cast.a.patients[1]
    doctor_a, doctor_b = cast.a.practitioner, cast.b.practitioner
    deactivated = await doctor_a.patch(f"/api/patients/{leaver.patient_id}", json={"active": False})
    assert deactivated.status_code == 200, deactivated.text
    assert deactivated.json()["active"] is False

    # Its own clinic still sees it, marked inactive, on every route.
    read = await doctor_a.get(f"/api/patients/{leaver.patient_id}")
    assert read.status_code == 200 and read.json()["active"] is False
    listed = {p["id"]: p for p in (await doctor_a.patient_list())}
    assert listed[leaver.patient_id]["active"] is False
    for route in ROUTES:
        if route.audience == "practitioner" and route.takes_id and route.method == "GET":
            response = await call(doctor_a, route, ids_of(leaver))
            assert response.status_code == 200, (route.id, response.text)

    # The other clinic still cannot tell it exists, nor reactivate it.
    for route in ROUTES:
        if route.audience == "practitioner" and route.takes_id:
            foreign = await call(doctor_b, route, ids_of(leaver))
            unknown = await call(doctor_b, route, Ids.raw(str(uuid.uuid4())))
            assert foreign.status_code == 404, (route.id, foreign.text)
            assert fingerprint(foreign) == fingerprint(unknown), route.id
    reactivate = await doctor_b.patch(f"/api/patients/{leaver.patient_id}", json={"active": True})
    assert reactivate.status_code == 404
    listed_b = await doctor_b.get("/api/patients")
    assert leaver.patient_id not in listed_b.text and leaver.name not in listed_b.text
    assert (await doctor_a.get(f"/api/patients/{leaver.patient_id}")).json()["active"] is False
