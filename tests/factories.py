"""Rows for bulk inserts, shared by the tests and the benchmarks (`bench/`).

The API builds everything a test needs through its routes; these are for the few tests (and
the benchmark's seed) that need many rows faster than requests can make them.
"""

from __future__ import annotations

import uuid
from datetime import date, datetime, timedelta
from typing import Any


def session_row(patient_id: uuid.UUID, performed_on: date, now: datetime) -> dict[str, Any]:
    """A typical session (defaults of the treatment form) as a row for a bulk insert."""
    return {
        "id": uuid.uuid4(),
        "patient_id": patient_id,
        "performed_on": performed_on,
        "areas": ["leg_left_calf"],
        "sclerosant": "polidocanol",
        "concentration_pct": 0.5,
        "volume_ml": 3.0,
        "injections": 12,
        "compression_days": 3,
        "restriction_days": 3,
        "review_on": performed_on + timedelta(weeks=8),
        "daily_days": 14,
        "notes": None,
        "created_at": now,
        "updated_at": now,
    }
