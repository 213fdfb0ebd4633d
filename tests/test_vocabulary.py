"""One vocabulary: the API's codes and the PWA's generated words agree with api/core/vocabulary."""

from __future__ import annotations

from typing import get_args

from api.checkins.models import SYMPTOMS
from api.core import vocabulary
from api.core.vocabulary_ts import TYPESCRIPT_PATH, render_typescript
from api.screening.flags import FLAGS
from api.treatments.schemas import Area
from tests.conftest import World


def test_every_code_the_api_accepts_has_exactly_one_name() -> None:
    assert tuple(vocabulary.SYMPTOMS) == SYMPTOMS
    assert tuple(vocabulary.WARNING_SIGNS) == get_args(vocabulary.WarningSign)
    assert set(vocabulary.AREAS) == set(get_args(Area))
    assert tuple(vocabulary.SCLEROSANTS) == get_args(vocabulary.Sclerosant)
    assert tuple(vocabulary.SCREENING_FLAGS) == FLAGS
    assert sorted(vocabulary.GRADES) == [0, 1, 2, 3]


def test_no_two_warning_signs_or_symptoms_share_a_name() -> None:
    signs = [sign.name for sign in vocabulary.WARNING_SIGNS.values()]
    symptoms = [symptom.name for symptom in vocabulary.SYMPTOMS.values()]
    assert len(set(signs)) == len(signs) and len(set(symptoms)) == len(symptoms)


def test_the_pwa_vocabulary_is_generated_from_this_one() -> None:
    assert TYPESCRIPT_PATH.read_text() == render_typescript(), "run `make vocabulary`"


async def test_the_api_serves_the_same_words_to_anyone(world: World) -> None:
    answer = await (await world.client()).get("/api/vocabulary")
    assert answer.status_code == 200, answer.text
    assert answer.json() == vocabulary.document()
    sign = answer.json()["warning_signs"]["leg_swelling_with_pain"]
    assert sign == {"name": "Calf or whole-leg swelling with pain", "emergency": False}
