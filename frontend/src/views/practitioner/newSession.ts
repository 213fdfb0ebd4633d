// #/patients/:id/sessions/new: record a treatment session (which also sets the check-in plan).
import { api } from "../../api";
import { h } from "../../dom";
import { go } from "../../router";
import { errorLine, labelled, loadOr, localToday, screen, showErrors, showFailure } from "./common";
import { codeIn } from "../../types";
import { AREAS, SCLEROSANTS } from "../../words";
import { AREAS as AREA_NAMES, SCLEROSANTS as SCLEROSANT_NAMES } from "../../vocabulary";
import type { Patient, SessionCreate, TreatmentSession } from "./model";

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

type Area = SessionCreate["areas"][number];
type Sclerosant = SessionCreate["sclerosant"];

// The API's codes are its enums; the vocabulary (words.ts) names the same codes, both generated
// from one definition on the server, so a box or option the form offers is a code it accepts.
const isArea = codeIn<Area>(AREA_NAMES);
const isSclerosant = codeIn<Sclerosant>(SCLEROSANT_NAMES);

type NumberField =
  | "concentration_pct"
  | "volume_ml"
  | "injections"
  | "compression_days"
  | "restriction_days"
  | "daily_days";

// Checked here too so every slip is shown at once without a round trip; the API stays the
// authority (its 422 lands next to the field it names).
const NUMBERS: Record<NumberField, [min: number, max: number, whole: boolean, aboveMin: boolean]> = {
  concentration_pct: [0, 100, false, true],
  volume_ml: [0, 100, false, true],
  injections: [1, 500, true, false],
  compression_days: [0, 90, true, false],
  restriction_days: [0, 90, true, false],
  daily_days: [0, 120, true, false],
};

const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;

/** The form's values as the API's body, or every field that needs fixing with its message. */
export function sessionBody(
  data: FormData,
  today: string,
): { body: SessionCreate } | { errors: Record<string, string> } {
  const text = (key: string): string => String(data.get(key) ?? "").trim();
  const errors: Record<string, string> = {};
  const performed = text("performed_on");
  if (!ISO_DATE.test(performed)) errors.performed_on = HINTS.performed_on;
  else if (performed > today) errors.performed_on = "A session can't be recorded for a future date.";
  const areas = data.getAll("areas").map(String).filter(isArea);
  if (areas.length === 0) errors.areas = HINTS.areas;
  const sclerosant = text("sclerosant");
  if (!isSclerosant(sclerosant)) errors.sclerosant = HINTS.sclerosant;
  const number = (key: NumberField): number => {
    const [min, max, whole, aboveMin] = NUMBERS[key];
    const value = text(key);
    const parsed = Number(value);
    const fits =
      value !== "" &&
      Number.isFinite(parsed) &&
      (aboveMin ? parsed > min : parsed >= min) &&
      parsed <= max &&
      (!whole || Number.isInteger(parsed));
    if (!fits) errors[key] = HINTS[key];
    return parsed; // the API is strict: numbers go as JSON numbers, never "3"
  };
  const numbers = {
    concentration_pct: number("concentration_pct"),
    volume_ml: number("volume_ml"),
    injections: number("injections"),
    compression_days: number("compression_days"),
    restriction_days: number("restriction_days"),
    daily_days: number("daily_days"),
  };
  const review = text("review_on");
  if (review !== "" && (!ISO_DATE.test(review) || (ISO_DATE.test(performed) && review <= performed))) {
    errors.review_on = HINTS.review_on;
  }
  const notes = text("notes");
  if (notes.length > 2000) errors.notes = HINTS.notes;
  // (An unknown sclerosant is among the errors already; checked again so its type is known.)
  if (Object.keys(errors).length > 0 || !isSclerosant(sclerosant)) return { errors };
  return {
    body: {
      performed_on: performed,
      areas,
      sclerosant,
      ...numbers,
      ...(review !== "" ? { review_on: review } : {}),
      ...(notes !== "" ? { notes } : {}),
    },
  };
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
