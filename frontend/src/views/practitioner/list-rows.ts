// The patient list's rows: one per patient that reads at a glance (a status in words, a
// 14-day pain trend, the latest symptoms as words, check-ins and the review). A table on
// wide screens; practitioner.css turns each row into a card on tablets and phones.
//
// Who needs attention, the status words, and the days since the session and to the review
// are the server's (`patient.attention`, counted in the patient's own time zone).
import { formatDate, h } from "../../dom";
import { flagLabel, symptomName } from "../../words";
import { shortDate } from "./alert-line";
import { painTag, symptomTags } from "./levels";
import type { PatientSummary } from "./model";
import { sparkline } from "./sparkline";
import { statusParts } from "./status";
import { daysBetween, plural } from "./text";

/** "Today", "Yesterday", "3 days ago". */
export function daysAgo(iso: string, today: string): string {
  const days = daysBetween(iso, today);
  if (days <= 0) return "Today";
  if (days === 1) return "Yesterday";
  return `${days} days ago`;
}

/** A cell that also carries its column name, shown before the value when rows become cards. */
// Explicit roles keep the table's semantics when CSS turns rows into cards (display: block).
function cell(label: string, className: string, ...content: (Node | string | null)[]): HTMLElement {
  return h("td", { role: "cell", "data-label": label, class: className }, ...content);
}

function patientCell(patient: PatientSummary): HTMLElement {
  const day = patient.attention.days_since_session;
  return h(
    "th",
    { scope: "row", role: "rowheader", class: "who" },
    h("a", { href: `#/patients/${encodeURIComponent(patient.id)}` }, patient.name),
    h(
      "span",
      { class: "sub" },
      !patient.active ? "Inactive" : day === null ? "No session yet" : day >= 0 ? `Day ${day} since the session` : "Session booked",
    ),
    ...patient.flags.map((flag) => h("span", { class: "badge flag" }, flagLabel(flag))),
  );
}

function painCell(patient: PatientSummary): HTMLElement {
  const trend = patient.pain_14d ?? [];
  return cell(
    `${symptomName("pain")}, 14 days`,
    "pain",
    h("span", { class: "pain-trend" }, sparkline(trend), patient.latest ? painTag(patient.latest.pain) : h("span", { class: "muted" }, "—")),
  );
}

function checkinsCell(patient: PatientSummary, today: string): HTMLElement {
  const week =
    patient.adherence_7d === null ? "None due this week" : `${Math.round(patient.adherence_7d * 100)}% of those due this week`;
  return cell(
    "Check-ins",
    "checkins",
    h("span", {}, patient.last_checkin_on ? `Last: ${daysAgo(patient.last_checkin_on, today).toLowerCase()}` : "None yet"),
    h("span", { class: "sub" }, week),
  );
}

function reviewCell(patient: PatientSummary): HTMLElement {
  if (patient.review_on === null) return cell("Review", "review", h("span", { class: "muted" }, "Not set"));
  const inDays = patient.attention.review_in_days ?? 0;
  const when = inDays === 0 ? "today" : inDays > 0 ? `in ${plural(inDays, "day")}` : `${plural(-inDays, "day")} ago`;
  return cell(
    "Review",
    "review",
    h("time", { datetime: patient.review_on, title: formatDate(patient.review_on) }, shortDate(patient.review_on)),
    h("span", { class: "sub" }, when),
  );
}

/** One patient's row; `today` (this device's) words how long ago the last check-in was. */
export function patientRow(patient: PatientSummary, today: string): HTMLTableRowElement {
  const { attention } = patient;
  return h(
    "tr",
    {
      role: "row",
      class: `tone-${attention.status.tone}`,
      "data-attention": attention.needs_attention ? "yes" : "no",
      "data-review": attention.review_due ? "yes" : "no",
    },
    patientCell(patient),
    cell("Status", "state", ...statusParts(attention.status)),
    painCell(patient),
    cell("Latest symptoms", "symptoms", patient.latest ? symptomTags(patient.latest) : h("span", { class: "muted" }, "No check-in yet")),
    checkinsCell(patient, today),
    reviewCell(patient),
  );
}

/** The table, its body empty: the list's pages go in `tBodies[0]`. */
export function patientTable(): HTMLTableElement {
  const heads = ["Patient", "Status", `${symptomName("pain")}, 14 days`, "Latest symptoms", "Check-ins", "Review"];
  return h(
    "table",
    { class: "data patient-list", role: "table", id: "patient-table" },
    h("caption", { class: "visually-hidden" }, "Patients, those who need attention first"),
    h(
      "thead",
      { role: "rowgroup" },
      h("tr", { role: "row" }, ...heads.map((head) => h("th", { scope: "col", role: "columnheader" }, head))),
    ),
    h("tbody", { role: "rowgroup" }),
  );
}
