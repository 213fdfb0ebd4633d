"""Loading a row within the caller's clinic: found, or the same 404 as a missing id.

Every practitioner route that takes an id goes through here (a patient, a treatment session,
an alert), so another clinic's row is never told apart from one that does not exist.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement, Row, Select
from sqlalchemy.orm import QueryableAttribute

from api.core.db import DbConnection, Transaction
from api.core.errors import NotFoundError
from api.core.principal import Principal


async def one_in_clinic(
    unit: Transaction | DbConnection,
    query: Select[*tuple[Any, ...]],
    clinic_id: ColumnElement[Any] | QueryableAttribute[Any],
    actor: Principal,
) -> Row[*tuple[Any, ...]]:
    """The first row of `query` whose `clinic_id` column is the actor's clinic; else 404."""
    row = (await unit.execute(query.where(clinic_id == actor.clinic_id))).first()
    if row is None:
        raise NotFoundError()
    return row
