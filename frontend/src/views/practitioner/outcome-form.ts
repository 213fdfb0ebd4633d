// The review outcome of one session, recorded by the practitioner from the review photos:
// clearance (five grades), brown staining (0-3), three yes/no findings and notes. Shown as a
// line of words when there is one; the form opens under "Record review outcome" (or "Edit").
// Several sessions share one patient page: every id carries the session's id.
import { ApiError } from "../../api";
import { api } from "../../api";
import { formatDate, h } from "../../dom";
import type { Schemas, TimelineSession } from "../../types";
import { clearErrors, localToday, showErrors, showFailure } from "./common";
import { CLEARANCE_ORDER, type Clearance, type ResultWords, say } from "./result-words";
import { plural } from "./text";

export type Outcome = Schemas["OutcomeOut"];
export type OutcomeBody = Schemas["OutcomeIn"];

const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;
const CHECKS = ["matting", "trapped_blood_drained", "ulceration"] as const;

const HINTS: Record<string, string> = {
  assessed_on: "Enter the date of the review.",
  clearance: "Choose how much has cleared.",
  hyperpigmentation: "Choose how much brown staining there is.",
  notes: "Notes can be up to 2,000 characters.",
};

/**
 * The form's values as the API's body, or every field to fix. The dates' rules (not before
 * the session, not in the future) are the server's: its 422 lands at the date.
 */
export function outcomeBody(data: FormData): { body: OutcomeBody } | { errors: Record<string, string> } {
  const text = (key: string): string => String(data.get(key) ?? "").trim();
  const errors: Record<string, string> = {};
  const assessed = text("assessed_on");
  if (!ISO_DATE.test(assessed)) errors.assessed_on = HINTS.assessed_on;
  const clearance = text("clearance");
  const isClearance = (CLEARANCE_ORDER as readonly string[]).includes(clearance);
  if (!isClearance) errors.clearance = HINTS.clearance;
  const staining = text("hyperpigmentation");
  if (!/^[0-3]$/.test(staining)) errors.hyperpigmentation = HINTS.hyperpigmentation;
  const notes = text("notes");
  if (notes.length > 2000) errors.notes = HINTS.notes;
  if (Object.keys(errors).length > 0) return { errors };
  return {
    body: {
      assessed_on: assessed,
      clearance: clearance as Clearance,
      hyperpigmentation: Number(staining),
      matting: data.get("matting") !== null,
      trapped_blood_drained: data.get("trapped_blood_drained") !== null,
      ulceration: data.get("ulceration") !== null,
      notes: notes === "" ? null : notes,
    },
  };
}

/** The server's words for a refused review date, said for this session. */
export function dateProblem(detail: string, performedOn: string): string | null {
  if (/before the session/i.test(detail)) return `The review can't be before the session on ${formatDate(performedOn)}.`;
  if (/future/i.test(detail)) return "The review date can't be in the future.";
  return null;
}

/** "51-75% cleared · Brown staining: mild · Matting (new fine red veins)": the grade in words. */
export function outcomeWords(outcome: Outcome, words: ResultWords): string {
  const found = CHECKS.filter((check) => outcome[check]).map((check) => say(words.findings, check));
  return [
    say(words.clearance, outcome.clearance),
    `${say(words.findings, "hyperpigmentation")}: ${say(words.hyperpigmentation, outcome.hyperpigmentation).toLowerCase()}`,
    ...found,
  ].join(" · ");
}

/** `revisions` counts the saves: 1 is never changed. */
export function changedWords(revisions: number): string | null {
  return revisions > 1 ? `changed ${plural(revisions - 1, "time")}` : null;
}

function errorLine(prefix: string, field: string): HTMLElement {
  return h("p", { class: "field-error", "data-error-for": field, id: `${prefix}-${field}-error`, role: field === "form" ? "alert" : null });
}

function radios(prefix: string, name: string, legend: string, options: [string, string][], checked: string | null): HTMLElement {
  const errorId = `${prefix}-${name}-error`;
  return h(
    "fieldset",
    { class: "choice-group", "data-field": name },
    h("legend", {}, legend),
    h(
      "div",
      { class: "checks" },
      ...options.map(([value, label]) =>
        h(
          "label",
          { class: "check" },
          h("input", { type: "radio", name, value, checked: value === checked, "aria-describedby": errorId }),
          label,
        ),
      ),
    ),
    errorLine(prefix, name),
  );
}

function outcomeForm(session: TimelineSession, outcome: Outcome | null, words: ResultWords, onSaved: (saved: Outcome) => void): HTMLFormElement {
  const prefix = `outcome-${session.id}`;
  const today = localToday();
  const date = h("input", {
    id: `${prefix}-assessed_on`,
    name: "assessed_on",
    type: "date",
    value: outcome?.assessed_on ?? today,
    min: session.performed_on,
    max: today,
    required: true,
    "aria-describedby": `${prefix}-assessed_on-error`,
  });
  const notes = h("textarea", { id: `${prefix}-notes`, name: "notes", rows: 3, maxlength: 2000, "aria-describedby": `${prefix}-notes-error` });
  notes.value = outcome?.notes ?? "";
  const submit = h("button", { type: "submit" }, "Save review outcome");
  const form = h(
    "form",
    { class: "outcome-form", novalidate: true },
    h("div", { class: "field", "data-field": "assessed_on" }, h("label", { for: date.id }, "Review date"), date, errorLine(prefix, "assessed_on")),
    radios(prefix, "clearance", "Clearance", CLEARANCE_ORDER.map((code) => [code, say(words.clearance, code)]), outcome?.clearance ?? null),
    radios(
      prefix,
      "hyperpigmentation",
      say(words.findings, "hyperpigmentation"),
      ["0", "1", "2", "3"].map((grade) => [grade, say(words.hyperpigmentation, grade)]),
      outcome ? String(outcome.hyperpigmentation) : null,
    ),
    h(
      "fieldset",
      { class: "choice-group" },
      h("legend", {}, "Also seen"),
      h(
        "div",
        { class: "checks" },
        ...CHECKS.map((check) =>
          h("label", { class: "check" }, h("input", { type: "checkbox", name: check, value: "yes", checked: outcome?.[check] ?? false }), say(words.findings, check)),
        ),
      ),
    ),
    h("div", { class: "field", "data-field": "notes" }, h("label", { for: notes.id }, "Notes (optional)"), notes, errorLine(prefix, "notes")),
    errorLine(prefix, "form"),
    submit,
  );
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const result = outcomeBody(new FormData(form));
    if ("errors" in result) {
      showErrors(form, result.errors);
      return;
    }
    clearErrors(form);
    submit.disabled = true;
    try {
      onSaved(await api<Outcome>("PUT", `/api/sessions/${encodeURIComponent(session.id)}/outcome`, result.body));
    } catch (error) {
      const problem = error instanceof ApiError && error.field === "assessed_on" ? dateProblem(error.detail, session.performed_on) : null;
      if (problem) showErrors(form, { assessed_on: problem });
      else showFailure(form, error, HINTS);
    } finally {
      submit.disabled = false;
    }
  });
  return form;
}

/** The session's review outcome: its words when recorded, and the form to record or edit it. */
export function outcomePanel(session: TimelineSession, first: Outcome | null, words: ResultWords): HTMLElement {
  // The live region stays put while what it speaks of is redrawn (a moved region may go unheard).
  const status = h("p", { class: "saved-status", role: "status" });
  const body = h("div");
  const draw = (outcome: Outcome | null, focus = false): void => {
    const changed = outcome ? changedWords(outcome.revisions) : null;
    const details = h(
      "details",
      { class: "outcome-edit" },
      h("summary", {}, outcome ? "Edit review outcome" : "Record review outcome"),
      outcomeForm(session, outcome, words, (saved) => {
        draw(saved, true);
        status.textContent = "Review outcome saved.";
      }),
    );
    const grade = outcome
      ? h(
          "p",
          { class: "outcome-grade", tabindex: -1 },
          h("strong", {}, "Review: "),
          outcomeWords(outcome, words),
          h("span", { class: "sub" }, `Assessed on ${formatDate(outcome.assessed_on)}${changed ? ` · ${changed}` : ""}`),
        )
      : h("p", { class: "muted" }, "No review outcome yet.");
    body.replaceChildren(grade, ...(outcome?.notes ? [h("p", { class: "outcome-notes" }, outcome.notes)] : []), details);
    // The form that had focus is gone: focus goes to what it saved.
    if (focus) grade.focus();
  };
  draw(first);
  return h("div", { class: "outcome-panel" }, body, status);
}
