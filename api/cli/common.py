"""What every command shares."""

from __future__ import annotations

from datetime import datetime

from api.core.settings import load_settings


def settings_now() -> datetime:
    """Now, by the clock the server would read (`AFTERLINE_CLOCK_OFFSET` outside production)."""
    from api.core.clock import clock_shifted

    return clock_shifted(load_settings().clock_offset).now()
