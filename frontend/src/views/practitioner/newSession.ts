// #/patients/:id/sessions/new: record a treatment session (which also sets the check-in plan).
import { api } from "../../api";
import { h } from "../../dom";
import { go } from "../../router";
import { errorLine, labelled, loadOr, localToday, screen, showErrors, showFailure } from "./common";
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
  return h(
    "fieldset",
    { class: "areas", "data-field": "areas" },
    h("legend", {}, "Treated areas"),
    h(
      "div",
      { class: "checks" },
      ...AREAS.map(([code, label]) =>
        h(
          "label",
          { class: "check" },
          // Each box points at the group's error line: focus on it reads what is wrong.
          h("input", { type: "checkbox", name: "areas", value: code, "aria-describedby": "areas-error" }),
          label,
        ),
      ),
    ),
    errorLine("areas"),
  );
}

// Checked here too so every slip is shown at once without a round trip; the API stays the
// authority (its 422 lands next to the field it names).
const NUMBERS: [field: string, min: number, max: number, whole: boolean, aboveMin: boolean][] = [
  ["concentration_pct", 0, 100, false, true],
  ["volume_ml", 0, 100, false, true],
  ["injections", 1, 500, true, false],
  ["compression_days", 0, 90, true, false],
  ["restriction_days", 0, 90, true, false],
  ["daily_days", 0, 120, true, false],
];

const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;

/** The form's values as the API's body, or every field that needs fixing with its message. */
export function sessionBody(
  data: FormData,
  today: string,
): { body: Record<string, unknown> } | { errors: Record<string, string> } {
  const text = (key: string): string => String(data.get(key) ?? "").trim();
  const body: Record<string, unknown> = {};
  const errors: Record<string, string> = {};
  const performed = text("performed_on");
  if (!ISO_DATE.test(performed)) errors.performed_on = HINTS.performed_on;
  else if (performed > today) errors.performed_on = "A session can't be recorded for a future date.";
  else body.performed_on = performed;
  const areas = data.getAll("areas").map(String);
  if (areas.length === 0) errors.areas = HINTS.areas;
  else body.areas = areas;
  if (text("sclerosant") === "") errors.sclerosant = HINTS.sclerosant;
  else body.sclerosant = text("sclerosant");
  for (const [key, min, max, whole, aboveMin] of NUMBERS) {
    const value = text(key);
    const number = Number(value);
    const fits =
      value !== "" &&
      Number.isFinite(number) &&
      (aboveMin ? number > min : number >= min) &&
      number <= max &&
      (!whole || Number.isInteger(number));
    if (!fits) errors[key] = HINTS[key];
    else body[key] = number; // the API is strict: numbers go as JSON numbers, never "3"
  }
  const review = text("review_on");
  if (review !== "") {
    if (!ISO_DATE.test(review) || (ISO_DATE.test(performed) && review <= performed)) errors.review_on = HINTS.review_on;
    else body.review_on = review;
  }
  if (text("notes").length > 2000) errors.notes = HINTS.notes;
  else if (text("notes") !== "") body.notes = text("notes");
  return Object.keys(errors).length > 0 ? { errors } : { body };
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
      labelled("concentration_pct", "Concentration (%)", numberInput("concentration_pct", { min: 0, max: 100 })),
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
    const result = sessionBody(new FormData(form), localToday());
    if ("errors" in result) {
      showErrors(form, result.errors);
      return;
    }
    showErrors(form, {});
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
