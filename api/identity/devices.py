"""Device cookies: the browser remembers which accounts signed in on it before.

OWASP's "Slow Down Online Guessing Attacks with Device Cookies": after a successful sign-in
the browser gets a long-lived cookie naming the account, signed with the server's secret. A
later sign-in to that account presenting it is a *known device*: it is held only to its own
failure limit, not to the account's or the network's, and its argon2 run goes first. So an
attacker hammering an account from elsewhere cannot keep its owner out of their own phone.

The cookie holds up to `MAX_ACCOUNTS` entries (a clinic tablet signs in several people),
newest first: `<user id hex>.<device id>.<signature>`, joined by `~`. The signature is an
HMAC over the user id, the device id and the account's current password hash, so a new
password (the clinic's reset) forgets every device. It is only sent to `/api/auth`, HttpOnly,
SameSite=Strict, Secure in production. Nothing is stored server-side; a device's failures are
counted under its device id in `login_failure`.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
import secrets
import uuid
from dataclasses import dataclass

DEVICE_COOKIE = "afterline_device"
DEVICE_COOKIE_PATH = "/api/auth"
DEVICE_COOKIE_MAX_AGE = 400 * 24 * 3600  # browsers' maximum
MAX_ACCOUNTS = 5
_ENTRY = re.compile(r"^([0-9a-f]{32})\.([A-Za-z0-9_-]{22})\.([A-Za-z0-9_-]{43})$")


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


@dataclass(frozen=True)
class DeviceCookie:
    """The device cookie a request came with, and the key that signs it."""

    raw: str | None
    key: bytes

    @classmethod
    def from_secret(cls, raw: str | None, secret_key: str) -> DeviceCookie:
        # A key of its own, derived from the app secret, so these signatures can never be
        # confused with another use of the same secret (CSRF tokens).
        key = hmac.new(secret_key.encode(), b"afterline device cookie", hashlib.sha256).digest()
        return cls(raw=raw, key=key)

    def _signature(self, user_hex: str, device_id: str, password_hash: str) -> str:
        message = f"{user_hex}.{device_id}.{password_hash}".encode()
        return _b64(hmac.new(self.key, message, hashlib.sha256).digest())

    def _entries(self) -> list[tuple[str, str, str]]:
        if not self.raw:
            return []
        found = (_ENTRY.match(part) for part in self.raw.split("~")[:MAX_ACCOUNTS])
        return [(m[1], m[2], m[3]) for m in found if m]

    @property
    def names_any_account(self) -> bool:
        return bool(self._entries())

    def known_device(self, user_id: uuid.UUID, password_hash: str | None) -> str | None:
        """The device id when this browser signed in to this account before, else None."""
        if not password_hash:
            return None
        for user_hex, device_id, signature in self._entries():
            if user_hex == user_id.hex and hmac.compare_digest(
                signature, self._signature(user_hex, device_id, password_hash)
            ):
                return device_id
        return None

    def remember(self, user_id: uuid.UUID, password_hash: str) -> str:
        """The cookie's new value: this account first, with a fresh device id."""
        device_id = _b64(secrets.token_bytes(16))
        entry = (
            f"{user_id.hex}.{device_id}.{self._signature(user_id.hex, device_id, password_hash)}"
        )
        others = [".".join(parts) for parts in self._entries() if parts[0] != user_id.hex][
            : MAX_ACCOUNTS - 1
        ]
        return "~".join([entry, *others])
