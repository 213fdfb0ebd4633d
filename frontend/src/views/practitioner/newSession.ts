// #/patients/:id/sessions/new: record a treatment session (which also sets the check-in plan).
import { api } from "../../api";
import { h } from "../../dom";
import { go } from "../../router";
import { clearErrors, errorLine, fieldError, labelled, loadOr, localToday, screen, showFailure } from "./common";
import { AREAS, SCLEROSANTS } from "../../words";
import type { Patient, TreatmentSession } from "./model";

const TITLE = "Record a session";

const HINTS: Record<string, string> = {
  performed_on: "Enter the date of the session.",
  areas: "Choose at least one treated area.",
  sclerosant: "Choose a sclerosant.",
  concentration_pct: "Enter a percentage above 0 and up to 100, for example 0.5.",
  volume_ml: "Enter the total volume in ml, above 0 and up to 100.",
  injections: "Enter a whole number of injections, from 1 to 500.",
  compression_days: "Enter a whole number of days, from 0 to 90.",
  restriction_days: "Enter a whole number of days, from 0 to 90.",
  review_on: "Enter a review date after the session date, or leave it empty.",
  daily_days: "Enter a whole number of days, from 0 to 120.",
  notes: "Notes can be up to 2,000 characters.",
};

function numberInput(name: string, attrs: Record<string, string | number> = {}): HTMLInputElement {
  return h("input", { name, type: "number", inputmode: "decimal", step: "any", required: true, ...attrs });
}

function areasFieldset(): HTMLFieldSetElement {
  const fieldset = h(
    "fieldset",
    { class: "areas", "aria-describedby": "areas-error" },
    h("legend", {}, "Treated areas"),
    h(
      "div",
      { class: "checks" },
      ...AREAS.map(([code, label]) =>
        h("label", { class: "check" }, h("input", { type: "checkbox", name: "areas", value: code }), label),
      ),
    ),
    errorLine("areas"),
  );
  return fieldset;
}

// Checked here too so a slip is caught without a round trip; the API stays the authority.
const NUMBERS: [field: string, min: number, max: number, whole: boolean, aboveMin: boolean][] = [
  ["concentration_pct", 0, 100, false, true],
  ["volume_ml", 0, 100, false, true],
  ["injections", 1, 500, true, false],
  ["compression_days", 0, 90, true, false],
  ["restriction_days", 0, 90, true, false],
  ["daily_days", 0, 120, true, false],
];

/** The form's values as the API's body, or the first field that needs fixing. */
export function sessionBody(
  data: FormData,
  today: string,
): { body: Record<string, unknown> } | { field: string; message?: string } {
  const text = (key: string): string => String(data.get(key) ?? "").trim();
  const body: Record<string, unknown> = {};
  const performed = text("performed_on");
  if (!/^\d{4}-\d{2}-\d{2}$/.test(performed)) return { field: "performed_on" };
  if (performed > today) return { field: "performed_on", message: "A session can't be recorded for a future date." };
  body.performed_on = performed;
  const areas = data.getAll("areas").map(String);
  if (areas.length === 0) return { field: "areas" };
  body.areas = areas;
  if (text("sclerosant") === "") return { field: "sclerosant" };
  body.sclerosant = text("sclerosant");
  for (const [key, min, max, whole, aboveMin] of NUMBERS) {
    const value = text(key);
    const number = Number(value);
    const fits =
      value !== "" &&
      Number.isFinite(number) &&
      (aboveMin ? number > min : number >= min) &&
      number <= max &&
      (!whole || Number.isInteger(number));
    if (!fits) return { field: key };
    body[key] = number; // the API is strict: numbers go as JSON numbers, never "3"
  }
  const review = text("review_on");
  if (review !== "") {
    if (!/^\d{4}-\d{2}-\d{2}$/.test(review) || review <= performed) return { field: "review_on" };
    body.review_on = review;
  }
  if (text("notes").length > 2000) return { field: "notes" };
  if (text("notes") !== "") body.notes = text("notes");
  return { body };
}

export async function newSessionView(params: Record<string, string>): Promise<HTMLElement> {
  const id = params.id;
  const patient = await loadOr(TITLE, () => api<Patient>("GET", `/api/patients/${encodeURIComponent(id)}`));
  if (patient instanceof HTMLElement) return patient;
  const timeline = `#/patients/${encodeURIComponent(id)}`;

  const sclerosant = h(
    "select",
    { name: "sclerosant", required: true },
    h("option", { value: "" }, "Choose a sclerosant"),
    ...SCLEROSANTS.map(([code, label]) => h("option", { value: code }, label)),
  );
  const submit = h("button", { type: "submit" }, "Record session");
  const form = h(
    "form",
    { novalidate: true },
    labelled(
      "performed_on",
      "Session date",
      h("input", { name: "performed_on", type: "date", value: localToday(), max: localToday(), required: true }),
    ),
    areasFieldset(),
    h(
      "div",
      { class: "grid" },
      labelled("sclerosant", "Sclerosant", sclerosant),
      labelled("concentration_pct", "Concentration (%)", numberInput("concentration_pct", { min: 0 , max: 100 })),
      labelled("volume_ml", "Volume (ml)", numberInput("volume_ml", { min: 0, max: 100 })),
      labelled(
        "injections",
        "Injections",
        numberInput("injections", { min: 1, max: 500, step: 1, inputmode: "numeric" }),
      ),
      labelled(
        "compression_days",
        "Compression days",
        numberInput("compression_days", { min: 0, max: 90, step: 1, inputmode: "numeric", value: 3 }),
      ),
      labelled(
        "restriction_days",
        "Restriction days",
        numberInput("restriction_days", { min: 0, max: 90, step: 1, inputmode: "numeric", value: 3 }),
      ),
      labelled(
        "review_on",
        "Review date",
        h("input", { name: "review_on", type: "date" }),
        "Optional. Leave empty for 8 weeks after the session.",
      ),
      labelled(
        "daily_days",
        "Daily check-ins (days)",
        numberInput("daily_days", { min: 0, max: 120, step: 1, inputmode: "numeric", value: 14 }),
        "Daily after the session for this many days, then weekly until the review.",
      ),
    ),
    labelled("notes", "Notes", h("textarea", { name: "notes", rows: 4, maxlength: 2000 }), "Optional."),
    errorLine("form"),
    submit,
  );

  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    clearErrors(form);
    const result = sessionBody(new FormData(form), localToday());
    if ("field" in result) {
      fieldError(form, result.field, result.message ?? HINTS[result.field]);
      return;
    }
    submit.disabled = true;
    try {
      await api<TreatmentSession>("POST", `/api/patients/${encodeURIComponent(id)}/sessions`, result.body);
      go(`/patients/${id}`);
    } catch (error) {
      showFailure(form, error, HINTS);
    } finally {
      submit.disabled = false;
    }
  });

  return screen(
    TITLE,
    h("p", { class: "subtitle" }, "For ", h("a", { href: timeline }, patient.name)),
    form,
  );
}
