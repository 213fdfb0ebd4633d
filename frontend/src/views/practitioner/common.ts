// Pieces the practitioner screens share: labelled fields with an error line, API-error
// display, the "not found" and "offline" screens, and today's date.
import { ApiError, OfflineError } from "../../api";
import { h, showError } from "../../dom";

type Child = Node | string | null | undefined | false;

/** A `<main>` for a practitioner screen, its heading first (main.ts focuses the h1). */
export function screen(title: string, ...children: Child[]): HTMLElement {
  return h("main", { class: "screen wide practitioner" }, h("h1", { tabindex: -1 }, title), ...children);
}

export function errorLine(field: string): HTMLElement {
  return h("p", { class: "field-error", "data-error-for": field, id: `${field}-error`, role: "alert" });
}

/** Label, control, optional hint, and the error line the API's `field` lands in. */
export function labelled(field: string, label: string, control: HTMLElement, hint?: string): HTMLElement {
  control.id ||= `f-${field}`;
  const described = [hint ? `${field}-hint` : "", `${field}-error`].filter(Boolean).join(" ");
  control.setAttribute("aria-describedby", described);
  return h(
    "div",
    { class: "field" },
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

/**
 * Puts an API error next to the field it names (or the form's own line) and marks the
 * control invalid. `hints` replaces msgspec's terse type messages with words.
 */
export function showFailure(form: HTMLElement, error: unknown, hints: Record<string, string> = {}): void {
  for (const invalid of form.querySelectorAll("[aria-invalid]")) invalid.removeAttribute("aria-invalid");
  if (error instanceof OfflineError) {
    showError(form, null, "You seem to be offline. Try again when you have a connection.");
    return;
  }
  if (!(error instanceof ApiError)) {
    showError(form, null, "Something went wrong. Please try again.");
    return;
  }
  const field = baseField(error.field);
  const known = field !== null && form.querySelector(`[data-error-for="${CSS.escape(field)}"]`) !== null;
  let message = error.detail;
  if (known && field) {
    // "volume_ml: Expected `float` > 0.0" → the hint; "email: already in use" → "already in use".
    const text = message.startsWith(`${error.field}: `) ? message.slice(`${error.field}: `.length) : message;
    message = hints[field] && /expected|invalid|missing/i.test(text) ? hints[field] : capitalise(text);
  }
  fieldError(form, known ? field : null, message);
}

/** Writes `message` next to `field` (or the form's line), marks the control invalid, focuses it. */
export function fieldError(form: HTMLElement, field: string | null, message: string): void {
  showError(form, field, message);
  if (!field) return;
  const control = form.querySelector<HTMLElement>(`[name="${CSS.escape(field)}"]`);
  control?.setAttribute("aria-invalid", "true");
  control?.focus();
}

/** Clears every error line (before a new submit). */
export function clearErrors(form: HTMLElement): void {
  for (const line of form.querySelectorAll(".field-error")) line.textContent = "";
  for (const invalid of form.querySelectorAll("[aria-invalid]")) invalid.removeAttribute("aria-invalid");
}

function capitalise(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
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
