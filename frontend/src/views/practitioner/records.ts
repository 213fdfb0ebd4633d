// The patient page's records: treatment sessions, screening answers and the check-ins table
// (levels as words on a tint, notes in full). Tables on wide screens; on tablets and phones
// each row becomes a card with its column names (practitioner.css), never a sideways scroll.
import { formatDate, h } from "../../dom";
import { GRADED } from "../../types";
import { areaLabel, flagLabel, sclerosantLabel, signName, symptomName } from "../../words";
import type { Screening } from "../patient/screening";
import { gradeTag, painTag } from "./levels";
import type { Checkin, TreatmentSession } from "./model";

function compression(value: boolean | null): string {
  return value === null ? "Not asked" : value ? "Worn" : "Not worn";
}

function cell(label: string, ...content: (Node | string | null)[]): HTMLElement {
  return h("td", { role: "cell", "data-label": label }, ...content);
}

function quiet(element: HTMLElement, when: boolean): HTMLElement {
  if (when) element.classList.add("quiet");
  return element;
}

function head(...names: string[]): HTMLElement {
  return h("thead", { role: "rowgroup" }, h("tr", { role: "row" }, ...names.map((name) => h("th", { scope: "col", role: "columnheader" }, name))));
}

export function checkinsTable(checkins: Checkin[]): HTMLElement {
  if (checkins.length === 0) return h("p", {}, "No check-ins yet.");
  const rows = [...checkins].sort((a, b) => b.local_date.localeCompare(a.local_date));
  return h(
    "table",
    { class: "data cards checkins", role: "table", "aria-label": "Check-ins, newest first" },
    head("Date", symptomName("pain"), ...GRADED.map((symptom) => symptomName(symptom)), "Compression", "Warning signs", "Note"),
    h(
      "tbody",
      { role: "rowgroup" },
      ...rows.map((checkin) =>
        h(
          "tr",
          { role: "row", class: checkin.warning_signs.length > 0 ? "has-signs" : null },
          h("th", { scope: "row", role: "rowheader", class: "nowrap" }, formatDate(checkin.local_date)),
          cell(symptomName("pain"), painTag(checkin.pain)),
          ...GRADED.map((symptom) => cell(symptomName(symptom), gradeTag(checkin[symptom]))),
          // "quiet": nothing to read; a card (narrow screens) leaves it out.
          quiet(cell("Compression", compression(checkin.compression_worn)), checkin.compression_worn === null),
          quiet(
            cell(
              "Warning signs",
              checkin.warning_signs.length > 0
                ? h("span", { class: "signs" }, checkin.warning_signs.map(signName).join("; "))
                : h("span", { class: "muted" }, "None"),
            ),
            checkin.warning_signs.length === 0,
          ),
          h("td", { role: "cell", "data-label": "Note", class: "note" }, checkin.note ?? ""),
        ),
      ),
    ),
  );
}

export function sessionsTable(sessions: TreatmentSession[]): HTMLElement {
  if (sessions.length === 0) return h("p", {}, "No sessions recorded yet.");
  const rows = [...sessions].sort((a, b) => b.performed_on.localeCompare(a.performed_on));
  return h(
    "table",
    { class: "data cards sessions", role: "table", "aria-label": "Treatment sessions, newest first" },
    head("Date", "Areas", "Sclerosant", "Injections", "Check-ins", "Review", "Notes"),
    h(
      "tbody",
      { role: "rowgroup" },
      ...rows.map((session) =>
        h(
          "tr",
          { role: "row" },
          h("th", { scope: "row", role: "rowheader", class: "nowrap" }, formatDate(session.performed_on)),
          cell("Areas", session.areas.map(areaLabel).join(", ")),
          cell("Sclerosant", `${sclerosantLabel(session.sclerosant)} ${session.concentration_pct}%, ${session.volume_ml} ml`),
          cell("Injections", String(session.injections)),
          cell("Check-ins", `Daily for ${session.daily_days} days, then weekly`),
          cell("Review", formatDate(session.review_on)),
          h("td", { role: "cell", "data-label": "Notes", class: "note" }, session.notes ?? ""),
        ),
      ),
    ),
  );
}

const yesNo = (value: boolean): string => (value ? "Yes" : "No");

/** The patient's screening: flags first (they inform, never block), then the answers. */
export function screeningSection(screening: Screening): HTMLElement {
  const { answers, flags } = screening;
  const status =
    answers === null
      ? h("p", {}, "Not answered yet.")
      : flags.length === 0
        ? h("p", {}, "No flags.")
        : h("ul", { class: "flag-list", "aria-label": "Screening flags" }, ...flags.map((flag) => h("li", { class: "badge flag" }, flagLabel(flag))));
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
          // The questions' names are the flags' words (words.ts), answered yes or no.
          h("li", {}, `${flagLabel("pregnancy")}: ${yesNo(answers.pregnant_or_breastfeeding)}`),
          h("li", {}, `${flagLabel("sclerosant_allergy")}: ${yesNo(answers.sclerosant_allergy)}`),
          h("li", {}, `${flagLabel("clotting_disorder")}: ${yesNo(answers.clotting_disorder)}`),
          h("li", {}, `${flagLabel("acute_illness")}: ${yesNo(answers.acute_illness)}`),
          h("li", {}, `Largest vein to treat (estimate): ${answers.largest_vein_mm} mm`),
          h("li", {}, `Veins to treat (estimate): about ${answers.vein_count_estimate}`),
          h("li", {}, `Notes: ${answers.notes ?? "none"}`),
        )
      : null,
  );
}
