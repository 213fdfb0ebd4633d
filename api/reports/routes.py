"""Downloads of one patient's record: for the practitioner, and the patient's own copy."""

from __future__ import annotations

from typing import Any

import msgspec
from litestar import Controller, Response, get
from litestar.openapi.datastructures import ResponseSpec
from litestar.params import FromPath

from api.core.deps import DB, Actor, AppSettings, Me, Now, parse_id
from api.identity.middleware import patient_only, practitioner_only
from api.reports import csv_export, fhir, outcomes, service


class FhirBundle(msgspec.Struct, forbid_unknown_fields=False):
    """A FHIR R4 `Bundle` (http://hl7.org/fhir/R4/bundle.html): its members are FHIR's."""

    resourceType: str
    type: str
    entry: list[dict[str, Any]] = []


# What the FHIR downloads' JSON is (the handlers send bytes rendered by fhir.resources).
FHIR_BUNDLE = ResponseSpec(
    FhirBundle,
    media_type=fhir.MEDIA_TYPE,
    generate_examples=False,
    description="A FHIR R4 Bundle of type collection, as a file to save",
)


def _download(export: service.Export, media_type: str) -> Response[bytes]:
    # The file name is built from a UUID and a fixed suffix: nothing in it needs quoting.
    return Response(
        export.content,
        media_type=media_type,
        headers={"Content-Disposition": f'attachment; filename="{export.filename}"'},
    )


class ReportsController(Controller):
    path = "/api/patients/{patient_id:str}"
    tags = ["reports"]
    guards = [practitioner_only]

    @get("/export.fhir.json", media_type=fhir.MEDIA_TYPE, responses={200: FHIR_BUNDLE})
    async def fhir_bundle(
        self, patient_id: FromPath[str], db: DB, actor: Actor, now: Now, settings: AppSettings
    ) -> Response[bytes]:
        """The patient, their sessions, every check-in score and the results (photos by URL,
        outcomes, ratings) as a FHIR R4 collection."""
        target = parse_id(patient_id)
        export = await service.practitioner_fhir(db, actor, target, now, settings.base_url)
        return _download(export, fhir.MEDIA_TYPE)

    @get("/export.csv", media_type=csv_export.MEDIA_TYPE)
    async def csv(
        self, patient_id: FromPath[str], db: DB, actor: Actor, now: Now
    ) -> Response[bytes]:
        """One row per check-in, oldest first, with the day since the session it follows."""
        export = await service.practitioner_csv(db, actor, parse_id(patient_id), now)
        return _download(export, csv_export.MEDIA_TYPE)


class OutcomesReportController(Controller):
    """What works best in this clinic (clinic-wide, audited without a patient)."""

    path = "/api/reports"
    tags = ["reports"]
    guards = [practitioner_only]

    @get("/outcomes")
    async def report(self, db: DB, actor: Actor, now: Now) -> outcomes.OutcomesReport:
        """Results per sclerosant and concentration and area group; small cells say too few."""
        return await service.clinic_outcomes(db, actor, now, "report.outcomes")

    @get("/outcomes.csv", media_type=outcomes.CSV_MEDIA_TYPE)
    async def csv(self, db: DB, actor: Actor, now: Now) -> Response[bytes]:
        """The same cells as CSV, one row each."""
        report = await service.clinic_outcomes(db, actor, now, "report.outcomes_csv")
        return Response(
            outcomes.report_csv(report),
            media_type=outcomes.CSV_MEDIA_TYPE,
            headers={"Content-Disposition": 'attachment; filename="afterline-outcomes.csv"'},
        )


class MyExportController(Controller):
    """The patient's own copy of everything Afterline holds about them, audited."""

    path = "/api/me"
    tags = ["reports"]
    guards = [patient_only]

    @get("/export.fhir.json", media_type=fhir.MEDIA_TYPE, responses={200: FHIR_BUNDLE})
    async def fhir_bundle(
        self, db: DB, me: Me, actor: Actor, now: Now, settings: AppSettings
    ) -> Response[bytes]:
        """The record, every check-in revision, alerts, messages, screening and choices as
        a FHIR R4 collection (photos by URL)."""
        export = await service.own_fhir(db, me, actor.clinic_id, now, settings.base_url)
        return _download(export, fhir.MEDIA_TYPE)

    @get("/export.csv", media_type=csv_export.MEDIA_TYPE)
    async def csv(self, db: DB, me: Me, actor: Actor, now: Now) -> Response[bytes]:
        """The same as one long CSV: section, item, date, field, value."""
        export = await service.own_csv_export(db, me, actor.clinic_id, now)
        return _download(export, csv_export.MEDIA_TYPE)
