// #/patients/:id: one patient, top-down. A header that answers "where are they?" (status in
// words, day N since the last session, next review, open alerts, check-ins this week,
// screening flags); then the open alerts, one line each with Acknowledge; then the recovery
// charts; then the results (review outcome, the patient's rating, photos); then sessions and
// screening; then every check-in (levels as words, notes in full).
import { api } from "../../api";
import { formatDate, h } from "../../dom";
import type { Timeline } from "../../types";
import { flagLabel } from "../../words";
import { renderRecoveryChart } from "../chart";
import type { Screening } from "../patient/screening";
import { alertLine } from "./alert-line";
import { loadOr, localToday, screen } from "./common";
import type { Alert, Checkin, Patient, PatientSummary, TreatmentSession } from "./model";
import { checkinsTable, screeningSection, sessionsTable } from "./records";
import { resultWords } from "./result-words";
import { resultsSection } from "./results";
import { statusParts } from "./status";
import { plural } from "./text";

const TITLE = "Patient";

function fact(label: string, value: Node | string, detail?: string | null): HTMLElement {
  return h("div", { class: "fact" }, h("dt", {}, label), h("dd", {}, value, detail ? h("span", { class: "sub" }, detail) : null));
}

function alertsWords(open: Alert[]): string {
  if (open.length === 0) return "None";
  const urgent = open.filter((alert) => alert.severity === "urgent").length;
  return urgent > 0 ? `${open.length} (${urgent} urgent)` : String(open.length);
}

/** The facts at the top: what a practitioner checks before anything else. */
interface Header {
  headline: HTMLElement;
  facts: HTMLElement;
  /** Re-counts the open alerts once one has been acknowledged. */
  update: (open: Alert[]) => void;
}

function header(summary: PatientSummary, open: Alert[]): Header {
  // Counted by the server in the patient's own time zone, as the list counts them.
  const day = summary.attention.days_since_session;
  const review = summary.attention.review_in_days;
  const alertsValue = h("span", {}, alertsWords(open));
  const headline = h("p", { class: "patient-status" });
  const say = (of: PatientSummary): void => headline.replaceChildren(...statusParts(of.attention.status));
  say(summary);
  const facts = h(
    "dl",
    { class: "facts" },
    fact(
      "Since the last session",
      day === null ? "No session yet" : `Day ${day}`,
      summary.last_session_on ? `Session on ${formatDate(summary.last_session_on)}` : null,
    ),
    fact(
      "Next review",
      summary.review_on ? formatDate(summary.review_on) : "Not set",
      review === null ? null : review === 0 ? "Today" : review > 0 ? `In ${plural(review, "day")}` : `${plural(-review, "day")} ago`,
    ),
    fact("Open alerts", alertsValue),
    fact(
      "Check-ins this week",
      summary.adherence_7d === null ? "None due" : `${Math.round(summary.adherence_7d * 100)}%`,
      summary.adherence_7d === null ? null : "of those the plan asked for",
    ),
    fact(
      "Screening",
      summary.flags.length === 0
        ? "No flags"
        : h("span", { class: "flag-list" }, ...summary.flags.map((flag) => h("span", { class: "badge flag" }, flagLabel(flag)))),
    ),
  );
  let asked = 0;
  const update = (now: Alert[]): void => {
    alertsValue.textContent = alertsWords(now);
    // The status names the alert to act on first: the server words it again now one has
    // gone (on failure the old words stay; the alerts count above is already right). Two
    // quick acknowledgements: only the later answer is drawn, whichever arrives last.
    const mine = ++asked;
    api<PatientSummary>("GET", `/api/patients/${encodeURIComponent(summary.id)}/summary`).then(
      (fresh) => {
        if (mine === asked) say(fresh);
      },
      () => undefined,
    );
  };
  return { headline, facts, update };
}

function alertsSection(open: Alert[], onChange: (open: Alert[]) => void): HTMLElement {
  let left = [...open];
  const empty = h("p", { class: "none" }, "No open alerts.");
  const list = h("ul", { class: "alert-list", "aria-labelledby": "alerts-heading" });
  const gone = (alert: Alert): void => {
    left = left.filter((other) => other.id !== alert.id);
    onChange(left);
    if (left.length === 0) list.replaceWith(empty);
  };
  list.append(...open.map((alert) => alertLine(alert, { showPatient: false, onGone: gone })));
  return h(
    "section",
    { class: "open-alerts", "aria-labelledby": "alerts-heading" },
    h("h2", { id: "alerts-heading" }, "Open alerts"),
    open.length > 0 ? list : empty,
  );
}

export async function timelineView(params: Record<string, string>): Promise<HTMLElement> {
  const path = `/api/patients/${encodeURIComponent(params.id)}`;
  // The patient first: an unknown id is then one 404, not six.
  const loaded = await loadOr(TITLE, async () => {
    const patient = await api<Patient>("GET", path);
    return [
      patient,
      ...(await Promise.all([
        api<PatientSummary>("GET", `${path}/summary`),
        api<Timeline>("GET", `${path}/timeline`),
        api<Checkin[]>("GET", `${path}/checkins`),
        api<TreatmentSession[]>("GET", `${path}/sessions`),
        api<Screening>("GET", `${path}/screening`),
        api<Alert[]>("GET", "/api/alerts?status=open"),
        // Without its words the Results section says so; the rest of the page still shows.
        resultWords().catch(() => null),
      ])),
    ] as const;
  });
  if (loaded instanceof HTMLElement) return loaded;
  const [patient, summary, timeline, checkins, sessions, screening, clinicAlerts, words] = loaded;
  // The clinic's list is in the order to act on (urgent, then the longest waiting): kept.
  const open = clinicAlerts.filter((alert) => alert.patient.id === patient.id);
  const top = header(summary, open);
  const id = encodeURIComponent(patient.id);

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
    top.headline,
    top.facts,
    h(
      "p",
      { class: "actions" },
      h("a", { class: "button-link", href: `#/patients/${id}/sessions/new` }, "Record a session"),
      // Plain links: the session cookie goes with them, and the server names the files.
      h("a", { href: `/api/patients/${id}/export.fhir.json`, download: true }, "Export FHIR"),
      h("a", { href: `/api/patients/${id}/export.csv`, download: true }, "Export CSV"),
    ),
    alertsSection(open, top.update),
    h(
      "section",
      { "aria-labelledby": "chart-heading" },
      h("h2", { id: "chart-heading" }, "Recovery"),
      renderRecoveryChart(timeline, `Recovery chart for ${patient.name}`),
    ),
    resultsSection(timeline, words, { patientId: patient.id, timezone: patient.timezone, today: localToday() }),
    h("section", { "aria-labelledby": "sessions-heading" }, h("h2", { id: "sessions-heading" }, "Sessions"), sessionsTable(sessions)),
    screeningSection(screening),
    h("section", { "aria-labelledby": "checkins-heading" }, h("h2", { id: "checkins-heading" }, "Check-ins"), checkinsTable(checkins)),
    h("p", { class: "back" }, h("a", { href: "#/patients" }, "Back to Patients")),
  );
}
