// #/patients: the clinic's patients, those who need attention first. One row per patient
// that reads at a glance: a status in words, a 14-day pain trend, the latest symptoms as
// words, check-ins and the review. Filters (needs attention / review due / all) and a name
// search narrow it; a table on wide screens, one card per patient on tablets and phones.
import { api } from "../../api";
import { formatDate, h } from "../../dom";
import { flagLabel, symptomName } from "../../words";
import { attentionOrder, daysBetween, plural, type Attention } from "./attention";
import { shortDate } from "./alert-line";
import { localToday, loadOr, screen } from "./common";
import { painTag, symptomTags } from "./levels";
import type { PatientSummary } from "./model";
import { sparkline } from "./sparkline";
import { needsAttention, patientStatus, type Status } from "./status";

const TITLE = "Patients";

type Filter = "attention" | "review" | "all";
const FILTERS: [Filter, string][] = [
  ["all", "All"],
  ["attention", "Needs attention"],
  ["review", "Review due"],
];

/** "Today", "Yesterday", "3 days ago". */
export function daysAgo(iso: string, today: string): string {
  const days = daysBetween(iso, today);
  if (days <= 0) return "Today";
  if (days === 1) return "Yesterday";
  return `${days} days ago`;
}

export function statusTag(status: Status): HTMLElement {
  return h("span", { class: `status-tag ${status.tone}` }, status.text);
}

/** A cell that also carries its column name, shown before the value when rows become cards. */
// Explicit roles keep the table's semantics when CSS turns rows into cards (display: block).
function cell(label: string, className: string, ...content: (Node | string | null)[]): HTMLElement {
  return h("td", { role: "cell", "data-label": label, class: className }, ...content);
}

function patientCell(patient: PatientSummary, item: Attention): HTMLElement {
  const day = item.daysSinceSession;
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

function statusCell(status: Status): HTMLElement {
  return cell(
    "Status",
    "state",
    statusTag(status),
    status.more.length > 0 ? h("span", { class: "more" }, `Also: ${status.more.join("; ")}`) : null,
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

function reviewCell(patient: PatientSummary, item: Attention): HTMLElement {
  if (patient.review_on === null) return cell("Review", "review", h("span", { class: "muted" }, "Not set"));
  const inDays = item.reviewInDays ?? 0;
  const when = inDays === 0 ? "today" : inDays > 0 ? `in ${plural(inDays, "day")}` : `${plural(-inDays, "day")} ago`;
  return cell(
    "Review",
    "review",
    h("time", { datetime: patient.review_on, title: formatDate(patient.review_on) }, shortDate(patient.review_on)),
    h("span", { class: "sub" }, when),
  );
}

function row(item: Attention, today: string): HTMLTableRowElement {
  const { patient } = item;
  const status = patientStatus(item);
  return h(
    "tr",
    {
      role: "row",
      class: `tone-${status.tone}`,
      "data-name": patient.name.toLowerCase(),
      "data-attention": needsAttention(item) ? "yes" : "no",
      "data-review": item.reviewDue ? "yes" : "no",
    },
    patientCell(patient, item),
    statusCell(status),
    painCell(patient),
    cell("Latest symptoms", "symptoms", patient.latest ? symptomTags(patient.latest) : h("span", { class: "muted" }, "No check-in yet")),
    checkinsCell(patient, today),
    reviewCell(patient, item),
  );
}

function table(items: Attention[], today: string): HTMLTableElement {
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
    h("tbody", { role: "rowgroup" }, ...items.map((item) => row(item, today))),
  );
}

function filterChoice(name: Filter, label: string, count: number, checked: boolean): HTMLElement {
  return h(
    "label",
    { class: "option" },
    h("input", { type: "radio", name: "show", value: name, checked }),
    `${label} `,
    h("span", { class: "count" }, `(${count})`),
  );
}

export async function patientsView(): Promise<HTMLElement> {
  const loaded = await loadOr(TITLE, () => api<PatientSummary[]>("GET", "/api/patients"));
  if (loaded instanceof HTMLElement) return loaded;
  const today = localToday();
  const items = attentionOrder(loaded, today);

  const actions = h("p", { class: "actions" }, h("a", { class: "button-link", href: "#/patients/new" }, "Add patient"));
  if (items.length === 0) {
    return screen(TITLE, actions, h("p", {}, "No patients yet. Add your first patient to send them an invitation."));
  }

  const counts: Record<Filter, number> = {
    all: items.length,
    attention: items.filter(needsAttention).length,
    review: items.filter((item) => item.reviewDue).length,
  };
  const filters = h(
    "fieldset",
    { class: "filters" },
    h("legend", {}, "Show"),
    h("div", { class: "options" }, ...FILTERS.map(([name, label]) => filterChoice(name, label, counts[name], name === "all"))),
  );
  const search = h("input", {
    id: "patient-search",
    type: "search",
    name: "q",
    autocomplete: "off",
    spellcheck: "false",
    "aria-controls": "patient-table",
  });
  const status = h("p", { class: "hint list-status", role: "status" });
  const list = table(items, today);
  const none = h("p", { class: "none", hidden: true });
  const rows = [...list.tBodies[0].rows];

  const apply = (): void => {
    const query = search.value.trim().toLowerCase();
    const show = (filters.querySelector<HTMLInputElement>("input:checked")?.value ?? "all") as Filter;
    let shown = 0;
    for (const tr of rows) {
      const byName = query === "" || (tr.dataset.name ?? "").includes(query);
      const byFilter = show === "all" || (show === "attention" ? tr.dataset.attention : tr.dataset.review) === "yes";
      tr.hidden = !(byName && byFilter);
      if (!tr.hidden) shown += 1;
    }
    list.hidden = shown === 0;
    none.hidden = shown > 0;
    none.textContent =
      query !== "" ? "No patient matches that name." : show === "review" ? "No reviews are due." : "Nobody needs attention right now.";
    const label = FILTERS.find(([name]) => name === show)?.[1].toLowerCase() ?? "all";
    status.textContent =
      query === "" && show === "all"
        ? `${plural(items.length, "patient")}, ${counts.attention} needing attention.`
        : `Showing ${shown} of ${plural(items.length, "patient")}${show === "all" ? "" : `: ${label}`}.`;
  };
  search.addEventListener("input", apply);
  filters.addEventListener("change", apply);
  apply();

  return screen(
    TITLE,
    h(
      "div",
      { class: "list-tools" },
      filters,
      h("div", { class: "field search" }, h("label", { for: search.id }, "Search by name"), search),
      actions,
    ),
    status,
    none,
    list,
  );
}
