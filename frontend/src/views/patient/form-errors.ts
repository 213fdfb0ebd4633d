// Shows every problem of a form at once, each next to its field, and takes the patient to
// the first. A field is the element with `data-field="<name>"` (a fieldset, or the textarea
// itself); its message goes in `[data-error-for="<name>"]`. The field is marked with
// aria-invalid and described by the message, so moving focus there reads the message out;
// only the form-wide summary is a live region (six alerts at once would be noise).
import type { FieldProblem } from "./checkin-validation";

export type { FieldProblem } from "./checkin-validation";

function fieldOf(form: HTMLElement, name: string): HTMLElement | null {
  return form.querySelector<HTMLElement>(`[data-field="${CSS.escape(name)}"]`);
}

/** Every control the mark applies to: checkboxes and text take aria-invalid themselves. */
function marked(field: HTMLElement): HTMLElement[] {
  const controls = [...field.querySelectorAll<HTMLElement>("input[type=checkbox], input:not([type]), textarea")];
  return [field, ...controls];
}

/** Clears every message and mark, the summary and the form-wide line included. */
export function clearProblems(form: HTMLElement): void {
  for (const message of form.querySelectorAll<HTMLElement>("[data-error-for]")) message.textContent = "";
  for (const field of form.querySelectorAll<HTMLElement>("[data-field]")) {
    for (const element of marked(field)) element.removeAttribute("aria-invalid");
  }
}

/**
 * Shows `problems` (a field the form does not have goes to the form-wide line), `summary`
 * in the form's summary line, then scrolls to the first field and focuses its first control.
 */
export function showProblems(form: HTMLElement, problems: FieldProblem[], summary = ""): void {
  clearProblems(form);
  const general = form.querySelector<HTMLElement>("[data-error-for='form']");
  let first: HTMLElement | null = null;
  for (const problem of problems) {
    const field = fieldOf(form, problem.field);
    const message = form.querySelector<HTMLElement>(`[data-error-for="${CSS.escape(problem.field)}"]`);
    if (!field || !message) {
      if (general) general.textContent = problem.message;
      continue;
    }
    message.textContent = problem.message;
    for (const element of marked(field)) element.setAttribute("aria-invalid", "true");
    first ??= field;
  }
  const summaryLine = form.querySelector<HTMLElement>("[data-error-for='summary']");
  if (summaryLine) summaryLine.textContent = summary;
  if (!first) return;
  // The question at the top of the screen (with the summary above it when both fit), then
  // focus without a second jump.
  const from = summaryLine?.textContent ? summaryLine : first;
  const fits = first.getBoundingClientRect().bottom - from.getBoundingClientRect().top < window.innerHeight * 0.7;
  (fits ? from : first).scrollIntoView({ block: "start" });
  const control = first.matches("input, textarea, select")
    ? first
    : first.querySelector<HTMLElement>("input, textarea, select");
  control?.focus({ preventScroll: true });
}

/**
 * Gives a field's message an id and links the field and each of its controls to it, so
 * focus on any of them reads the message out (an empty message reads as nothing).
 */
export function describeWith(field: HTMLElement, message: HTMLElement, id: string): void {
  message.id = id;
  for (const element of [field, ...field.querySelectorAll<HTMLElement>("input, textarea, select")]) {
    const existing = element.getAttribute("aria-describedby");
    element.setAttribute("aria-describedby", existing ? `${existing} ${id}` : id);
  }
}
