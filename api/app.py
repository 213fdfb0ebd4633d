"""The Litestar application: routes, auth, CSRF, error bodies, security headers, the overload
guard and OpenAPI at /schema."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from functools import partial
from pathlib import Path

import msgspec
from litestar import Litestar, Router, get
from litestar.config.compression import CompressionConfig
from litestar.config.csrf import CSRFConfig
from litestar.datastructures import CacheControlHeader, State
from litestar.di import Provide
from litestar.middleware.base import DefineMiddleware
from litestar.openapi import OpenAPIConfig
from litestar.openapi.plugins import JsonRenderPlugin, OpenAPIRenderPlugin, SwaggerRenderPlugin
from litestar.static_files import create_static_files_router

from api.alerts.evaluate import alerts_for_checkin
from api.alerts.rejudge import rejudge_checkins
from api.alerts.routes import AlertsController, MyWarningSignsController
from api.checkins.routes import MyCheckinsController, PatientCheckinsController
from api.checkins.service import JudgeCheckin
from api.core import vocabulary
from api.core.body import StrictBodies, StrictSchemas
from api.core.clock import Clock, clock_shifted
from api.core.db import Database
from api.core.deps import DEPENDENCIES, AppSettings, Now
from api.core.errors import EXCEPTION_HANDLERS
from api.core.headers import security_headers
from api.core.migrate import PROJECT_ROOT
from api.core.openapi import document_errors
from api.core.overload import InFlight, OverloadGuard
from api.core.settings import Settings, load_settings
from api.identity.auth_routes import AuthController
from api.identity.middleware import auth_middleware
from api.identity.passkey_routes import PasskeyController
from api.identity.routes import ClinicController
from api.identity.security_routes import SecurityController
from api.leaving.routes import MyAccountController
from api.notifications.routes import InboxController, PreferencesController, vapid_public_key
from api.notifications.vapid import load_vapid, public_key
from api.outcomes.routes import MyRatingController, OutcomeController
from api.photos.routes import MyPhotosController, PatientPhotosController, PhotoImagesController
from api.photos.vault import PhotoVault
from api.recovery.routes import MyTimelineController, PatientTimelineController
from api.reports.routes import MyExportController, OutcomesReportController, ReportsController
from api.screening.routes import MyScreeningController, PatientScreeningController
from api.today.routes import MyTodayController
from api.treatments.routes import MySessionsController, TreatmentsController
from api.treatments.service import Rejudge
from api.triage.readmodel import install as install_read_models
from api.triage.routes import PatientsController

CSRF_COOKIE = "csrftoken"
CSRF_HEADER = "x-csrftoken"


FRONTEND_DIST = PROJECT_ROOT / "frontend" / "dist"
# Vite names every file under assets/ by a hash of its content: a changed file is a new URL,
# so a browser may keep one for a year without asking again. Everything else (index.html,
# sw.js, the manifest, the icons) keeps its name across releases: the browser revalidates
# it each time (a cheap 304), so a new release is picked up on the next visit.
HASHED_ASSETS = CacheControlHeader(public=True, max_age=365 * 24 * 3600, immutable=True)
REVALIDATE = CacheControlHeader(no_cache=True)
# The built files are text that shrinks three- to four-fold: gzip them on the way out (PNGs
# are compressed already). The API is left as it is (small JSON, and nothing to gain from
# compressing secrets beside reflected input).
COMPRESSION = CompressionConfig(
    backend="gzip",
    gzip_compress_level=9,
    minimum_size=500,
    exclude=["^/api", "^/schema", r"\.png$"],
)


def frontend_router(dist: Path = FRONTEND_DIST) -> list[Router]:
    """The built PWA at `/` (index.html for `/`), when it has been built (`npm run build`).

    The app uses hash routes, so `/` and the built files are the only paths it needs; the
    API stays under `/api`. Public, like any web page: the data behind it is not. The
    hashed files under `/assets` are cached for a year; the rest is revalidated.
    """
    if not (dist / "index.html").exists():
        return []
    opt = {"exclude_from_auth": True, "frontend": True}
    routers = [
        create_static_files_router(
            path="/",
            directories=[dist],
            html_mode=True,
            name="frontend",
            cache_control=REVALIDATE,
            opt=opt,
        )
    ]
    if (dist / "assets").is_dir():
        routers.insert(
            0,
            create_static_files_router(
                path="/assets",
                directories=[dist / "assets"],
                name="frontend-assets",
                cache_control=HASHED_ASSETS,
                opt=opt,
            ),
        )
    return routers


def provide_rejudge(now: Now, settings: AppSettings) -> Rejudge:
    """The alert rules for the treatments routes: they sit above treatments, so the app,
    which sees both, hands them down (a new or moved session re-dates check-ins)."""
    return partial(rejudge_checkins, now=now, email_on=settings.smtp is not None)


def provide_judge(settings: AppSettings) -> JudgeCheckin:
    """The alert rules for the check-in routes, handed down like `provide_rejudge`."""
    return partial(alerts_for_checkin, email_on=settings.smtp is not None)


def openapi_config(settings: Settings) -> OpenAPIConfig:
    """The OpenAPI description at `/schema` and `/schema/openapi.json`, always; Swagger UI
    at `/schema/swagger` only outside production (it loads its bundle from a CDN, and a
    clinic's server has no business serving a page built from someone else's scripts)."""
    plugins: list[OpenAPIRenderPlugin] = [JsonRenderPlugin()]
    if not settings.is_production:
        plugins.append(SwaggerRenderPlugin())
    return OpenAPIConfig(
        title="Afterline API", version="0.1.0", path="/schema", render_plugins=plugins
    )


class VocabularyOut(msgspec.Struct):
    """Every word the product speaks (`api.core.vocabulary`), by code."""

    symptoms: dict[str, vocabulary.Symptom]
    pain_anchors: dict[str, str]
    grades: list[vocabulary.Grade]  # 0 none, 1 mild, 2 moderate, 3 severe
    warning_signs: dict[str, vocabulary.Sign]
    areas: dict[str, str]
    sclerosants: dict[str, str]
    screening_flags: dict[str, str]
    area_groups: dict[str, str]
    clearance: dict[str, str]
    hyperpigmentation: dict[str, str]
    findings: dict[str, str]
    pgic: dict[str, str]
    satisfaction_anchors: dict[str, str]


_VOCABULARY = msgspec.convert(vocabulary.document(), VocabularyOut)


@get("/api/vocabulary", tags=["vocabulary"], exclude_from_auth=True)
async def vocabulary_words() -> VocabularyOut:
    """The words for every code, for any client; the PWA carries the same, generated into
    its bundle (`frontend/src/vocabulary.ts`) so it has them offline."""
    return _VOCABULARY


@get("/api/health", tags=["health"], exclude_from_auth=True)
async def health() -> dict[str, str]:
    """Liveness, with no database access: the benchmark's baseline."""
    return {"status": "ok"}


def app_from_environment() -> Litestar:
    """One API process's app, scheduler off: what `afterline serve --processes N` starts N of."""
    return create_app(run_scheduler=False)


def create_app(
    settings: Settings | None = None,
    clock: Clock | None = None,
    db: Database | None = None,
    *,
    run_scheduler: bool = False,
) -> Litestar:
    """The app; with `run_scheduler` it also runs the job scheduler (single-machine mode)."""
    settings = settings or load_settings()
    clock = clock or clock_shifted(settings.clock_offset)
    install_read_models()
    owns_db = db is None
    database = db or Database.from_url(settings.database_url)

    @asynccontextmanager
    async def lifespan(_: Litestar) -> AsyncIterator[None]:
        try:
            if run_scheduler:
                from jobs.worker import running_scheduler

                async with running_scheduler(settings, database, clock):
                    yield
            else:
                yield
        finally:
            if owns_db:
                await database.dispose()

    app = Litestar(
        route_handlers=[
            health,
            vocabulary_words,
            AuthController,
            SecurityController,
            PasskeyController,
            ClinicController,
            PatientsController,
            AlertsController,
            TreatmentsController,
            PatientCheckinsController,
            ReportsController,
            OutcomesReportController,
            MyExportController,
            MyAccountController,
            MyCheckinsController,
            MyTodayController,
            MyWarningSignsController,
            MySessionsController,
            PatientScreeningController,
            MyScreeningController,
            InboxController,
            PreferencesController,
            MyPhotosController,
            PatientPhotosController,
            PhotoImagesController,
            OutcomeController,
            MyRatingController,
            MyTimelineController,
            PatientTimelineController,
            vapid_public_key,
            *frontend_router(),
        ],
        state=State(
            {
                "db": database,
                "clock": clock,
                "settings": settings,
                # Generated into the data directory on first start when not configured.
                "vapid_public_key": public_key(load_vapid(settings)),
                "photo_vault": PhotoVault(settings.photo_key),
            }
        ),
        dependencies={
            **DEPENDENCIES,
            "rejudge": Provide(provide_rejudge, sync_to_thread=False),
            # The same rules for every request of this app: made once.
            "judge": Provide(provide_judge, sync_to_thread=False, use_cache=True),
        },
        # The guard comes first, so a refused request costs no session lookup.
        middleware=[
            DefineMiddleware(OverloadGuard, in_flight=InFlight(settings.max_concurrency)),
            auth_middleware(),
        ],
        before_send=[security_headers(settings)],
        csrf_config=CSRFConfig(
            secret=settings.secret_key,
            cookie_name=CSRF_COOKIE,
            header_name=CSRF_HEADER,
            cookie_secure=settings.is_production,
            cookie_samesite="lax",
            cookie_httponly=False,
        ),
        exception_handlers=EXCEPTION_HANDLERS,
        compression_config=COMPRESSION,
        openapi_config=openapi_config(settings),
        plugins=[StrictBodies(), StrictSchemas()],
        lifespan=[lifespan],
        debug=False,
    )
    # Built now (Litestar caches it for `/schema`), with the errors each operation gives.
    document_errors(app.openapi_schema)
    return app
