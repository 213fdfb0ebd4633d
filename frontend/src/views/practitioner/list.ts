// #/patients: the clinic's patients, those who need attention first, with a name filter.
import { api } from "../../api";
import { formatDate, h } from "../../dom";
import { GRADED } from "../../types";
import { attentionOrder, type Attention } from "./attention";
import { flagLabel, symptomName } from "../../words";
import { localToday, loadOr, screen } from "./common";
import type { PatientSummary } from "./model";

const TITLE = "Patients";

function percent(value: number | null): string {
  return value === null ? "—" : `${Math.round(value * 100)}%`;
}

/** A cell that also carries its column name, shown before the value when rows become cards. */
// Explicit roles keep the table's semantics when CSS turns rows into cards (display: block).
function cell(label: string, ...content: (Node | string)[]): HTMLElement {
  return h("td", { role: "cell", "data-label": label }, ...content);
}

function row(item: Attention): HTMLTableRowElement {
  const { patient, reasons } = item;
  const latest = patient.latest;
  return h(
    "tr",
    { role: "row", class: reasons.length > 0 ? "attention" : null, "data-name": patient.name.toLowerCase() },
    h(
      "th",
      { scope: "row", role: "rowheader", "data-label": "Name" },
      h("a", { href: `#/patients/${encodeURIComponent(patient.id)}` }, patient.name),
      patient.active ? null : h("span", { class: "tag" }, " (inactive)"),
      patient.alert_severity
        ? h(
            "a",
            { class: `badge ${patient.alert_severity}`, href: "#/alerts" },
            patient.alert_severity === "urgent" ? " Urgent alert" : " Alert",
          )
        : null,
    ),
    cell("Last check-in", patient.last_checkin_on ? formatDate(patient.last_checkin_on) : "None yet"),
    cell("Check-ins, 7 days", percent(patient.adherence_7d)),
    cell(symptomName("pain"), latest ? `${latest.pain}/10` : "—"),
    ...GRADED.map((symptom) => cell(symptomName(symptom), latest ? String(latest[symptom]) : "—")),
    cell(
      "Needs attention",
      reasons.length > 0 ? h("span", { class: "reason" }, reasons.join("; ")) : "No",
    ),
    cell(
      "Screening",
      ...(patient.flags.length > 0
        ? patient.flags.map((flag) => h("span", { class: "badge flag" }, flagLabel(flag)))
        : ["—"]),
    ),
  );
}

function table(items: Attention[]): HTMLTableElement {
  const heads = [
    "Name",
    "Last check-in",
    "Check-ins, 7 days",
    symptomName("pain"),
    ...GRADED.map((symptom) => symptomName(symptom)),
    "Needs attention",
    "Screening",
  ];
  return h(
    "table",
    { class: "data patient-list", role: "table" },
    h(
      "caption",
      {},
      "Patients, those who need attention first",
      h(
        "span",
        { class: "hint" },
        "Pain is 0–10; other symptoms 0 none, 1 mild, 2 moderate, 3 severe. " +
          "Check-ins, 7 days: the share of the check-ins the plan expected that were made. " +
          "Screening: flags from the patient's health questions (they never block treatment).",
      ),
    ),
    h(
      "thead",
      { role: "rowgroup" },
      h("tr", { role: "row" }, ...heads.map((head) => h("th", { scope: "col", role: "columnheader" }, head))),
    ),
    h("tbody", { role: "rowgroup" }, ...items.map(row)),
  );
}

export async function patientsView(): Promise<HTMLElement> {
  const loaded = await loadOr(TITLE, () => api<PatientSummary[]>("GET", "/api/patients"));
  if (loaded instanceof HTMLElement) return loaded;
  const items = attentionOrder(loaded, localToday());
  const waiting = items.filter((item) => item.reasons.length > 0).length;

  const actions = h(
    "p",
    { class: "actions" },
    h("a", { class: "button-link", href: "#/patients/new" }, "Add patient"),
  );
  if (items.length === 0) {
    return screen(TITLE, actions, h("p", {}, "No patients yet. Add your first patient to send them an invitation."));
  }

  const search = h("input", {
    id: "patient-search",
    type: "search",
    name: "q",
    autocomplete: "off",
    spellcheck: "false",
    "aria-controls": "patient-table",
  });
  const status = h("p", { class: "hint", role: "status", "aria-live": "polite" });
  const list = table(items);
  list.id = "patient-table";
  const none = h("p", { hidden: true }, "No patient matches that name.");
  const rows = [...list.tBodies[0].rows];

  const filter = (): void => {
    const query = search.value.trim().toLowerCase();
    let shown = 0;
    for (const tr of rows) {
      const match = query === "" || (tr.dataset.name ?? "").includes(query);
      tr.hidden = !match;
      if (match) shown += 1;
    }
    none.hidden = shown > 0;
    list.hidden = shown === 0;
    status.textContent =
      query === ""
        ? `${plural(items.length, "patient")}, ${waiting} needing attention.`
        : `Showing ${shown} of ${plural(items.length, "patient")}.`;
  };
  search.addEventListener("input", filter);
  filter();

  return screen(
    TITLE,
    actions,
    h("div", { class: "field search" }, h("label", { for: search.id }, "Search patients"), search),
    status,
    none,
    list,
  );
}

function plural(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? "" : "s"}`;
}
