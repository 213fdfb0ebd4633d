"""Changing your own password: the current one first, then every other session ends.

The current password is checked like a sign-in (it counts towards the sign-in limits), so
a session left open on a shared computer cannot be used to guess it or to lock its owner
out by changing it without knowing it.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select, update

from api.audit.service import record
from api.core.db import Database
from api.core.errors import FieldError
from api.core.principal import Principal
from api.core.security import hash_password_async, verify_password_async
from api.identity.accounts import check_new_password
from api.identity.limits import Attempt, forget_attempt, reserve_attempt
from api.identity.login_sessions import end_sessions_except
from api.identity.models import User


async def confirm_password(
    db: Database, actor: Principal, password: str, ip: str, now: datetime, field: str
) -> None:
    """Check the signed-in user's own password before something that cannot be undone, or
    refuse naming `field`; counted like a sign-in."""
    attempt = await reserve_attempt(db, Attempt(actor.email, ip), now)
    async with db.read() as conn:
        old_hash = await conn.scalar(select(User.password_hash).where(User.id == actor.user_id))
    if old_hash is None or not await verify_password_async(old_hash, password, known_device=True):
        raise FieldError(field, "is not your current password")
    await forget_attempt(db, attempt)


async def change_password(
    db: Database, actor: Principal, current: str, new: str, ip: str, now: datetime
) -> int:
    """Set a new password; returns how many other sessions were ended."""
    try:
        check_new_password(new)
    except FieldError as error:
        raise FieldError("new_password", error.detail.removeprefix("password: ")) from None
    await confirm_password(db, actor, current, ip, now, "current_password")
    new_hash = await hash_password_async(new)
    async with db.write() as tx:
        await tx.execute(
            update(User).where(User.id == actor.user_id).values(password_hash=new_hash)
        )
        ended = await end_sessions_except(tx, actor.user_id, actor.login_session_id)
        record(
            tx,
            actor_id=actor.user_id,
            clinic_id=actor.clinic_id,
            action="password.update",
            at=now,
            detail={"sessions_ended": ended},
        )
    return ended
