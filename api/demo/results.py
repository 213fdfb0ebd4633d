"""The demo clinic's results: photos, review outcomes and patients' ratings.

Photos are drawn, not taken: a skin-toned square with thin red and violet branching lines
where spider veins would be, fainter week by week after each session (no photo of anyone).
The clinic takes a baseline of the first treated area on each session day; named patients
add one every two weeks, the history patients one at their review. Sessions past their
review get the practitioner's outcome, and patients rate sessions past 4 weeks, so the
outcomes screen has cells with enough assessed sessions to say something. Clearance is
drawn around a level that depends on the drug and strength, so the clinic's report shows a
difference worth reading. Deterministic, from the seed's random generator.
"""

from __future__ import annotations

import io
import math
import random
import uuid
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from PIL import Image, ImageDraw, ImageFilter

from api.core.db import Database
from api.core.principal import Principal, SignedInPatient
from api.core.vocabulary import CLEARANCE
from api.outcomes.schemas import OutcomeIn, RatingIn
from api.outcomes.service import put_outcome, put_rating
from api.photos.imaging import prepare
from api.photos.service import store_photo
from api.photos.vault import PhotoVault
from api.treatments.schemas import SessionOut

PHOTO_SIZE = (640, 480)
SKIN = (226, 186, 160)
GRADES = list(CLEARANCE)  # worse … excellent
# How well each drug and strength clears veins in this demo clinic (an index into GRADES).
LEVEL = {("polidocanol", 0.5): 3.2, ("polidocanol", 1.0): 3.0, ("polidocanol", 0.25): 2.4}
DEFAULT_LEVEL = 2.2


def vein_picture(rng: random.Random, seed: int, faded: float) -> bytes:
    """A drawn patch of skin with spider veins; `faded` 0 (as treated) … 1 (gone)."""
    shape = random.Random(seed)  # the same veins in every photo of one area
    picture = Image.new("RGB", PHOTO_SIZE, SKIN)
    draw = ImageDraw.Draw(picture)
    for _ in range(9):
        x, y = shape.uniform(80, 560), shape.uniform(60, 420)
        angle = shape.uniform(0, 2 * math.pi)
        for _ in range(shape.randint(5, 9)):
            length = shape.uniform(25, 60)
            angle += shape.uniform(-0.7, 0.7)
            nx, ny = x + length * math.cos(angle), y + length * math.sin(angle)
            strength = max(0.0, 1.0 - faded) * shape.uniform(0.6, 1.0)
            colour = tuple(
                round(skin + (vein - skin) * strength)
                for skin, vein in zip(SKIN, (150, 40, 90), strict=True)
            )
            draw.line((x, y, nx, ny), fill=colour, width=shape.randint(2, 4))
            x, y = nx, ny
    jitter = rng.uniform(-0.3, 0.3)  # a little light change from photo to photo
    picture = picture.filter(ImageFilter.GaussianBlur(1.2 + jitter))
    out = io.BytesIO()
    picture.save(out, "JPEG", quality=88)
    return out.getvalue()


def _clearance(rng: random.Random, session: SessionOut) -> str:
    level = LEVEL.get((session.sclerosant, session.concentration_pct), DEFAULT_LEVEL)
    index = round(min(4, max(0, rng.gauss(level, 0.9))))
    return GRADES[index]


async def seed_results(
    db: Database,
    vault: PhotoVault,
    actor: Principal,
    patient: SignedInPatient,
    sessions: list[SessionOut],
    now: datetime,
    rng: random.Random,
    *,
    every_weeks: int,
) -> None:
    """Photos, outcomes and ratings of one demo patient's sessions (oldest first)."""
    today = _local(now, patient.timezone)
    area = sessions[0].areas[0] if sessions else None
    seed = uuid.UUID(int=patient.patient_id.int).int % 10_000
    for index, session in enumerate(sessions):
        # Up to the next session (its day 0 is its own baseline), or today for the last.
        until = (
            sessions[index + 1].performed_on - timedelta(days=1)
            if index + 1 < len(sessions)
            else today
        )
        clearance = _clearance(rng, session)
        progress = GRADES.index(clearance) / 4
        if area:
            span = (until - session.performed_on).days + 1
            days = [0, *range(7 * every_weeks, span, 7 * every_weeks)]
            for day in days:
                when = session.performed_on + timedelta(days=day)
                if when > today:
                    continue
                faded = min(1.0, progress * day / 56) + 0.15 * index
                picture = vein_picture(rng, seed, faded)
                await _photo(db, vault, actor, patient, area, when, picture, now, day == 0)
        if session.review_on <= today:
            await put_outcome(
                db,
                actor,
                session.id,
                OutcomeIn(
                    assessed_on=session.review_on,
                    clearance=clearance,  # type: ignore[arg-type]
                    hyperpigmentation=rng.choice((0, 0, 0, 1, 1, 2)),
                    matting=rng.random() < 0.12,
                    trapped_blood_drained=rng.random() < 0.2,
                    ulceration=rng.random() < 0.02,
                ),
                now,
            )
        if session.performed_on + timedelta(weeks=4) <= today:
            # Patients mostly agree with the grade, give or take a point.
            pgic = min(7, max(1, 5 - GRADES.index(clearance) + rng.choice((-1, 0, 0, 1))))
            satisfaction = min(10, max(0, 11 - 2 * pgic + rng.randint(-1, 1)))
            rated = RatingIn(pgic=pgic, satisfaction=satisfaction)
            await put_rating(db, patient, session.id, rated, now)


def _local(now: datetime, zone: str) -> date:
    return now.astimezone(ZoneInfo(zone)).date()


async def _photo(
    db: Database,
    vault: PhotoVault,
    actor: Principal,
    patient: SignedInPatient,
    area: str,
    day: date,
    picture: bytes,
    now: datetime,
    baseline: bool,
) -> None:
    zone = ZoneInfo(patient.timezone)
    taken_at = min(datetime.combine(day, time(11 if baseline else 18, 0), tzinfo=zone), now)
    await store_photo(
        db,
        vault,
        patient_id=patient.patient_id,
        area=area,
        taken_at=taken_at.astimezone(UTC),
        images=prepare(picture),
        source="clinic" if baseline else "patient",
        uploaded_by=actor.user_id if baseline else patient.user_id,
        now=now,
    )
