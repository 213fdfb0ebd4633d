"""Litestar dependencies shared by every route module."""

from __future__ import annotations

import re
import uuid
from datetime import date, datetime
from typing import Any, TypeAlias

from litestar import Request
from litestar.datastructures import State
from litestar.di import NamedDependency, Provide
from litestar.exceptions import PermissionDeniedException

from api.core.db import Database
from api.core.errors import FieldError, NotFoundError
from api.core.principal import Principal, SignedInPatient
from api.core.settings import Settings


def provide_db(state: State) -> Database:
    db: Database = state.db
    return db


def provide_now(state: State) -> datetime:
    now: datetime = state.clock.now()
    return now


def provide_settings(state: State) -> Settings:
    settings: Settings = state.settings
    return settings


def provide_actor(request: Request[Any, Any, Any]) -> Principal:
    user = request.user
    assert isinstance(user, Principal)
    return user


def provide_me(request: Request[Any, Any, Any]) -> SignedInPatient:
    """The signed-in patient for `/api/me` routes (their `patient_only` guard has already
    refused anyone else; this refuses the same way rather than trusting the guard)."""
    user = request.user
    patient = user.as_patient() if isinstance(user, Principal) else None
    if patient is None:
        raise PermissionDeniedException("Only patients can use this")
    return patient


DEPENDENCIES = {
    "db": Provide(provide_db, sync_to_thread=False),
    "now": Provide(provide_now, sync_to_thread=False),
    "settings": Provide(provide_settings, sync_to_thread=False),
    "actor": Provide(provide_actor, sync_to_thread=False),
    "me": Provide(provide_me, sync_to_thread=False),
}


def parse_id(value: str) -> uuid.UUID:
    """A path id; a malformed one is the same 404 as an unknown one."""
    try:
        return uuid.UUID(value)
    except ValueError as exc:
        raise NotFoundError() from exc


_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def parse_local_date(value: str, field: str = "local_date") -> date:
    """A calendar date spelt YYYY-MM-DD, and only that (one day, one URL)."""
    try:
        if not _ISO_DATE.match(value):
            raise ValueError(value)
        return date.fromisoformat(value)
    except ValueError as exc:
        raise FieldError(field, f"{value!r} is not a date in YYYY-MM-DD format") from exc


# Handler parameter types: the names above, declared explicitly for Litestar's injector.
DB: TypeAlias = NamedDependency[Database]
Now: TypeAlias = NamedDependency[datetime]
Actor: TypeAlias = NamedDependency[Principal]
Me: TypeAlias = NamedDependency[SignedInPatient]
AppSettings: TypeAlias = NamedDependency[Settings]
