"""The recovery timeline as the charts read it."""

from __future__ import annotations

from api.checkins.schemas import SymptomTimeline
from api.outcomes.schemas import OutcomeOut, RatingOut
from api.photos.schemas import PhotoOut


class Timeline(SymptomTimeline):
    """Per session and day since it: every symptom score (`points`), the clinic's usual range
    (`band`), and the results, so the patient sees them appearing: `photos` along the weeks,
    the review's `outcomes` and the patient's own `ratings`, one of each per session."""

    photos: list[PhotoOut]
    outcomes: list[OutcomeOut]
    ratings: list[RatingOut]
