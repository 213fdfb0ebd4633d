// #/patients/:id: one patient's recovery: summary, chart, check-ins and sessions.
import { api } from "../../api";
import { formatDate, h } from "../../dom";
import { SYMPTOMS, type Timeline } from "../../types";
import { renderRecoveryChart } from "../chart";
import { loadOr, screen } from "./common";
import type { Screening } from "../patient/screening";
import { areaLabel, flagLabel, sclerosantLabel, signName as warningLabel, symptomName } from "../../words";
import { alertItem, reload } from "./alerts";
import type { Alert, Checkin, Patient, TreatmentSession } from "./model";

const TITLE = "Patient";

function compression(value: boolean | null): string {
  return value === null ? "Not answered" : value ? "Worn" : "Not worn";
}

/** A wide table in a keyboard-scrollable region, so narrow screens can pan it. */
function scroller(label: string, table: HTMLTableElement): HTMLElement {
  return h("div", { class: "table-scroll", role: "region", "aria-label": label, tabindex: 0 }, table);
}

function checkinsTable(checkins: Checkin[]): HTMLElement {
  if (checkins.length === 0) return h("p", {}, "No check-ins yet.");
  const rows = [...checkins].sort((a, b) => b.local_date.localeCompare(a.local_date));
  return scroller(
    "Check-ins table",
    h(
      "table",
      { class: "data" },
      h("caption", {}, "Check-ins, newest first (pain 0–10; other symptoms 0 none to 3 severe)"),
      h(
        "thead",
        {},
        h(
          "tr",
          {},
          h("th", { scope: "col" }, "Date"),
          ...SYMPTOMS.map((symptom) => h("th", { scope: "col" }, symptomName(symptom))),
          h("th", { scope: "col" }, "Compression"),
          h("th", { scope: "col" }, "Warning signs"),
          h("th", { scope: "col" }, "Note"),
        ),
      ),
      h(
        "tbody",
        {},
        ...rows.map((checkin) =>
          h(
            "tr",
            {},
            h("th", { scope: "row", class: "nowrap" }, formatDate(checkin.local_date)),
            ...SYMPTOMS.map((symptom) => h("td", {}, String(checkin[symptom]))),
            h("td", {}, compression(checkin.compression_worn)),
            h(
              "td",
              {},
              checkin.warning_signs.length > 0
                ? h("span", { class: "reason" }, checkin.warning_signs.map(warningLabel).join("; "))
                : "None",
            ),
            h("td", { class: "note" }, checkin.note ?? ""),
          ),
        ),
      ),
    ),
  );
}

function sessionsTable(sessions: TreatmentSession[]): HTMLElement {
  if (sessions.length === 0) return h("p", {}, "No sessions recorded yet.");
  const rows = [...sessions].sort((a, b) => b.performed_on.localeCompare(a.performed_on));
  return scroller(
    "Sessions table",
    h(
      "table",
      { class: "data" },
      h("caption", {}, "Treatment sessions, newest first"),
      h(
        "thead",
        {},
        h(
          "tr",
          {},
          ...["Date", "Areas", "Sclerosant", "Injections", "Review date", "Notes"].map((head) =>
            h("th", { scope: "col" }, head),
          ),
        ),
      ),
      h(
        "tbody",
        {},
        ...rows.map((session) =>
          h(
            "tr",
            {},
            h("th", { scope: "row", class: "nowrap" }, formatDate(session.performed_on)),
            h("td", {}, session.areas.map(areaLabel).join(", ")),
            h(
              "td",
              {},
              `${sclerosantLabel(session.sclerosant)} ${session.concentration_pct}%, ${session.volume_ml} ml`,
            ),
            h("td", {}, String(session.injections)),
            h("td", { class: "nowrap" }, formatDate(session.review_on)),
            h("td", { class: "note" }, session.notes ?? ""),
          ),
        ),
      ),
    ),
  );
}

const yesNo = (value: boolean): string => (value ? "Yes" : "No");

/** The patient's screening: flags first (they inform, never block), then the answers. */
function screeningSection(screening: Screening): HTMLElement {
  const { answers, flags } = screening;
  const status =
    answers === null
      ? h("p", {}, "Not answered yet.")
      : flags.length === 0
        ? h("p", {}, "No flags.")
        : h("ul", { "aria-label": "Screening flags" }, ...flags.map((flag) => h("li", { class: "reason" }, flagLabel(flag))));
  const updated = screening.updated_at
    ? new Date(screening.updated_at).toLocaleDateString("en-GB", { day: "numeric", month: "short", year: "numeric" })
    : null;
  return h(
    "section",
    { "aria-labelledby": "screening-heading" },
    h("h2", { id: "screening-heading" }, "Screening"),
    status,
    // Shown open, not folded away: a note can matter even when it raises no flag.
    answers ? h("p", { class: "subtitle" }, `The patient's answers, last updated ${updated}:`) : null,
    answers
      ? h(
          "ul",
          { class: "saved-values" },
          h("li", {}, `Pregnant or breast-feeding: ${yesNo(answers.pregnant_or_breastfeeding)}`),
          h("li", {}, `Allergy or reaction to a sclerosant: ${yesNo(answers.sclerosant_allergy)}`),
          h("li", {}, `Blood clot or clotting disorder: ${yesNo(answers.clotting_disorder)}`),
          h("li", {}, `Unwell now (acute illness): ${yesNo(answers.acute_illness)}`),
          h("li", {}, `Largest vein to treat (estimate): ${answers.largest_vein_mm} mm`),
          h("li", {}, `Veins to treat (estimate): about ${answers.vein_count_estimate}`),
          h("li", {}, `Notes: ${answers.notes ?? "none"}`),
        )
      : null,
  );
}

export async function timelineView(params: Record<string, string>): Promise<HTMLElement> {
  const path = `/api/patients/${encodeURIComponent(params.id)}`;
  // The patient first: an unknown id is then one 404, not four.
  const loaded = await loadOr(TITLE, async () => {
    const patient = await api<Patient>("GET", path);
    return [
      patient,
      ...(await Promise.all([
        api<Timeline>("GET", `${path}/timeline`),
        api<Checkin[]>("GET", `${path}/checkins`),
        api<TreatmentSession[]>("GET", `${path}/sessions`),
        api<Screening>("GET", `${path}/screening`),
        api<Alert[]>("GET", "/api/alerts?status=open"),
      ])),
    ] as const;
  });
  if (loaded instanceof HTMLElement) return loaded;
  const [patient, timeline, checkins, sessions, screening, clinicAlerts] = loaded;
  const openAlerts = clinicAlerts.filter((alert) => alert.patient.id === patient.id);

  return screen(
    patient.name,
    h(
      "p",
      { class: "summary" },
      h("a", { href: `mailto:${patient.email}` }, patient.email),
      ` · ${patient.timezone} · checks in at ${patient.checkin_time}`,
      patient.active ? "" : " · inactive",
      patient.has_password ? "" : " · has not accepted the invitation yet",
    ),
    openAlerts.length > 0
      ? h(
          "section",
          { "aria-labelledby": "alerts-heading" },
          h("h2", { id: "alerts-heading" }, "Open alerts"),
          h("ul", { class: "alert-list" }, ...openAlerts.map((alert) => alertItem(alert, reload))),
        )
      : null,
    screeningSection(screening),
    h(
      "p",
      { class: "actions" },
      h("a", { class: "button-link", href: `#/patients/${encodeURIComponent(patient.id)}/sessions/new` }, "Record a session"),
      // Plain links: the session cookie goes with them, and the server names the files.
      h("a", { href: `/api/patients/${encodeURIComponent(patient.id)}/export.fhir.json`, download: true }, "Export FHIR"),
      h("a", { href: `/api/patients/${encodeURIComponent(patient.id)}/export.csv`, download: true }, "Export CSV"),
      h("a", { href: "#/patients" }, "Back to Patients"),
    ),
    h(
      "section",
      { "aria-labelledby": "chart-heading" },
      h("h2", { id: "chart-heading" }, "Recovery"),
      renderRecoveryChart(timeline, `Recovery chart for ${patient.name}`, "Weeks since the first session"),
    ),
    h("section", { "aria-labelledby": "checkins-heading" }, h("h2", { id: "checkins-heading" }, "Check-ins"), checkinsTable(checkins)),
    h("section", { "aria-labelledby": "sessions-heading" }, h("h2", { id: "sessions-heading" }, "Sessions"), sessionsTable(sessions)),
  );
}
