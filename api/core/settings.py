"""Settings read once from the environment.

Secrets that must survive restarts but need no operator action (the session and CSRF secret)
are generated on first start and kept in the data directory, so a fresh clone works with
`make run` while production refuses to start without an explicit `AFTERLINE_SECRET_KEY`.
"""

from __future__ import annotations

import os
import secrets
from dataclasses import dataclass
from pathlib import Path

DEFAULT_DATABASE_URL = "sqlite+aiosqlite:///var/afterline.db"


class SettingsError(RuntimeError):
    """The environment describes a configuration Afterline must not run with."""


@dataclass(frozen=True, slots=True)
class Settings:
    database_url: str
    data_dir: Path
    secret_key: str
    env: str
    base_url: str

    @property
    def is_production(self) -> bool:
        return self.env == "production"


def _load_or_create_secret(data_dir: Path) -> str:
    path = data_dir / "secret_key"
    if path.exists():
        return path.read_text().strip()
    data_dir.mkdir(parents=True, exist_ok=True)
    key = secrets.token_urlsafe(48)
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
    database_url = env_vars.get("DATABASE_URL", "").strip() or DEFAULT_DATABASE_URL
    if database_url.startswith("sqlite") and ":memory:" not in database_url:
        db_path = database_url.split(":///", 1)[-1]
        if db_path:
            Path(db_path).parent.mkdir(parents=True, exist_ok=True)
    base_url = env_vars.get("AFTERLINE_BASE_URL", "http://127.0.0.1:8000").rstrip("/")
    return Settings(
        database_url=database_url,
        data_dir=data_dir,
        secret_key=secret_key,
        env=env,
        base_url=base_url,
    )
