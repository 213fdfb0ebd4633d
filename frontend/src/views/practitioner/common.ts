// Pieces the practitioner screens share: labelled fields with an error line, showing every
// error of a form at once next to its field, API-error display, the "not found" and
// "offline" screens, and today's date.
import { ApiError, OfflineError } from "../../api";
import { h } from "../../dom";

type Child = Node | string | null | undefined | false;

/** A `<main>` for a practitioner screen, its heading first (main.ts focuses the h1). */
export function screen(title: string, ...children: Child[]): HTMLElement {
  return h("main", { class: "screen wide practitioner" }, h("h1", { tabindex: -1 }, title), ...children);
}

/**
 * The error line of a field (not a live region: the control is focused and describes it),
 * or of the whole form (`form`: a live region, it is the one message announced).
 */
export function errorLine(field: string): HTMLElement {
  return h("p", {
    class: "field-error",
    "data-error-for": field,
    id: `${field}-error`,
    role: field === "form" ? "alert" : null,
  });
}

/** Label, control, optional hint, and the error line the API's `field` lands in. */
export function labelled(field: string, label: string, control: HTMLElement, hint?: string): HTMLElement {
  control.id ||= `f-${field}`;
  const described = [hint ? `${field}-hint` : "", `${field}-error`].filter(Boolean).join(" ");
  control.setAttribute("aria-describedby", described);
  return h(
    "div",
    { class: "field", "data-field": field },
    h("label", { for: control.id }, label),
    hint ? h("p", { class: "hint", id: `${field}-hint` }, hint) : null,
    control,
    errorLine(field),
  );
}

/** `areas[0]` or `areas.0` → `areas`: the form has one error line per field. */
export function baseField(field: string | null): string | null {
  return field ? field.replace(/[.[].*$/, "") : null;
}

function capitalise(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/** A failed request in words: the server's detail (without its field prefix), or offline. */
export function describeFailure(error: unknown): string {
  if (error instanceof OfflineError) return "you seem to be offline. Try again when you have a connection.";
  if (error instanceof ApiError) {
    const text = error.field && error.detail.startsWith(`${error.field}: `) ? error.detail.slice(error.field.length + 2) : error.detail;
    return text.endsWith(".") ? text : `${text}.`;
  }
  return "something went wrong. Please try again.";
}

/** Clears every error line and invalid mark (before a new submit). */
export function clearErrors(form: HTMLElement): void {
  for (const line of form.querySelectorAll(".field-error")) line.textContent = "";
  for (const invalid of form.querySelectorAll("[aria-invalid]")) invalid.removeAttribute("aria-invalid");
}

/** The controls that hold `field`'s value (several for a group of checkboxes). */
function controlsOf(form: HTMLElement, field: string): HTMLElement[] {
  return [...form.querySelectorAll<HTMLElement>(`[name="${CSS.escape(field)}"]`)];
}

/**
 * Shows every error at once: each message next to its field, each control marked invalid
 * (it already points at its error line with aria-describedby), a count in the form's own
 * line, and focus on the first field in the form's order. Errors for fields the form does
 * not have go to the form's line.
 */
export function showErrors(form: HTMLElement, errors: Record<string, string>): void {
  clearErrors(form);
  const placed: HTMLElement[] = [];
  const unplaced: string[] = [];
  for (const [field, message] of Object.entries(errors)) {
    const line = form.querySelector<HTMLElement>(`[data-error-for="${CSS.escape(field)}"]`);
    const controls = controlsOf(form, field);
    if (!line || field === "form") {
      unplaced.push(message);
      continue;
    }
    line.textContent = message;
    for (const control of controls) control.setAttribute("aria-invalid", "true");
    if (controls[0]) placed.push(controls[0]);
  }
  const summary = form.querySelector<HTMLElement>("[data-error-for='form']");
  const count = placed.length;
  if (summary) {
    summary.textContent = [
      count > 1 ? `${count} fields need fixing: see the messages next to them.` : "",
      ...unplaced,
    ]
      .filter(Boolean)
      .join(" ");
  }
  placed.sort((a, b) => (a.compareDocumentPosition(b) & Node.DOCUMENT_POSITION_FOLLOWING ? -1 : 1));
  placed[0]?.focus();
}

/**
 * Puts an API error next to the field it names (or the form's own line) and marks the
 * control invalid. `hints` replaces msgspec's terse type messages with words.
 */
export function showFailure(form: HTMLElement, error: unknown, hints: Record<string, string> = {}): void {
  if (!(error instanceof ApiError)) {
    showErrors(form, { form: capitalise(describeFailure(error)) });
    return;
  }
  const field = baseField(error.field);
  const known = field !== null && form.querySelector(`[data-error-for="${CSS.escape(field)}"]`) !== null;
  if (!known || !field) {
    showErrors(form, { form: capitalise(describeFailure(error)) });
    return;
  }
  // "volume_ml: Expected `float` > 0.0" → the hint; "email: already in use" → "Already in use".
  const text = describeFailure(error);
  showErrors(form, { [field]: hints[field] && /expected|invalid|missing/i.test(text) ? hints[field] : capitalise(text) });
}

/** Today on this device, YYYY-MM-DD. */
export function localToday(now = new Date()): string {
  const pad = (value: number): string => String(value).padStart(2, "0");
  return `${now.getFullYear()}-${pad(now.getMonth() + 1)}-${pad(now.getDate())}`;
}

export function notFound(): HTMLElement {
  return screen(
    "Patient not found",
    h("p", {}, "We couldn't find that patient. They may belong to another clinic, or the link may be wrong."),
    h("p", {}, h("a", { href: "#/patients" }, "Back to Patients")),
  );
}

export function offline(title: string): HTMLElement {
  return screen(
    title,
    h("p", {}, "You seem to be offline. This page needs a connection; try again when you're back online."),
    h("button", { type: "button", onclick: () => location.reload() }, "Try again"),
  );
}

/** Loads data for a patient screen; a 404 or offline becomes the matching friendly screen. */
export async function loadOr<T>(title: string, load: () => Promise<T>): Promise<T | HTMLElement> {
  try {
    return await load();
  } catch (error) {
    if (error instanceof ApiError && error.status === 404) return notFound();
    if (error instanceof OfflineError) return offline(title);
    throw error;
  }
}
