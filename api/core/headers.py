"""Security headers on every response, set in one place.

They are added by a `before_send` hook rather than a route middleware: Litestar runs the
hook on everything the app sends, including the 404 for an unknown path, the CSRF 403 and
the 500 from the exception handler, none of which pass through per-route middleware.

The CSP is what the built PWA needs and no more: its scripts and styles are files under
`/assets` (no inline `<script>`, no `style=""` attribute: the `h()` helper never writes one,
and Chart.js sizes its canvas through `element.style`, which CSP does not govern), it talks
only to its own origin, its service worker is `/sw.js` and its manifest and icons are its
own. Images may also be `data:` URIs: the QR code for an authenticator app comes as an SVG
`data:` URI, shown in an `<img>` (an image document runs no script and loads nothing).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from litestar.datastructures import MutableScopeHeaders
from litestar.enums import ScopeType
from litestar.types import Message, Scope

from api.core.settings import Settings

PWA_CSP = "; ".join(
    (
        "default-src 'none'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "connect-src 'self'",
        "manifest-src 'self'",
        "worker-src 'self'",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    )
)
# Swagger UI (development and test only: production does not serve it) is a page Litestar
# writes with an inline start-up script, loading its bundle from a CDN.
DOCS_CSP = "; ".join(
    (
        "default-src 'none'",
        "script-src 'self' 'unsafe-inline' https://cdn.jsdelivr.net",
        "style-src 'self' 'unsafe-inline' https://cdn.jsdelivr.net",
        "img-src 'self' data: https://cdn.jsdelivr.net",
        "connect-src 'self'",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    )
)
DOCS_PATH = "/schema/swagger"
# Two years, the whole domain: production is HTTPS only, behind the reverse proxy.
HSTS = "max-age=63072000; includeSubDomains"
# Everything under /api is one person's data or about a session: never kept by a browser or
# a proxy (back-forward cache, shared clinic tablet, a misconfigured CDN).
NO_STORE = "no-store"

BeforeSend = Callable[[Message, Scope], Awaitable[None]]


def is_api(path: str) -> bool:
    return path == "/api" or path.startswith("/api/")


def security_headers(settings: Settings) -> BeforeSend:
    """The `before_send` hook that adds the headers to every HTTP response."""
    common = [
        ("X-Content-Type-Options", "nosniff"),
        ("Referrer-Policy", "no-referrer"),
    ]
    if settings.is_production:
        common.append(("Strict-Transport-Security", HSTS))
    docs_csp = PWA_CSP if settings.is_production else DOCS_CSP

    async def add_headers(message: Message, scope: Scope) -> None:
        if message["type"] != "http.response.start" or scope["type"] != ScopeType.HTTP:
            return
        headers = MutableScopeHeaders.from_message(message)
        path = scope["path"]
        for name, value in common:
            headers[name] = value
        headers["Content-Security-Policy"] = docs_csp if path.startswith(DOCS_PATH) else PWA_CSP
        if is_api(path):
            headers["Cache-Control"] = NO_STORE

    return add_headers
