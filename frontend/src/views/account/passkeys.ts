// Passkeys: what they are, in plain words; the user's passkeys (added, last used), adding one
// on this device and removing one. Signing in with one is on the sign-in page (views/auth.ts).
import { api } from "../../api";
import { h } from "../../dom";
import { isAddress, NO_DOMAIN, passkeyProblem, passkeysSupported } from "../../passkey-words";
import { addPasskey, type Passkey } from "../../passkeys";
import { go } from "../../router";
import { ended } from "../../session";
import { failureSentence, sectionHeading } from "./common";
import { passkeyLine } from "./words";

export interface PasskeysSection {
  element: HTMLElement;
  refresh: () => Promise<void>;
}

export function passkeysSection(): PasskeysSection {
  const heading = sectionHeading("passkeys-heading", "Passkeys");
  const list = h("ul", { class: "devices passkeys", "aria-labelledby": "passkeys-heading" });
  const none = h("p", { class: "note none" }, "You have not added a passkey yet.");
  const add = h("button", { type: "button", class: "secondary" }, "Add a passkey");
  const unsupported = h(
    "p",
    { class: "note unavailable" },
    isAddress(location.hostname) ? NO_DOMAIN : "This browser cannot make passkeys. Try another browser, or your phone.",
  );
  const status = h("p", { class: "done", role: "status" });
  const problem = h("p", { class: "field-error", role: "alert" });
  const supported = passkeysSupported();
  const element = h(
    "section",
    { class: "card passkeys-panel", "aria-labelledby": "passkeys-heading" },
    heading,
    h("p", {}, "Sign in with your fingerprint, face or phone screen lock instead of your password."),
    h(
      "p",
      { class: "note" },
      "A passkey is kept on your device (or in your password manager) and only works on Afterline, so a fake website " +
        "cannot trick you into giving it away. It counts as two-step sign-in: no code is needed.",
    ),
    list,
    none,
    supported ? add : unsupported,
    status,
    problem,
  );

  /** A quiet line (a prompt the user closed) or what was done, in the one live region. */
  const say = (text: string, quiet = false): void => {
    problem.textContent = "";
    status.className = quiet ? "quiet" : "done";
    status.textContent = text;
  };
  const fail = (text: string): void => {
    status.textContent = "";
    problem.textContent = text;
  };
  const showNone = (): void => {
    none.hidden = list.childElementCount > 0;
  };

  const row = (passkey: Passkey): HTMLElement => {
    const when = passkeyLine(passkey, new Date());
    const remove = h(
      "button",
      { type: "button", class: "secondary small" },
      "Remove",
      h("span", { class: "visually-hidden" }, ` the passkey ${passkey.name}, ${when.toLowerCase()}`),
    );
    const item = h(
      "li",
      { class: "device passkey" },
      h("div", { class: "what" }, h("p", { class: "name" }, passkey.name), h("p", { class: "when" }, when)),
      remove,
    );
    remove.addEventListener("click", async () => {
      remove.disabled = true;
      try {
        await api("DELETE", `/api/auth/passkeys/${encodeURIComponent(passkey.id)}`);
        item.remove();
        showNone();
        heading.focus();
        say(
          `Removed the passkey ${passkey.name}. It can no longer sign you in; your device may still list it, ` +
            "and you can delete it there too.",
        );
      } catch (error) {
        remove.disabled = false;
        fail(failureSentence(error));
      }
    });
    return item;
  };

  add.addEventListener("click", async () => {
    add.disabled = true;
    status.textContent = "";
    problem.textContent = "";
    try {
      const passkey = await addPasskey();
      await refresh();
      heading.focus();
      say(`Passkey added (${passkey.name}). Next time, choose “Sign in with a passkey” on the sign-in page.`);
    } catch (error) {
      const { kind, message } = passkeyProblem(error, "add");
      if (kind === "signed-out") {
        ended();
        go("/sign-in");
        return;
      }
      if (kind === "cancelled") say(message, true);
      else fail(message);
      if (kind === "unavailable") add.hidden = true;
    } finally {
      add.disabled = false;
    }
  });

  const refresh = async (): Promise<void> => {
    const passkeys = await api<Passkey[]>("GET", "/api/auth/passkeys");
    list.replaceChildren(...passkeys.map(row));
    showNone();
  };

  return { element, refresh };
}
