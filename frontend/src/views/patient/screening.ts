// #/screening: the health questions a patient answers before their first session.
// The answers help the clinic plan treatment; the flags they raise are for the practitioner
// only (shown on their patient page), so this screen never shows them to the patient.
import { api, ApiError, OfflineError } from "../../api";
import { h, showError } from "../../dom";
import type { Schemas } from "../../types";

/** The answers as stored (in a Screening). */
export type ScreeningAnswers = Schemas["ScreeningAnswersOut"];

/** PUT /api/me/screening: the answers to store. */
export type ScreeningBody = Schemas["ScreeningIn"];

/** GET /api/me/screening and GET /api/patients/{id}/screening. */
export type Screening = Schemas["ScreeningOut"];

type YesNo = "pregnant_or_breastfeeding" | "sclerosant_allergy" | "clotting_disorder" | "acute_illness";

export const QUESTIONS: [field: YesNo, question: string][] = [
  ["pregnant_or_breastfeeding", "Are you pregnant or breast-feeding?"],
  [
    "sclerosant_allergy",
    "Have you ever had an allergy or a reaction to a vein injection (sclerosant), such as polidocanol?",
  ],
  ["clotting_disorder", "Have you ever had a blood clot (such as a DVT), or do you have a clotting disorder?"],
  ["acute_illness", "Are you unwell at the moment, for example with a fever or an infection?"],
];

// The API's limits (api/screening/schemas.py), checked here too so a slip is caught at once.
export const VEIN_MM_MAX = 50;
export const VEIN_COUNT_MAX = 1000;
export const NOTES_MAX = 1000;

const HINTS: Record<string, string> = {
  ...Object.fromEntries(QUESTIONS.map(([field]) => [field, "Please answer yes or no."])),
  largest_vein_mm: `Enter your best guess in millimetres, from 0 to ${VEIN_MM_MAX}, for example 2 or 2.5.`,
  vein_count_estimate: `Enter a whole number from 0 to ${VEIN_COUNT_MAX}. A rough guess is fine.`,
  notes: `Please keep this to ${NOTES_MAX.toLocaleString("en-GB")} characters.`,
};

export type BodyOrProblem = { body: ScreeningBody } | { field: string; message: string };

/** The form's values as the API's body (booleans and numbers as JSON types), or what to fix. */
export function screeningBody(data: FormData): BodyOrProblem {
  const text = (key: string): string => String(data.get(key) ?? "").trim();
  const answers: Partial<Record<YesNo, boolean>> = {};
  for (const [field] of QUESTIONS) {
    const value = data.get(field);
    if (value !== "yes" && value !== "no") return { field, message: HINTS[field] };
    answers[field] = value === "yes";
  }
  const mm = Number(text("largest_vein_mm"));
  if (text("largest_vein_mm") === "" || !Number.isFinite(mm) || mm < 0 || mm > VEIN_MM_MAX) {
    return { field: "largest_vein_mm", message: HINTS.largest_vein_mm };
  }
  const count = Number(text("vein_count_estimate"));
  if (text("vein_count_estimate") === "" || !Number.isInteger(count) || count < 0 || count > VEIN_COUNT_MAX) {
    return { field: "vein_count_estimate", message: HINTS.vein_count_estimate };
  }
  const notes = text("notes");
  if (notes.length > NOTES_MAX) return { field: "notes", message: HINTS.notes };
  return {
    body: {
      ...(answers as Record<YesNo, boolean>),
      largest_vein_mm: mm,
      vein_count_estimate: count,
      notes: notes || null,
    },
  };
}

/** An API refusal in plain words: msgspec's "Expected `float` <= 50.0" becomes the field's hint. */
export function friendlyError(field: string | null, detail: string): string {
  if (field && HINTS[field] && /expected|invalid|missing|must/i.test(detail)) return HINTS[field];
  const text = field && detail.startsWith(`${field}: `) ? detail.slice(field.length + 2) : detail;
  return text.charAt(0).toUpperCase() + text.slice(1);
}

function yesNo(field: YesNo, question: string, value: boolean | undefined): HTMLElement {
  const legendId = `legend-${field}`;
  const option = (label: string, checked: boolean): HTMLElement =>
    h(
      "label",
      { class: "option" },
      h("input", { type: "radio", name: field, value: label.toLowerCase(), checked, required: true }),
      h("span", {}, label),
    );
  return h(
    "fieldset",
    { class: "scale", role: "radiogroup", "aria-labelledby": legendId },
    h("legend", { id: legendId }, question),
    h("div", { class: "options" }, option("Yes", value === true), option("No", value === false)),
    h("p", { class: "field-error", "data-error-for": field, role: "alert" }),
  );
}

function numberField(
  field: string,
  label: string,
  hint: string,
  value: number | undefined,
  attrs: Record<string, string | number>,
): HTMLElement[] {
  return [
    h("label", { for: field }, label),
    h("p", { class: "note", id: `${field}-hint` }, hint),
    h("input", {
      id: field,
      name: field,
      type: "number",
      min: 0,
      required: true,
      value: value === undefined ? "" : String(value),
      "aria-describedby": `${field}-hint`,
      ...attrs,
    }),
    h("p", { class: "field-error", "data-error-for": field, role: "alert" }),
  ];
}

export async function screeningView(): Promise<HTMLElement> {
  const existing = (await api<Screening>("GET", "/api/me/screening")).answers;
  const status = h("p", { class: "status", role: "status" });
  if (existing) status.textContent = "Your answers are saved. You can change them at any time.";
  const form = h(
    "form",
    { class: "screening", novalidate: true },
    ...QUESTIONS.map(([field, question]) => yesNo(field, question, existing?.[field])),
    ...numberField(
      "largest_vein_mm",
      "About how wide is your largest vein to be treated (mm)?",
      "A guess is fine. Thread veins are usually under 1 mm; 3 mm is about the thickness of a matchstick.",
      existing?.largest_vein_mm,
      { max: VEIN_MM_MAX, step: "any", inputmode: "decimal" },
    ),
    ...numberField(
      "vein_count_estimate",
      "About how many veins would you like treated?",
      "A rough count is fine.",
      existing?.vein_count_estimate,
      { max: VEIN_COUNT_MAX, step: 1, inputmode: "numeric" },
    ),
    h("label", { for: "notes" }, "Anything else your clinic should know? (optional)"),
    h("textarea", { id: "notes", name: "notes", maxlength: NOTES_MAX, rows: 3 }, existing?.notes ?? ""),
    h("p", { class: "field-error", "data-error-for": "notes", role: "alert" }),
    h("p", { class: "field-error", "data-error-for": "form", role: "alert" }),
    h("button", { type: "submit" }, "Save answers"),
    status,
  );
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    showError(form, null, "");
    status.textContent = "";
    const result = screeningBody(new FormData(form));
    if ("field" in result) {
      showError(form, result.field, result.message);
      form.querySelector<HTMLElement>(`[name="${result.field}"]`)?.focus();
      return;
    }
    try {
      await api("PUT", "/api/me/screening", result.body);
      status.textContent = "Saved. Thank you: your clinic will go through your answers with you.";
    } catch (error) {
      if (error instanceof OfflineError) {
        showError(form, null, "You seem to be offline. Your answers were not sent; try again when you're back online.");
        return;
      }
      if (!(error instanceof ApiError)) throw error;
      showError(form, error.field, friendlyError(error.field, error.detail));
    }
  });
  return h(
    "main",
    { class: "screen" },
    h("h1", { tabindex: -1 }, "Health questions"),
    h(
      "p",
      { class: "lead" },
      "These questions help your clinic plan your treatment safely. They do not decide whether " +
        "you can be treated: your practitioner will talk your answers through with you.",
    ),
    form,
    h("p", {}, h("a", { href: "#/today" }, "Back to Today")),
  );
}

/**
 * Today's reminder, while the questions are unanswered; nothing when offline or answered.
 * It speaks of "your first session" only while there is none (`beforeFirstSession`, which
 * Today learns in parallel): on day 7 that would contradict the rest of the screen.
 */
export async function screeningPrompt(beforeFirstSession: boolean | Promise<boolean>): Promise<HTMLElement | null> {
  const [screening, before] = await Promise.all([
    api<Screening>("GET", "/api/me/screening").catch(() => null),
    beforeFirstSession,
  ]);
  if (!screening || screening.answers !== null) return null;
  const words = before
    ? "Please answer a few health questions before your first session"
    : "Answer a few health questions for your clinic";
  return h("p", { class: "lead screening-prompt" }, h("a", { href: "#/screening" }, words));
}
