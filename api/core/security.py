"""Password hashing (argon2id) and opaque tokens stored only as their SHA-256."""

from __future__ import annotations

import asyncio
import hashlib
import secrets
import weakref

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from api.core.argon2_queue import Argon2Queue, Busy, default_slots

_hasher = PasswordHasher()  # argon2id with the library's current recommended parameters

# Verified against when the email is unknown, so both failures cost the same time.
_DUMMY_HASH = _hasher.hash(secrets.token_urlsafe(16))

MIN_PASSWORD_LENGTH = 10
MAX_PASSWORD_LENGTH = 256

__all__ = ["Busy", "argon2_queue", "hash_password_async", "verify_password_async"]

# Each argon2 run takes ~64 MiB and a fifth of a second of a core: a few at a time, on
# threads, admitted by `Argon2Queue` (known devices first, a bounded line for the rest).
ARGON2_CONCURRENCY = default_slots()
_queues: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, Argon2Queue] = (
    weakref.WeakKeyDictionary()
)


def argon2_queue() -> Argon2Queue:
    """One queue per event loop (its futures must not outlive or straddle their loop)."""
    loop = asyncio.get_running_loop()
    if loop not in _queues:
        _queues[loop] = Argon2Queue(ARGON2_CONCURRENCY)
    return _queues[loop]


async def hash_password_async(password: str) -> str:
    """Hashed ahead of unknown sign-ins: only reached with a valid invitation, or by an operator."""
    return await argon2_queue().run(hash_password, password, urgent=True)


async def verify_password_async(
    password_hash: str | None, password: str, *, known_device: bool = False
) -> bool:
    """True when the password matches; `Busy` when the line for unknown devices is full."""
    return await argon2_queue().run(verify_password, password_hash, password, urgent=known_device)


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
