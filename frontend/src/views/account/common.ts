// What the account screen's sections share: a labelled field with its message slot, and a
// failed request in words (a session ended elsewhere goes back to Sign in).
import { ApiError } from "../../api";
import { h } from "../../dom";
import { go } from "../../router";
import { ended } from "../../session";
import { describeWith, showProblems } from "../patient/form-errors";
import { fieldMessage } from "./words";

export interface Field {
  /** The label, the hint (if any), the control and its message, in order. */
  nodes: HTMLElement[];
  input: HTMLInputElement;
}

/**
 * A text field named `name` for the form-errors pattern (views/patient/form-errors.ts): the
 * control carries `data-field`, its message `data-error-for`, and is described by both.
 */
export function field(
  name: string,
  label: string,
  attrs: Record<string, string | boolean>,
  hint?: string,
): Field {
  const id = `${name}-field`;
  const hintNode = hint ? h("p", { class: "hint", id: `${id}-hint` }, hint) : null;
  const input = h("input", { id, name, "data-field": name, "aria-describedby": hintNode ? hintNode.id : null, ...attrs });
  const message = h("p", { class: "field-error", "data-error-for": name });
  describeWith(input, message, `${id}-error`);
  return { nodes: [h("label", { for: id }, label), ...(hintNode ? [hintNode] : []), input, message], input };
}

/** Attributes of a field for a code from an authenticator app (or a recovery code). */
export const CODE_ATTRS = { inputmode: "numeric", autocomplete: "one-time-code", autocapitalize: "none", spellcheck: "false" };

/**
 * Shows a failed request on `form`: a refused field by that field, anything else on the
 * form's own line. A session that ended (signed out from another device) goes to Sign in.
 */
export function showFailure(form: HTMLElement, error: unknown): void {
  if (error instanceof ApiError && error.status === 401) {
    ended();
    go("/sign-in");
    return;
  }
  if (error instanceof ApiError && error.field) {
    showProblems(form, [{ field: error.field, message: fieldMessage(error.field, error.detail) }]);
    return;
  }
  showProblems(form, [{ field: "form", message: failureSentence(error) }]);
}

/** A failed request that no field is at fault for, in a sentence. */
export function failureSentence(error: unknown): string {
  if (error instanceof ApiError && error.status === 401) {
    ended();
    go("/sign-in");
    return "You have been signed out.";
  }
  if (error instanceof ApiError) {
    return error.status >= 500 ? "Something went wrong on our side. Please try again in a moment." : error.detail;
  }
  return "You seem to be offline. Try again when you have a connection.";
}

/** A section's heading, focusable so a change inside the section can take focus back to it. */
export function sectionHeading(id: string, text: string): HTMLElement {
  return h("h2", { id, tabindex: -1 }, text);
}
