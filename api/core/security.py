"""Password hashing (argon2id) and opaque tokens stored only as their SHA-256."""

from __future__ import annotations

import asyncio
import hashlib
import secrets
import weakref

import anyio
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

_hasher = PasswordHasher()  # argon2id with the library's current recommended parameters

# Verified against when the email is unknown, so both failures cost the same time.
_DUMMY_HASH = _hasher.hash(secrets.token_urlsafe(16))

MIN_PASSWORD_LENGTH = 10
MAX_PASSWORD_LENGTH = 256


# Each argon2 run takes ~64 MiB and tens of milliseconds: a few at a time, on threads, so a
# burst of logins or bogus invite acceptances can neither stall the event loop nor eat memory.
ARGON2_CONCURRENCY = 4
_slots: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, anyio.CapacityLimiter] = (
    weakref.WeakKeyDictionary()
)


def _argon2_slots() -> anyio.CapacityLimiter:
    """One limiter per event loop (a limiter must not outlive or straddle its loop)."""
    loop = asyncio.get_running_loop()
    if loop not in _slots:
        _slots[loop] = anyio.CapacityLimiter(ARGON2_CONCURRENCY)
    return _slots[loop]


async def hash_password_async(password: str) -> str:
    return await anyio.to_thread.run_sync(hash_password, password, limiter=_argon2_slots())


async def verify_password_async(password_hash: str | None, password: str) -> bool:
    return await anyio.to_thread.run_sync(
        verify_password, password_hash, password, limiter=_argon2_slots()
    )


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(password_hash: str | None, password: str) -> bool:
    try:
        return _hasher.verify(password_hash or _DUMMY_HASH, password) and password_hash is not None
    except (VerificationError, InvalidHashError):
        return False


def new_token() -> str:
    return secrets.token_urlsafe(32)


def token_digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()
