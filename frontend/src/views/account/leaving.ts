// Leaving Afterline: a patient closing their own account. What closing does is said before
// they confirm (in the clinic's terms: how long the record is kept); confirming takes a
// deliberate step and their password. Afterwards nothing of them stays on this device, and
// the "Your account is closed" screen needs no sign-in.
import { api } from "../../api";
import { h } from "../../dom";
import { forgetOwner, openOutbox } from "../../offline/outbox";
import { go } from "../../router";
import { ended, me } from "../../session";
import type { Schemas } from "../../types";
import { clearProblems, showProblems } from "../patient/form-errors";
import { field, sectionHeading, showFailure } from "./common";
import { closingSentences, type Leaving } from "./words";
import "./account.css";

/** Where the screen after closing is: public (the user is signed out by then). */
export const CLOSED_ROUTE = "/account-closed";

// The clinic's terms as the server gave them when closing: only for the closed screen that
// follows (a reload of it shows the same without the clinic's name).
let closedTerms: Leaving | null = null;

/** Forgets the closed account on this device: what sign-out forgets, and its unsent entries too. */
async function forgetHere(userId: string | null): Promise<void> {
  ended();
  if (userId) {
    const outbox = openOutbox();
    await forgetOwner(userId, outbox).catch(() => 0);
    (await outbox.catch(() => null))?.close();
  }
  // The server dropped the push subscription; the browser's own copy goes too.
  if ("serviceWorker" in navigator) {
    const registration = await navigator.serviceWorker.getRegistration().catch(() => undefined);
    const subscription = await registration?.pushManager?.getSubscription().catch(() => null);
    await subscription?.unsubscribe().catch(() => false);
  }
}

export interface LeavingSection {
  element: HTMLElement;
  refresh: () => Promise<void>;
}

export function leavingSection(): LeavingSection {
  const heading = sectionHeading("leaving-heading", "Leaving Afterline");
  const body = h("div", { class: "leaving-body" });
  const element = h("section", { class: "card leaving-panel", "aria-labelledby": "leaving-heading" }, heading, body);

  const confirmForm = (open: HTMLButtonElement): HTMLFormElement => {
    const password = field("password", "Your password", { type: "password", autocomplete: "current-password", required: true });
    const keep = h("button", { type: "button", class: "secondary" }, "Keep my account");
    const form = h(
      "form",
      { novalidate: true, class: "close-form" },
      h("p", { class: "confirm-lead" }, "To close your account, enter your password. This cannot be undone from the app."),
      ...password.nodes,
      h("p", { class: "field-error", "data-error-for": "form", role: "alert" }),
      h("div", { class: "actions" }, h("button", { type: "submit", class: "danger" }, "Close my account"), keep),
    );
    keep.addEventListener("click", () => {
      form.remove();
      open.hidden = false;
      open.focus();
    });
    form.addEventListener("submit", async (event) => {
      event.preventDefault();
      const value = password.input.value;
      if (!value) return showProblems(form, [{ field: "password", message: "Enter your password." }]);
      clearProblems(form);
      const buttons = [...form.querySelectorAll("button")];
      for (const button of buttons) button.disabled = true;
      try {
        const user = await me().catch(() => null);
        // Anything saved on this device and not sent yet goes first, if it can.
        await import("../patient/sync").then((sync) => sync.flushQueue()).catch(() => undefined);
        const body: Schemas["CloseAccountIn"] = { password: value };
        closedTerms = await api<Leaving>("POST", "/api/me/close-account", body);
        await forgetHere(user?.id ?? null);
        go(CLOSED_ROUTE);
      } catch (error) {
        for (const button of buttons) button.disabled = false;
        showFailure(form, error);
      }
    });
    return form;
  };

  const refresh = async (): Promise<void> => {
    const terms = await api<Leaving>("GET", "/api/me/leaving");
    const said = closingSentences(terms);
    const open = h("button", { type: "button", class: "secondary danger-outline" }, "Close my account…");
    open.addEventListener("click", () => {
      open.hidden = true;
      const form = confirmForm(open);
      body.append(form);
      form.querySelector<HTMLInputElement>("input")?.focus();
    });
    body.replaceChildren(
      h("p", {}, "You can close your Afterline account yourself. Closing it:"),
      h("ul", { class: "closing" }, ...said.does.map((line) => h("li", {}, line))),
      h("p", {}, said.record),
      h(
        "p",
        {},
        "Before you close it, you may want to ",
        h("a", { href: "#/account", onclick: toYourData }, "download your data"),
        ". ",
        said.back,
      ),
      open,
    );
  };

  return { element, refresh };
}

/** The "download your data" link: the section above, without leaving the screen. */
function toYourData(event: Event): void {
  event.preventDefault();
  const heading = document.getElementById("data-heading");
  heading?.scrollIntoView({ block: "start" });
  heading?.focus({ preventScroll: true });
}

/** After closing: signed out, on a screen that needs no sign-in. */
export async function closedScreen(): Promise<HTMLElement> {
  const said = closedTerms ? closingSentences(closedTerms) : null;
  return h(
    "main",
    { class: "screen narrow account closed" },
    h("h1", { tabindex: -1 }, "Your account is closed"),
    h(
      "p",
      { class: "lead" },
      "You have been signed out on every device, and Afterline will not send you any more reminders or messages.",
    ),
    said ? h("p", {}, said.record) : null,
    h("p", {}, said ? said.back : "If you want to use Afterline again, your clinic can invite you back."),
    h("p", { class: "note" }, "Thank you for using Afterline. You can close this page."),
  );
}
