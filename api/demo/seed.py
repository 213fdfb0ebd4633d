"""A demo clinic that looks like a real one, built through the real services.

Seven named patients, 1-3 sessions each, 8-12 weeks of check-ins: symptoms that fade at
different speeds, days missed, discolouration that shows up weeks late, and one patient
(Farid) whose pain and swelling are rising and who ticked "calf swelling with pain"
yesterday, so he has open alerts and heads the practitioner's list. Twelve more patients
with one finished course each give the clinic enough history for its expected-course band
(at least 5 patients per day since session). Check-ins follow the plan: daily for two
weeks, then weekly. The clinic has a phone number, and most patients answered the
screening questions (a few with flags). Results too (api.demo.results): drawn photos of the
treated area, review outcomes and ratings for the finished courses, and two regimens among
the history patients, so the outcomes report compares something. Deterministic, so
screenshots and walkthroughs are repeatable.

Grace, a week after her first session, has her check-in time set two minutes after the seed
ran (in her own timezone), so whoever runs `make run` sees the scheduler put her prompt in
her inbox at her check-in time.
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta
from functools import partial
from zoneinfo import ZoneInfo

import msgspec
from sqlalchemy import func, select, update

from api.alerts.evaluate import alerts_for_checkin
from api.alerts.rejudge import rejudge_checkins
from api.checkins.schemas import CheckinIn
from api.checkins.service import put_checkin
from api.core.clock import local_today
from api.core.db import Database
from api.core.principal import Principal, SignedInPatient
from api.core.vocabulary import WarningSign
from api.demo.results import seed_results
from api.identity.accounts import accept_invite, create_practitioner
from api.identity.models import Clinic, Patient
from api.identity.patients import create_patient
from api.identity.schemas import PatientCreate
from api.photos.vault import PhotoVault
from api.screening.schemas import ScreeningIn
from api.screening.service import put_screening
from api.treatments.schemas import SessionCreate
from api.treatments.service import create_session

CLINIC_NAME = "Afterline Demo Vein Clinic"
PRACTITIONER_EMAIL = "practitioner@demo.afterline.test"
PRACTITIONER_PASSWORD = "demo-practitioner"
PATIENT_PASSWORD = "demo-patient-pass"


@dataclass(frozen=True)
class DemoPatient:
    name: str
    email: str
    timezone: str
    sessions_weeks_ago: tuple[int, ...]
    recovery: float  # 1.0 typical; above 1 slower
    adherence: float  # chance of checking in on a due day
    worsening: bool = False
    prompt_soon: bool = False  # check-in time two minutes after seeding, for the walkthrough
    # (sclerosant, concentration) of every session; None: drawn at random.
    course: tuple[str, float] | None = None
    # The patient photographs the treated area every this many weeks (the clinic takes the
    # baseline on each session day).
    photo_every_weeks: int = 2


# The demo sends no email: its alerts queue in-app and push deliveries only.
_judge = partial(alerts_for_checkin, email_on=False)

PROMPT_SOON = timedelta(minutes=2)

PATIENTS = (
    DemoPatient("Alice Moreau", "alice@demo.afterline.test", "Europe/London", (10,), 0.7, 0.97),
    DemoPatient("Ben Okafor", "ben@demo.afterline.test", "Europe/London", (11, 5), 1.0, 0.9),
    DemoPatient("Chloe Tan", "chloe@demo.afterline.test", "Asia/Kolkata", (12, 7, 2), 1.1, 0.92),
    DemoPatient("Dev Patel", "dev@demo.afterline.test", "America/New_York", (9,), 1.8, 0.8),
    DemoPatient("Ewa Nowak", "ewa@demo.afterline.test", "Europe/Warsaw", (8,), 1.2, 0.6),
    DemoPatient(
        "Farid Haddad", "farid@demo.afterline.test", "Europe/London", (9, 3), 1.0, 0.95, True
    ),
    DemoPatient(
        "Grace Liu", "grace@demo.afterline.test", "Australia/Sydney", (1,), 1.0, 1.0, False, True
    ),
)
HISTORY_NAMES = (
    "Hannah Brooks",
    "Ibrahim Saleh",
    "Julia Costa",
    "Kofi Mensah",
    "Laura Fischer",
    "Mei Wong",
    "Nadia Rahman",
    "Oscar Lindqvist",
    "Priya Nair",
    "Rosa Alvarez",
    "Sam Taylor",
    "Tomasz Zielinski",
)
HISTORY_COURSES = (("polidocanol", 0.5), ("sodium_tetradecyl_sulfate", 0.25))
CLINIC_PHONE = "+44 20 7946 0000"
# Screening answers that raise flags, by patient; everyone else answers as a good
# candidate (veins under 3 mm, a handful of them, in good health). Grace has not answered
# yet, so her Today screen asks her to.
SCREENING_FLAGGED: dict[str, dict[str, object]] = {
    "Dev Patel": {"largest_vein_mm": 3.5, "vein_count_estimate": 25},
    "Ewa Nowak": {"clotting_disorder": True, "notes": "DVT after a long flight in 2019."},
    "Chloe Tan": {"sclerosant_allergy": True, "notes": "Rash after a session elsewhere."},
}
NOT_SCREENED = {"Grace Liu"}
# Farid's last check-in (yesterday): the warning sign that makes his alert urgent.
FARID_SIGN: WarningSign = "leg_swelling_with_pain"


def history_patients(rng: random.Random) -> list[DemoPatient]:
    """Patients with one course behind them: the clinic's history the band is made from,
    and the outcomes report's (two regimens, enough of each to compare)."""
    return [
        DemoPatient(
            name,
            name.split()[0].lower() + "@demo.afterline.test",
            "Europe/London",
            (rng.randint(9, 13),),
            round(rng.uniform(0.7, 1.4), 2),
            round(rng.uniform(0.86, 0.98), 2),
            course=HISTORY_COURSES[index % len(HISTORY_COURSES)],
            photo_every_weeks=8,  # a photo at the review only
        )
        for index, name in enumerate(HISTORY_NAMES)
    ]


@dataclass(frozen=True)
class DemoLogins:
    practitioner: tuple[str, str]
    patients: list[tuple[str, str]]
    # (name, email, local check-in time, timezone) of the patient prompted soon after seeding
    prompted_soon: tuple[str, str, str, str]


async def database_is_empty(db: Database) -> bool:
    async with db.read() as conn:
        return not await conn.scalar(select(func.count()).select_from(Clinic))


def _fade(peak: float, day: int, half_life: float) -> float:
    return peak * math.exp(-day * math.log(2) / half_life)


def symptoms_on(day: int, profile: DemoPatient, rng: random.Random, since_end: int) -> CheckinIn:
    """Scores for `day` days after a session; `since_end` counts days before the data ends."""
    r = profile.recovery

    def noise() -> float:
        return rng.uniform(-0.6, 0.6)

    def clamp(value: float, top: int) -> int:
        return max(0, min(top, round(value)))

    pain = _fade(4.5, day, 3 * r) + noise()
    swelling = _fade(2.2, day, 4 * r) + noise() * 0.5
    bruising = _fade(2.6, day, 6 * r) + noise() * 0.5
    hardening = (2.0 * math.exp(-((day - 10 * r) ** 2) / (60 * r))) + noise() * 0.4
    discolouration = (1.8 if day > 14 * r else day / (14 * r) * 1.2) * math.exp(
        -max(day - 21, 0) / (50 * r)
    ) + noise() * 0.3
    itching = _fade(1.5, day, 5) + noise() * 0.4
    if profile.worsening and since_end < 6:
        pain = 3 + (6 - since_end) * 1.0 + noise() * 0.3
        swelling = 1 + (6 - since_end) * 0.35
    return CheckinIn(
        pain=clamp(pain, 10),
        swelling=clamp(swelling, 3),
        bruising=clamp(bruising, 3),
        discolouration=clamp(discolouration, 3),
        hardening=clamp(hardening, 3),
        itching=clamp(itching, 3),
        compression_worn=True if day < 3 else None,
        recorded_at=datetime.now(UTC),
    )


def _due(day: int, rng: random.Random, profile: DemoPatient, since_end: int) -> bool:
    """The plan (daily for two weeks, then weekly), with the patient's own reliability."""
    if profile.worsening and since_end < 7:
        return True  # a worried patient checks in every day
    if day >= 14 and day % 7 != 0:
        return False
    return rng.random() < profile.adherence


async def seed_demo(db: Database, now: datetime, vault: PhotoVault) -> DemoLogins:
    rng = random.Random(20261124)
    practitioner, _ = await create_practitioner(
        db, PRACTITIONER_EMAIL, "Dr Maya Chen", CLINIC_NAME, PRACTITIONER_PASSWORD, now
    )
    async with db.read() as conn:
        clinic_id = await conn.scalar(select(Clinic.id).where(Clinic.name == CLINIC_NAME))
    assert clinic_id is not None
    actor = Principal(
        user_id=practitioner.id,
        role="practitioner",
        clinic_id=clinic_id,
        email=practitioner.email,
        name=practitioner.name,
        login_session_id=practitioner.id,
    )
    async with db.write() as tx:
        await tx.execute(update(Clinic).where(Clinic.id == clinic_id).values(phone=CLINIC_PHONE))
    soon = ("", "", "", "")
    for profile in (*PATIENTS, *history_patients(rng)):
        checkin_time = await _seed_patient(db, vault, actor, profile, now, rng)
        if profile.prompt_soon:
            soon = (profile.name, profile.email, checkin_time, profile.timezone)
    return DemoLogins(
        practitioner=(PRACTITIONER_EMAIL, PRACTITIONER_PASSWORD),
        patients=[(p.email, PATIENT_PASSWORD) for p in PATIENTS],
        prompted_soon=soon,
    )


async def _seed_patient(
    db: Database,
    vault: PhotoVault,
    actor: Principal,
    profile: DemoPatient,
    now: datetime,
    rng: random.Random,
) -> str:
    """Returns the patient's check-in time (HH:MM, their local time)."""
    checkin_time = "19:00"
    if profile.prompt_soon:
        checkin_time = (now + PROMPT_SOON).astimezone(ZoneInfo(profile.timezone)).strftime("%H:%M")
    created = await create_patient(
        db,
        actor,
        PatientCreate(
            name=profile.name,
            email=profile.email,
            timezone=profile.timezone,
            checkin_time=checkin_time,
        ),
        now,
        "http://localhost:8000",
    )
    user = await accept_invite(db, created.invite_token, PATIENT_PASSWORD, "seed-demo", now)
    if profile.name not in NOT_SCREENED:
        answers: dict[str, object] = {
            "pregnant_or_breastfeeding": False,
            "sclerosant_allergy": False,
            "clotting_disorder": False,
            "acute_illness": False,
            "largest_vein_mm": round(rng.uniform(0.5, 2.5), 1),
            "vein_count_estimate": rng.randint(3, 15),
            **SCREENING_FLAGGED.get(profile.name, {}),
        }
        await put_screening(db, created.id, msgspec.convert(answers, ScreeningIn), now)
    today = local_today(now, profile.timezone)
    starts = [today - timedelta(weeks=weeks) for weeks in profile.sessions_weeks_ago]
    sessions = []
    for start in starts:
        areas = rng.sample(["leg_left_calf", "leg_right_calf", "leg_left_thigh"], 2)
        sclerosant = rng.choice(("polidocanol", "sodium_tetradecyl_sulfate"))
        concentration = rng.choice((0.25, 0.5, 1.0))
        if profile.course:
            sclerosant, concentration = profile.course
        session = await create_session(
            db,
            actor,
            created.id,
            SessionCreate(
                performed_on=start,
                areas=areas,  # type: ignore[arg-type]
                sclerosant=sclerosant,  # type: ignore[arg-type]
                concentration_pct=concentration,
                volume_ml=round(rng.uniform(2, 6), 1),
                injections=rng.randint(8, 30),
                compression_days=rng.choice((3, 5, 7)),
            ),
            now,
            partial(rejudge_checkins, now=now, email_on=False),
        )
        sessions.append(session)
    if starts:
        # The demo's patients signed up on the day of their first session, weeks ago (the
        # seed accepts their invitations now): their missed days are theirs.
        async with db.write() as tx:
            await tx.execute(
                update(Patient).where(Patient.id == created.id).values(prompts_from=min(starts))
            )
    ends = [*starts[1:], today + timedelta(days=1)]
    zone = ZoneInfo(profile.timezone)
    for start, end in zip(starts, ends, strict=True):
        for offset in range((end - start).days):
            day = start + timedelta(days=offset)
            is_today = day == today
            if is_today or not _due(offset, rng, profile, (today - day).days):
                continue
            body = symptoms_on(offset, profile, rng, (today - day).days)
            if profile.worsening and (today - day).days == 1:
                body.warning_signs = [FARID_SIGN]
            evening = datetime.combine(day, time(19, 30), tzinfo=zone).astimezone(UTC)
            body.recorded_at = min(evening, now)
            await put_checkin(db, created.id, profile.timezone, day, body, now, _judge)
    me = SignedInPatient(user.id, created.id, profile.timezone)
    await seed_results(
        db, vault, actor, me, sessions, now, rng, every_weeks=profile.photo_every_weeks
    )
    return checkin_time
