"""`AFTERLINE_CLOCK_OFFSET`: the system clock moved by a fixed offset (the browser tests' clock)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from api.core.clock import ShiftedClock, SystemClock, clock_shifted
from api.core.settings import SettingsError, load_settings


def test_the_clock_is_the_system_time_moved_and_runs_at_real_speed() -> None:
    offset = timedelta(days=-3, hours=5)
    before = datetime.now(UTC)
    first = ShiftedClock(offset).now()
    second = clock_shifted(offset).now()
    after = datetime.now(UTC)
    assert before + offset <= first <= second <= after + offset
    assert first.tzinfo is UTC
    assert isinstance(clock_shifted(None), SystemClock)


def test_the_setting_is_seconds_within_a_century_and_never_in_production(tmp_path: Path) -> None:
    base = {"AFTERLINE_DATA_DIR": str(tmp_path)}
    assert load_settings(base).clock_offset is None
    assert load_settings({**base, "AFTERLINE_CLOCK_OFFSET": "-86400.5"}).clock_offset == (
        timedelta(days=-1, seconds=-0.5)
    )
    for wrong, words in (
        ("yesterday", "number of seconds"),
        ("nan", "hundred years"),
        ("1e12", "hundred years"),
    ):
        with pytest.raises(SettingsError, match=words):
            load_settings({**base, "AFTERLINE_CLOCK_OFFSET": wrong})
    production = {
        **base,
        "AFTERLINE_ENV": "production",
        "AFTERLINE_SECRET_KEY": "x" * 40,
        "AFTERLINE_PHOTO_KEY": "k" * 43,
        "AFTERLINE_CLOCK_OFFSET": "3600",
    }
    with pytest.raises(SettingsError, match="never production"):
        load_settings(production)
