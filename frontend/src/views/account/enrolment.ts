// The set-up screen a practitioner reaches straight after their password when the clinic
// requires two-step sign-in and they have not set it up: nothing else opens until they do.
// A passkey does instead of the authenticator app: adding one finishes the sign-in, and one
// added before signs in on its own (the password sign-in asks for set-up again without it).
import { api } from "../../api";
import { h } from "../../dom";
import { passkeyProblem, passkeysSupported } from "../../passkey-words";
import { addPasskey, signInWithPasskey } from "../../passkeys";
import { go } from "../../router";
import { ended } from "../../session";
import type { Schemas } from "../../types";
import { setUp } from "./two-step";
import "./account.css";

export async function enrolmentScreen(startAgain: () => Promise<void>): Promise<HTMLElement> {
  // Who is setting up (the account name the app shows); allowed while the sign-in waits.
  const user = await api<Schemas["UserOut"]>("GET", "/api/auth/me");
  const finished = (): void => {
    ended(); // the sign-in is finished: who is signed in is asked again
    go("/");
  };
  const flow = h("div", { class: "set-up" });
  void setUp(flow, {
    email: user.email,
    level: "h2",
    focusFirst: false, // the screen's heading has focus; the passkey choice comes first
    done: () => finished(),
  });
  return h(
    "main",
    { class: "screen account enrolment" },
    h("h1", { tabindex: -1 }, "Set up two-step sign-in"),
    h(
      "p",
      { class: "lead" },
      "Your clinic requires two-step sign-in for practitioners: as well as your password, you enter a code from an app " +
        "on your phone. It takes about two minutes, and you only need to do it once.",
    ),
    passkeysSupported() ? passkeyInstead(finished) : null,
    flow,
    h(
      "p",
      { class: "note start-again" },
      "Not you? ",
      h("button", { type: "button", class: "link", onclick: () => void startAgain() }, "Sign in as someone else"),
    ),
  );
}

/** "Use a passkey instead": add one now (it finishes the sign-in), or sign in with one added before. */
function passkeyInstead(finished: () => void): HTMLElement {
  const add = h("button", { type: "button", class: "secondary" }, "Add a passkey");
  const signIn = h("button", { type: "button", class: "link" }, "Sign in with your passkey");
  const said = h("p", { class: "quiet", role: "status" });
  const problem = h("p", { class: "field-error", role: "alert" });
  const attempt = (button: HTMLButtonElement, ceremony: "add" | "sign-in", run: () => Promise<unknown>) => async () => {
    button.disabled = true;
    said.textContent = "";
    problem.textContent = "";
    try {
      await run();
      finished();
    } catch (error) {
      const { kind, message } = passkeyProblem(error, ceremony);
      if (kind === "cancelled") said.textContent = message;
      else problem.textContent = message;
      if (kind === "unavailable") box.hidden = true;
    } finally {
      button.disabled = false;
    }
  };
  add.addEventListener("click", attempt(add, "add", () => addPasskey()));
  signIn.addEventListener("click", attempt(signIn, "sign-in", () => signInWithPasskey()));
  const box: HTMLElement = h(
    "section",
    { class: "passkey-instead", "aria-labelledby": "passkey-instead-heading" },
    h("h2", { id: "passkey-instead-heading" }, "Use a passkey instead"),
    h(
      "p",
      {},
      "A passkey signs you in with your fingerprint, face or screen lock, with no code to type. " +
        "It counts as two-step sign-in, and this device keeps it for you.",
    ),
    h("div", { class: "actions" }, add),
    h("p", { class: "note" }, "Already added one? ", signIn),
    said,
    problem,
  );
  return box;
}

