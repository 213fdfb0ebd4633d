// Changing the password: the current one, then the new one. The server signs out every
// other device; the screen says so.
import { api } from "../../api";
import { h } from "../../dom";
import type { Schemas } from "../../types";
import { clearProblems, showProblems } from "../patient/form-errors";
import { field, sectionHeading, showFailure } from "./common";
import { passwordChangedSentence } from "./words";

const MIN_LENGTH = 10;

export function passwordSection(othersEnded: () => void): HTMLElement {
  const current = field("current_password", "Current password", { type: "password", autocomplete: "current-password", required: true });
  const next = field(
    "new_password",
    "New password",
    { type: "password", autocomplete: "new-password", required: true, minlength: String(MIN_LENGTH) },
    `At least ${MIN_LENGTH} characters. A few words you will remember make a strong password.`,
  );
  const done = h("p", { class: "done", role: "status" });
  const form = h(
    "form",
    { novalidate: true, class: "password-form" },
    ...current.nodes,
    ...next.nodes,
    h("p", { class: "field-error", "data-error-for": "form", role: "alert" }),
    h("button", { type: "submit", class: "primary" }, "Change password"),
  );
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    done.textContent = "";
    const body: Schemas["PasswordChangeIn"] = { current_password: current.input.value, new_password: next.input.value };
    const problems = [
      ...(body.current_password ? [] : [{ field: "current_password", message: "Enter your current password." }]),
      ...(body.new_password.length >= MIN_LENGTH
        ? []
        : [{ field: "new_password", message: `The new password must be at least ${MIN_LENGTH} characters.` }]),
    ];
    if (problems.length > 0) return showProblems(form, problems);
    clearProblems(form);
    const button = form.querySelector<HTMLButtonElement>("button[type=submit]");
    if (button) button.disabled = true;
    try {
      const { ended } = await api<Schemas["EndedOut"]>("POST", "/api/auth/password", body);
      form.reset();
      done.textContent = passwordChangedSentence(ended);
      othersEnded();
    } catch (error) {
      showFailure(form, error);
    } finally {
      if (button) button.disabled = false;
    }
  });
  return h(
    "section",
    { class: "card password-panel", "aria-labelledby": "password-heading" },
    sectionHeading("password-heading", "Change password"),
    form,
    done,
  );
}
