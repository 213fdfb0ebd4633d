"""Which push endpoints the server will POST to.

A subscription's endpoint is a URL the client hands us, and the dispatcher POSTs to it: left
open, any signed-in user could make the server call internal addresses (SSRF). Only `https`
URLs on the browsers' push services are accepted, plus the origins an operator adds with
`AFTERLINE_PUSH_ENDPOINT_ALLOW` (a private push service, or a local receiver in tests).
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

# Host suffixes of the push services of Chrome/Edge/Android (FCM), Firefox (autopush),
# Safari (Apple) and Windows (WNS).
KNOWN_PUSH_HOSTS = (
    "fcm.googleapis.com",
    "android.googleapis.com",
    "push.services.mozilla.com",
    "push.apple.com",
    "notify.windows.com",
)
MAX_ENDPOINT_LENGTH = 1000
_UNSAFE = re.compile(r"[^\x21-\x7e]|\\")


def _host_is_known(host: str) -> bool:
    return any(host == known or host.endswith("." + known) for known in KNOWN_PUSH_HOSTS)


def endpoint_problem(endpoint: str, extra_origins: tuple[str, ...]) -> str | None:
    """Why the endpoint is refused, or None when the server may send to it."""
    if len(endpoint) > MAX_ENDPOINT_LENGTH:
        return f"must be at most {MAX_ENDPOINT_LENGTH} characters"
    # URL parsers disagree about backslashes, spaces and control characters (a browser reads
    # `https://evil.test\.fcm.googleapis.com/` as host evil.test): refuse them outright.
    if _UNSAFE.search(endpoint):
        return "contains characters a push service URL never has"
    try:
        parts = urlsplit(endpoint)
        port = parts.port
    except ValueError:
        return "is not a valid URL"
    if parts.username is not None or parts.password is not None or not parts.hostname:
        return "is not a push service URL"
    origin = f"{parts.scheme}://{parts.netloc.lower()}"
    if origin in extra_origins:
        return None
    if parts.scheme != "https" or port not in (None, 443):
        return "must be an https URL of a browser push service"
    if not _host_is_known(parts.hostname.lower()):
        return "is not on a known push service (FCM, Mozilla, Apple or Windows)"
    return None
