"""Small FHIR building blocks shared by the bundle's modules."""

from __future__ import annotations

from datetime import date
from typing import Any

from fhir.resources.R4B.codeableconcept import CodeableConcept
from fhir.resources.R4B.coding import Coding


def concept(system: str, code: str, display: str, text: str | None = None) -> CodeableConcept:
    return CodeableConcept(
        coding=[Coding(system=system, code=code, display=display)], text=text or display
    )


def day(value: date) -> Any:
    """A calendar date as a FHIR dateTime, which may be a bare date (no time, no zone).

    The check-in's local date and the session date are days, not instants: an invented
    midnight in some zone would be wrong. The library accepts a date string; its type
    annotation only says `datetime`, hence `Any`.
    """
    return value.isoformat()
