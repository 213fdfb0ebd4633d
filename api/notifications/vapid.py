"""The server's VAPID key pair (RFC 8292), which identifies Afterline to push services.

The private key comes from `AFTERLINE_VAPID_PRIVATE_KEY` (PEM, or the base64url raw key
`afterline vapid` prints), or from `<data dir>/vapid_private.pem`, generated on first use
with mode 0600. Browsers subscribe with the public key, so it must not change once patients
have subscribed: back up the data directory (or set the variable) in production.
"""

from __future__ import annotations

import base64
import logging
import os
import tempfile
import time
from email.utils import parseaddr
from pathlib import Path
from urllib.parse import urlsplit

from cryptography.hazmat.primitives import serialization
from py_vapid import Vapid

from api.core.settings import Settings

log = logging.getLogger("afterline.notifications")

KEY_FILE = "vapid_private.pem"
TOKEN_LIFETIME_S = 12 * 3600  # push services refuse tokens valid for more than 24 hours
TOKEN_REUSE_S = 3600


def _b64url(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def key_path(settings: Settings) -> Path:
    return settings.data_dir / KEY_FILE


def ensure_key_file(settings: Settings) -> tuple[Path, bool]:
    """The key file, created (mode 0600) when missing; True when it was created just now."""
    path = key_path(settings)
    if path.exists():
        return path, False
    path.parent.mkdir(parents=True, exist_ok=True)
    vapid = Vapid()
    vapid.generate_keys()
    # Written to a private temporary file, then linked into place: a process starting at the
    # same moment sees either no key or a whole one, and only one key ever wins.
    fd, temporary = tempfile.mkstemp(dir=path.parent, prefix=".vapid-")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(vapid.private_pem())
        os.link(temporary, path)
    except FileExistsError:  # another process created it first: use theirs
        return path, False
    finally:
        os.unlink(temporary)
    if settings.is_production:
        log.warning(
            "generated a Web Push key in %s: with several API hosts, set "
            "AFTERLINE_VAPID_PRIVATE_KEY so they all hand out the same public key",
            path,
        )
    return path, True


def load_vapid(settings: Settings) -> Vapid:
    if settings.vapid_private_key:
        key = settings.vapid_private_key.strip()
        if key.startswith("-----BEGIN"):
            return Vapid.from_pem(key.encode())
        return Vapid.from_string(key)
    path, _ = ensure_key_file(settings)
    return Vapid.from_file(str(path))


def public_key(vapid: Vapid) -> str:
    """The application server key browsers pass to `PushManager.subscribe`."""
    raw = vapid.public_key.public_bytes(
        serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint
    )
    return _b64url(raw)


def private_key_b64(vapid: Vapid) -> str:
    number = vapid.private_key.private_numbers().private_value
    return _b64url(number.to_bytes(32, "big"))


def subject(settings: Settings) -> str:
    """Who push services contact about our traffic: a mailto: or https: URL."""
    if settings.vapid_subject:
        return settings.vapid_subject
    if settings.smtp is not None:
        return f"mailto:{parseaddr(settings.smtp.sender)[1]}"
    host = urlsplit(settings.base_url).hostname or "localhost"
    if settings.base_url.startswith("https://"):
        return f"https://{host}"
    return f"mailto:afterline@{host}"


class VapidSigner:
    """Signs the Authorization header per push-service origin, reusing it for an hour.

    The JWT's expiry is about real time at the push service, so it reads the system clock,
    not the application clock that tests move.
    """

    def __init__(self, vapid: Vapid, subject: str) -> None:
        self._vapid = vapid
        self._subject = subject
        self._cache: dict[str, tuple[float, dict[str, str]]] = {}

    def headers(self, endpoint: str) -> dict[str, str]:
        parts = urlsplit(endpoint)
        audience = f"{parts.scheme}://{parts.netloc}"
        wall = time.time()
        cached = self._cache.get(audience)
        if cached is not None and cached[0] > wall:
            return cached[1]
        claims = {"aud": audience, "sub": self._subject, "exp": int(wall) + TOKEN_LIFETIME_S}
        signed: dict[str, str] = self._vapid.sign(claims)
        self._cache[audience] = (wall + TOKEN_REUSE_S, signed)
        return signed
