// Sign in, and accepting an invitation (which sets the password and signs in).
//
// Signing in is one or two steps: the password, then (when the account has two-step sign-in
// on) a code from the authenticator app or a recovery code. A practitioner whose clinic
// requires two-step sign-in and has not set it up goes from the password to setting it up
// (views/account/enrolment.ts). Until the last step the user is not signed in (session.ts);
// a reload resumes at the step they were on. A passkey signs in alone, no email or password
// (it counts as both steps).
import { api, ApiError } from "../api";
import { h, showError } from "../dom";
import { passkeyProblem, passkeysSupported } from "../passkey-words";
import { go, route } from "../router";
import { awaitingOf, ended, type Awaiting } from "../session";
import type { Schemas } from "../types";
import { clearProblems, describeWith, showProblems } from "./patient/form-errors";
import { fieldMessage, typedCode } from "./account/words";

/** Where each step of a sign-in in progress is shown. */
export const STEP_ROUTES: Record<Awaiting, string> = {
  second_factor: "/sign-in/code",
  enrolment: "/sign-in/set-up-two-step",
};

function field(id: string, label: string, type: string, autocomplete: string): HTMLElement[] {
  return [
    h("label", { for: id }, label),
    h("input", { id, name: id, type, autocomplete, required: true }),
    h("p", { class: "field-error", "data-error-for": id, role: "alert" }),
  ];
}

function failure(form: HTMLElement, error: unknown): void {
  if (error instanceof ApiError) showError(form, error.field, error.detail);
  else showError(form, null, "You seem to be offline. Try again when you have a connection.");
}

async function signIn(): Promise<HTMLElement> {
  const form = h(
    "form",
    { novalidate: true },
    ...field("email", "Email", "email", "username"),
    ...field("password", "Password", "password", "current-password"),
    h("p", { class: "field-error", "data-error-for": "form", role: "alert" }),
    h("button", { type: "submit" }, "Sign in"),
  );
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const data = new FormData(form);
    try {
      const user = await api<Schemas["UserOut"]>("POST", "/api/auth/login", {
        email: data.get("email"),
        password: data.get("password"),
      });
      ended(); // nothing of an earlier user stays on the device
      const step = awaitingOf(user);
      go(step ? STEP_ROUTES[step] : "/");
    } catch (error) {
      failure(form, error);
    }
  });
  return h("main", { class: "screen narrow" }, h("h1", { tabindex: -1 }, "Sign in"), form, passkeySignIn());
}

/**
 * "Sign in with a passkey": the browser offers the passkeys it holds for Afterline, and the
 * chosen one says who is signing in. Not offered where the browser cannot use passkeys.
 */
function passkeySignIn(): HTMLElement | null {
  if (!passkeysSupported()) return null;
  const button = h("button", { type: "button", class: "secondary passkey-button" }, "Sign in with a passkey");
  const said = h("p", { class: "note said", role: "status" });
  const problem = h("p", { class: "field-error", role: "alert" });
  button.addEventListener("click", async () => {
    button.disabled = true;
    said.textContent = "";
    problem.textContent = "";
    try {
      // The WebAuthn library comes when it is needed, not with the sign-in page.
      const user = await (await import("../passkeys")).signInWithPasskey();
      ended(); // nothing of an earlier user stays on the device
      const step = awaitingOf(user);
      go(step ? STEP_ROUTES[step] : "/");
    } catch (error) {
      const { kind, message } = passkeyProblem(error, "sign-in");
      if (kind === "cancelled") said.textContent = message;
      else problem.textContent = message;
      if (kind === "unavailable") button.hidden = true;
    } finally {
      button.disabled = false;
    }
  });
  return h(
    "div",
    { class: "passkey-sign-in" },
    h("p", { class: "or" }, h("span", {}, "or")),
    button,
    h("p", { class: "hint" }, "With your fingerprint, face or screen lock, if you have added a passkey to your account."),
    said,
    problem,
  );
}

/** Signs out of the sign-in in progress, back to the password. */
async function startAgain(): Promise<void> {
  await api("POST", "/api/auth/logout").catch(() => undefined);
  ended();
  go("/sign-in");
}

/**
 * The second step: the 6-digit code from the authenticator app, or (the phone lost) one of
 * the recovery codes saved when two-step sign-in was set up.
 */
async function codeStep(): Promise<HTMLElement> {
  let recovery = false;
  const intro = h("p", { class: "lead" });
  const label = h("label", { for: "code" });
  const hint = h("p", { class: "hint", id: "code-hint" });
  const input = h("input", { id: "code", name: "code", "data-field": "code", required: true, "aria-describedby": "code-hint" });
  const message = h("p", { class: "field-error", "data-error-for": "code" });
  describeWith(input, message, "code-error");
  const switcher = h("button", { type: "button", class: "link switch" });
  const show = (): void => {
    intro.textContent = recovery
      ? "Enter one of the recovery codes you saved when you set up two-step sign-in."
      : "Enter the 6-digit code from your authenticator app.";
    label.textContent = recovery ? "Recovery code" : "6-digit code";
    hint.textContent = recovery ? "It looks like abcd-efgh-jkmn-pqrs. Each code works once." : "The app shows a new code every 30 seconds.";
    input.value = "";
    for (const [name, value] of Object.entries(
      recovery
        ? { inputmode: "text", autocomplete: "off", autocapitalize: "none", spellcheck: "false" }
        : { inputmode: "numeric", autocomplete: "one-time-code", autocapitalize: "none", spellcheck: "false" },
    )) {
      input.setAttribute(name, value);
    }
    switcher.textContent = recovery ? "Use the code from your app instead" : "Use a recovery code instead";
    clearProblems(form);
  };
  switcher.addEventListener("click", () => {
    recovery = !recovery;
    show();
    input.focus();
  });
  const general = h("p", { class: "field-error", "data-error-for": "form", role: "alert" });
  const form = h(
    "form",
    { novalidate: true, class: "code-step" },
    label,
    hint,
    input,
    message,
    general,
    h("button", { type: "submit", class: "primary" }, "Continue"),
    h("p", { class: "switch-line" }, switcher),
  );
  show();
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const code = typedCode(input.value);
    if (!code) return showProblems(form, [{ field: "code", message: recovery ? "Enter a recovery code." : "Enter the 6-digit code." }]);
    clearProblems(form);
    try {
      await api<Schemas["UserOut"]>("POST", "/api/auth/second-factor/verify", { code });
      ended(); // the full session begins: who is signed in is asked again
      go("/");
    } catch (error) {
      if (error instanceof ApiError && error.field) {
        showProblems(form, [{ field: error.field, message: fieldMessage(error.field, error.detail) }]);
      } else if (error instanceof ApiError && error.status === 401) {
        general.replaceChildren("This sign-in has expired. ", h("a", { href: "#/sign-in" }, "Sign in again"), ".");
      } else if (error instanceof ApiError) {
        general.textContent = error.detail; // 429: how long to wait, in words
      } else {
        general.textContent = "You seem to be offline. Try again when you have a connection.";
      }
    }
  });
  return h(
    "main",
    { class: "screen narrow sign-in-step" },
    h("h1", { tabindex: -1 }, "Two-step sign-in"),
    intro,
    form,
    h(
      "p",
      { class: "note start-again" },
      "Not you? ",
      h("button", { type: "button", class: "link", onclick: () => void startAgain() }, "Sign in as someone else"),
    ),
  );
}

async function acceptInvite(params: Record<string, string>): Promise<HTMLElement> {
  const form = h(
    "form",
    { novalidate: true },
    h("p", {}, "Choose a password of at least 10 characters to finish setting up your account."),
    ...field("password", "Password", "password", "new-password"),
    h("p", { class: "field-error", "data-error-for": "form", role: "alert" }),
    h("button", { type: "submit" }, "Set password"),
  );
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const data = new FormData(form);
    try {
      await api("POST", "/api/auth/accept-invite", {
        token: params.token,
        password: data.get("password"),
      });
      ended(); // nothing of an earlier user stays on the device
      go("/");
    } catch (error) {
      failure(form, error);
    }
  });
  return h("main", { class: "screen narrow" }, h("h1", { tabindex: -1 }, "Welcome to Afterline"), form);
}

export function registerAuthRoutes(): void {
  route("/sign-in", signIn);
  route(STEP_ROUTES.second_factor, codeStep);
  route(STEP_ROUTES.enrolment, async () => (await import("./account/enrolment")).enrolmentScreen(startAgain));
  route("/invite/:token", acceptInvite);
}
