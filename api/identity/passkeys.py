"""Passkeys (WebAuthn), with `webauthn` (py_webauthn) checking every ceremony.

A passkey is a discoverable credential that verifies its user (a fingerprint, a face or the
device PIN), so one passkey sign-in proves something you have and something you are or
know: it counts as both factors and needs no password. Signing in asks for no username:
the browser offers the passkeys it holds for this site and the chosen one names its user.

The relying party is the host of `AFTERLINE_BASE_URL`, and the only origin accepted is that
URL's: a passkey ceremony run on another site (a phishing copy) is refused. WebAuthn needs a
domain name, so a server reached by IP address offers no passkeys (`make run` serves on
`localhost` for that reason).

Each challenge is stored (`PasskeyChallenge`), lives 5 minutes and is used once; expired
ones are swept whenever a new one is made. Passkey sign-ins count towards the sign-in
limits like passwords; the signature counter must move forward when the authenticator
keeps one (a cloned authenticator is refused).
"""

from __future__ import annotations

import ipaddress
import json
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import urlsplit

import msgspec
from sqlalchemy import delete, select, update
from webauthn import (
    base64url_to_bytes,
    generate_authentication_options,
    generate_registration_options,
    options_to_json,
    verify_authentication_response,
    verify_registration_response,
)
from webauthn.helpers.exceptions import WebAuthnException
from webauthn.helpers.structs import (
    AuthenticatorSelectionCriteria,
    PublicKeyCredentialDescriptor,
    ResidentKeyRequirement,
    UserVerificationRequirement,
)

from api.audit.service import record
from api.core.db import Database, Transaction
from api.core.errors import ConflictError, FieldError, NotFoundError
from api.core.principal import Principal, UserOut
from api.identity.limits import Attempt, forget_attempt, reserve_attempt
from api.identity.models import Passkey, PasskeyChallenge, User

CHALLENGE_LIFETIME = timedelta(minutes=5)
PASSKEY_KEY = "#passkey"  # the sign-in limits' account for a passkey nobody holds
NOT_ACCEPTED = "was not accepted; try again, or sign in with your password"
NO_DOMAIN = "Passkeys need the server to be reached by a domain name (such as localhost)"


class PasskeyOut(msgspec.Struct):
    id: uuid.UUID
    name: str
    created_at: datetime
    last_used_at: datetime | None


@dataclass(frozen=True)
class RelyingParty:
    """Who passkeys are made for: the site's host name and its one origin."""

    id: str
    origin: str
    name: str = "Afterline"

    @classmethod
    def of(cls, base_url: str) -> RelyingParty:
        parts = urlsplit(base_url)
        host = parts.hostname or ""
        try:
            ipaddress.ip_address(host)
        except ValueError:
            return cls(id=host, origin=f"{parts.scheme}://{parts.netloc}")
        raise ConflictError(NO_DOMAIN)


def _challenge_of(credential: dict[str, Any]) -> bytes:
    """The challenge the browser signed, read from its client data (to find ours)."""
    try:
        client_data = json.loads(base64url_to_bytes(credential["response"]["clientDataJSON"]))
        return base64url_to_bytes(client_data["challenge"])
    except (KeyError, TypeError, ValueError) as exc:
        raise FieldError("credential", "is not a passkey response") from exc


async def _new_challenge(
    tx: Transaction, challenge: bytes, user_id: uuid.UUID | None, now: datetime
) -> None:
    await tx.execute(delete(PasskeyChallenge).where(PasskeyChallenge.expires_at <= now))
    tx.add(
        PasskeyChallenge(challenge=challenge, user_id=user_id, expires_at=now + CHALLENGE_LIFETIME)
    )


async def _use_challenge(
    db: Database, challenge: bytes, user_id: uuid.UUID | None, now: datetime
) -> None:
    """Consume a live challenge made for this user (None: for a sign-in), or refuse."""
    async with db.write() as tx:
        used = await tx.scalar(
            delete(PasskeyChallenge)
            .where(
                PasskeyChallenge.challenge == challenge,
                PasskeyChallenge.expires_at > now,
                PasskeyChallenge.user_id.is_(None)
                if user_id is None
                else PasskeyChallenge.user_id == user_id,
            )
            .returning(PasskeyChallenge.id)
        )
    if used is None:
        raise FieldError("credential", "answers no current request; start again")


async def registration_options(
    db: Database, actor: Principal, rp: RelyingParty, now: datetime
) -> dict[str, Any]:
    async with db.write() as tx:
        held = (
            await tx.scalars(select(Passkey.credential_id).where(Passkey.user_id == actor.user_id))
        ).all()
        options = generate_registration_options(
            rp_id=rp.id,
            rp_name=rp.name,
            user_name=actor.email,
            user_id=actor.user_id.bytes,
            user_display_name=actor.name,
            authenticator_selection=AuthenticatorSelectionCriteria(
                resident_key=ResidentKeyRequirement.REQUIRED,
                user_verification=UserVerificationRequirement.REQUIRED,
            ),
            exclude_credentials=[PublicKeyCredentialDescriptor(id=c) for c in held],
        )
        await _new_challenge(tx, options.challenge, actor.user_id, now)
    answer: dict[str, Any] = json.loads(options_to_json(options))
    return answer


async def register_passkey(
    db: Database,
    actor: Principal,
    rp: RelyingParty,
    credential: dict[str, Any],
    name: str,
    now: datetime,
) -> PasskeyOut:
    challenge = _challenge_of(credential)
    await _use_challenge(db, challenge, actor.user_id, now)
    try:
        verified = verify_registration_response(
            credential=credential,
            expected_challenge=challenge,
            expected_rp_id=rp.id,
            expected_origin=rp.origin,
            require_user_verification=True,
        )
    except (WebAuthnException, ValueError, TypeError, KeyError) as exc:
        raise FieldError("credential", NOT_ACCEPTED) from exc
    passkey = Passkey(
        id=uuid.uuid4(),
        user_id=actor.user_id,
        credential_id=verified.credential_id,
        public_key=verified.credential_public_key,
        sign_count=verified.sign_count,
        name=name[:100],
        created_at=now,
    )
    async with db.write() as tx:
        if await tx.scalar(
            select(Passkey.id).where(Passkey.credential_id == passkey.credential_id)
        ):
            raise ConflictError("This passkey is already registered")
        tx.add(passkey)
        record(tx, actor_id=actor.user_id, clinic_id=actor.clinic_id, action="passkey.add", at=now)
    return PasskeyOut(id=passkey.id, name=passkey.name, created_at=now, last_used_at=None)


async def list_passkeys(db: Database, actor: Principal) -> list[PasskeyOut]:
    async with db.read() as conn:
        rows = await conn.execute(
            select(Passkey.id, Passkey.name, Passkey.created_at, Passkey.last_used_at)
            .where(Passkey.user_id == actor.user_id)
            .order_by(Passkey.created_at, Passkey.id)
        )
        return [PasskeyOut(r.id, r.name, r.created_at, r.last_used_at) for r in rows]


async def remove_passkey(
    db: Database, actor: Principal, passkey_id: uuid.UUID, now: datetime
) -> None:
    async with db.write() as tx:
        removed = await tx.scalar(
            delete(Passkey)
            .where(Passkey.id == passkey_id, Passkey.user_id == actor.user_id)
            .returning(Passkey.id)
        )
        if removed is None:
            raise NotFoundError()
        record(
            tx, actor_id=actor.user_id, clinic_id=actor.clinic_id, action="passkey.remove", at=now
        )


async def sign_in_options(db: Database, rp: RelyingParty, now: datetime) -> dict[str, Any]:
    options = generate_authentication_options(
        rp_id=rp.id, user_verification=UserVerificationRequirement.REQUIRED
    )
    async with db.write() as tx:
        await _new_challenge(tx, options.challenge, None, now)
    answer: dict[str, Any] = json.loads(options_to_json(options))
    return answer


async def sign_in_with_passkey(
    db: Database, rp: RelyingParty, credential: dict[str, Any], ip: str, now: datetime
) -> UserOut:
    """The passkey's user, signed in with both factors; 422 naming `credential` if not."""
    challenge = _challenge_of(credential)
    try:
        credential_id = base64url_to_bytes(credential["rawId"])
    except (KeyError, TypeError, ValueError) as exc:
        raise FieldError("credential", "is not a passkey response") from exc
    async with db.read() as conn:
        row = (
            await conn.execute(
                select(
                    Passkey.id,
                    Passkey.public_key,
                    Passkey.sign_count,
                    User.id.label("user_id"),
                    User.email,
                    User.name,
                    User.role,
                )
                .join(User, User.id == Passkey.user_id)
                .where(Passkey.credential_id == credential_id)
            )
        ).first()
    attempt = await reserve_attempt(db, Attempt(row.email if row else PASSKEY_KEY, ip), now)
    await _use_challenge(db, challenge, None, now)
    if row is None:
        raise FieldError("credential", NOT_ACCEPTED)
    try:
        verified = verify_authentication_response(
            credential=credential,
            expected_challenge=challenge,
            expected_rp_id=rp.id,
            expected_origin=rp.origin,
            credential_public_key=row.public_key,
            credential_current_sign_count=row.sign_count,
            require_user_verification=True,
        )
    except (WebAuthnException, ValueError, TypeError, KeyError) as exc:
        raise FieldError("credential", NOT_ACCEPTED) from exc
    async with db.write() as tx:
        await tx.execute(
            update(Passkey)
            .where(Passkey.id == row.id)
            .values(sign_count=verified.new_sign_count, last_used_at=now)
        )
    await forget_attempt(db, attempt)
    return UserOut(id=row.user_id, email=row.email, name=row.name, role=row.role)
