"""Settings read once from the environment.

Secrets that must survive restarts but need no operator action (the session and CSRF secret,
the key that seals photos at rest) are generated on first start and kept in the data
directory, so a fresh clone works with `make run` while production refuses to start without
an explicit `AFTERLINE_SECRET_KEY` and `AFTERLINE_PHOTO_KEY`.
"""

from __future__ import annotations

import base64
import binascii
import ipaddress
import os
import secrets
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlsplit

DEFAULT_DATABASE_URL = "sqlite+aiosqlite:///var/afterline.db"
# Requests one process works on at once; past it, 503 at once (see api.core.overload).
DEFAULT_MAX_CONCURRENCY = 32


class SettingsError(RuntimeError):
    """The environment describes a configuration Afterline must not run with."""


@dataclass(frozen=True, slots=True)
class SmtpSettings:
    host: str
    port: int
    sender: str
    user: str | None = None
    password: str | None = None
    # None: upgrade with STARTTLS when the server offers it; True: require it; False: never.
    starttls: bool | None = None


@dataclass(frozen=True, slots=True)
class Settings:
    database_url: str
    data_dir: Path
    secret_key: str
    # 32 bytes: the AES-256-GCM key photos are sealed with (api.photos.vault).
    photo_key: bytes
    env: str
    base_url: str
    # None: the email channel is off (no SMTP_* variables set).
    smtp: SmtpSettings | None = None
    # PEM or base64url; None: generated once into `data_dir` (see api.notifications.vapid).
    vapid_private_key: str | None = None
    vapid_subject: str | None = None
    # Extra push-service origins beyond the well-known ones, e.g. a local test receiver.
    push_endpoint_allow: tuple[str, ...] = field(default_factory=tuple)
    # Requests in flight in one process before the next is refused with 503 + Retry-After.
    max_concurrency: int = DEFAULT_MAX_CONCURRENCY
    # Reverse proxies whose X-Forwarded-For is believed (IPs or CIDR networks); none by default.
    trusted_proxies: tuple[str, ...] = field(default_factory=tuple)
    # Outside production only: the system clock moved by this much (api.core.clock.ShiftedClock),
    # so the browser tests never straddle a patient's midnight.
    clock_offset: timedelta | None = None
    # Practitioners must have a second factor (TOTP or a passkey) before they see anything:
    # always in production; elsewhere with AFTERLINE_REQUIRE_SECOND_FACTOR=1.
    second_factor_required: bool = False

    @property
    def is_production(self) -> bool:
        return self.env == "production"


def _load_or_create_secret(data_dir: Path, name: str = "secret_key", size: int = 48) -> str:
    path = data_dir / name
    if path.exists():
        return path.read_text().strip()
    data_dir.mkdir(parents=True, exist_ok=True)
    key = secrets.token_urlsafe(size)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as handle:
        handle.write(key)
    return key


def load_settings(environ: dict[str, str] | None = None) -> Settings:
    env_vars = dict(os.environ if environ is None else environ)
    env = env_vars.get("AFTERLINE_ENV", "development").strip() or "development"
    if env not in {"development", "production", "test"}:
        raise SettingsError(f"AFTERLINE_ENV must be development, test or production, not {env!r}")
    data_dir = Path(env_vars.get("AFTERLINE_DATA_DIR", "var"))
    secret_key = env_vars.get("AFTERLINE_SECRET_KEY", "").strip()
    if not secret_key:
        if env == "production":
            raise SettingsError("AFTERLINE_SECRET_KEY must be set when AFTERLINE_ENV=production")
        secret_key = _load_or_create_secret(data_dir)
    if len(secret_key) < 32:
        raise SettingsError("AFTERLINE_SECRET_KEY must be at least 32 characters")
    photo_key = _photo_key(env_vars.get("AFTERLINE_PHOTO_KEY", "").strip(), env, data_dir)
    database_url = env_vars.get("DATABASE_URL", "").strip() or DEFAULT_DATABASE_URL
    if database_url.startswith("sqlite") and ":memory:" not in database_url:
        db_path = database_url.split(":///", 1)[-1]
        if db_path:
            Path(db_path).parent.mkdir(parents=True, exist_ok=True)
    base_url = env_vars.get("AFTERLINE_BASE_URL", "http://localhost:8000").rstrip("/")
    return Settings(
        database_url=database_url,
        data_dir=data_dir,
        secret_key=secret_key,
        photo_key=photo_key,
        env=env,
        base_url=base_url,
        smtp=_smtp_settings(env_vars),
        vapid_private_key=env_vars.get("AFTERLINE_VAPID_PRIVATE_KEY", "").strip() or None,
        vapid_subject=env_vars.get("AFTERLINE_VAPID_SUBJECT", "").strip() or None,
        push_endpoint_allow=_origins(env_vars.get("AFTERLINE_PUSH_ENDPOINT_ALLOW", "")),
        trusted_proxies=_networks(env_vars.get("AFTERLINE_TRUSTED_PROXIES", "")),
        max_concurrency=_max_concurrency(env_vars.get("AFTERLINE_MAX_CONCURRENCY", "")),
        clock_offset=_clock_offset(env_vars.get("AFTERLINE_CLOCK_OFFSET", ""), env),
        second_factor_required=env == "production"
        or env_vars.get("AFTERLINE_REQUIRE_SECOND_FACTOR", "").strip() == "1",
    )


def _photo_key(value: str, env: str, data_dir: Path) -> bytes:
    """32 bytes, given base64url-encoded. Losing it loses every photo, so production must
    name it (and keep it apart from the database backups it unlocks)."""
    if not value:
        if env == "production":
            raise SettingsError("AFTERLINE_PHOTO_KEY must be set when AFTERLINE_ENV=production")
        value = _load_or_create_secret(data_dir, "photo_key", 32)
    try:
        key = base64.urlsafe_b64decode(value + "=" * (-len(value) % 4))
    except (binascii.Error, ValueError) as exc:
        raise SettingsError("AFTERLINE_PHOTO_KEY must be base64url") from exc
    if len(key) != 32:
        raise SettingsError("AFTERLINE_PHOTO_KEY must be 32 bytes (43 base64url characters)")
    return key


def _clock_offset(value: str, env: str) -> timedelta | None:
    """Seconds (negative: the past) added to the system time; never in production."""
    if not value.strip():
        return None
    if env == "production":
        raise SettingsError("AFTERLINE_CLOCK_OFFSET is for tests and demos, never production")
    try:
        seconds = float(value)
    except ValueError as exc:
        raise SettingsError("AFTERLINE_CLOCK_OFFSET must be a number of seconds") from exc
    if not abs(seconds) <= 100 * 366 * 86400:  # also refuses nan and inf
        raise SettingsError("AFTERLINE_CLOCK_OFFSET must be within a hundred years")
    return timedelta(seconds=seconds)


def _max_concurrency(value: str) -> int:
    """A positive whole number: with no limit, overload turns into timeouts for everyone."""
    if not value.strip():
        return DEFAULT_MAX_CONCURRENCY
    try:
        limit = int(value)
    except ValueError as exc:
        raise SettingsError("AFTERLINE_MAX_CONCURRENCY must be a whole number") from exc
    if limit < 1:
        raise SettingsError("AFTERLINE_MAX_CONCURRENCY must be at least 1")
    return limit


def _smtp_settings(env_vars: dict[str, str]) -> SmtpSettings | None:
    """SMTP from `SMTP_*`; none of them set means email is off, half of them is an error."""
    names = ("SMTP_HOST", "SMTP_PORT", "SMTP_USER", "SMTP_PASSWORD", "SMTP_FROM", "SMTP_STARTTLS")
    given = {name: env_vars.get(name, "").strip() for name in names}
    if not any(given.values()):
        return None
    if not given["SMTP_HOST"] or not given["SMTP_FROM"]:
        raise SettingsError("SMTP_HOST and SMTP_FROM are needed once any SMTP_* variable is set")
    starttls_flag = given["SMTP_STARTTLS"].lower()
    if starttls_flag not in {"", "0", "1", "true", "false", "yes", "no"}:
        raise SettingsError("SMTP_STARTTLS must be true or false")
    starttls = None if not starttls_flag else starttls_flag in {"1", "true", "yes"}
    try:
        port = int(given["SMTP_PORT"] or "25")
    except ValueError as exc:
        raise SettingsError("SMTP_PORT must be a number") from exc
    if port == 465 and starttls:
        raise SettingsError("SMTP_PORT 465 is implicit TLS: leave SMTP_STARTTLS unset or false")
    return SmtpSettings(
        host=given["SMTP_HOST"],
        port=port,
        sender=given["SMTP_FROM"],
        user=given["SMTP_USER"] or None,
        password=given["SMTP_PASSWORD"] or None,
        starttls=starttls,
    )


def _origins(value: str) -> tuple[str, ...]:
    """`scheme://host[:port]` origins from a comma-separated list; anything else is an error."""
    origins = []
    for item in (part.strip() for part in value.split(",")):
        if not item:
            continue
        parts = urlsplit(item)
        if parts.scheme not in {"http", "https"} or not parts.hostname or parts.path.strip("/"):
            raise SettingsError(
                f"AFTERLINE_PUSH_ENDPOINT_ALLOW: {item!r} is not an origin like https://host:port"
            )
        origins.append(f"{parts.scheme}://{parts.netloc.lower()}")
    return tuple(origins)


def _networks(value: str) -> tuple[str, ...]:
    """IP addresses or CIDR networks from a comma-separated list; anything else is an error.

    No wildcard: the sign-in limits count failures per client address, so trusting a header
    from anyone would let every request name its own address.
    """
    networks = []
    for item in (part.strip() for part in value.split(",")):
        if not item:
            continue
        try:
            network = ipaddress.ip_network(item, strict=False)
        except ValueError as exc:
            raise SettingsError(
                f"AFTERLINE_TRUSTED_PROXIES: {item!r} is not an IP address or a network "
                "like 10.0.0.0/8"
            ) from exc
        networks.append(str(network.network_address if "/" not in item else network))
    return tuple(networks)
