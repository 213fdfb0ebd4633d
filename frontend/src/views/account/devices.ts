// Signed-in devices: every browser the user is signed in on, in words, and signing out one
// of the others or all of them (a lost phone, a clinic computer left signed in).
import { api } from "../../api";
import { h } from "../../dom";
import { failureSentence, sectionHeading } from "./common";
import { deviceLine, endedSentence, type LoginSession } from "./words";

export interface DevicesSection {
  element: HTMLElement;
  /** Asks the server again (after something ended the other sessions). */
  refresh: () => Promise<void>;
}

export function devicesSection(): DevicesSection {
  const heading = sectionHeading("devices-heading", "Signed-in devices");
  const list = h("ul", { class: "devices", "aria-labelledby": "devices-heading" });
  const status = h("p", { class: "done", role: "status" });
  const problem = h("p", { class: "field-error", role: "alert" });
  const everywhere = h("button", { type: "button", class: "secondary" }, "Sign out everywhere else");
  const element = h(
    "section",
    { class: "card devices-panel", "aria-labelledby": "devices-heading" },
    heading,
    h("p", { class: "note" }, "You are signed in to Afterline on these devices. Sign out of any you don't recognise or no longer use."),
    list,
    everywhere,
    status,
    problem,
  );

  const say = (text: string): void => {
    problem.textContent = "";
    status.textContent = text;
  };
  const fail = (error: unknown): void => {
    status.textContent = "";
    problem.textContent = failureSentence(error);
  };

  const row = (session: LoginSession): HTMLElement => {
    const item = h(
      "li",
      { class: session.current ? "device current" : "device" },
      h(
        "div",
        { class: "what" },
        h("p", { class: "name" }, session.browser, session.current ? h("span", { class: "this-device" }, h("span", { class: "visually-hidden" }, " — "), "this device") : null),
        h("p", { class: "when" }, deviceLine(session, new Date())),
      ),
    );
    if (!session.current) {
      const button = h(
        "button",
        { type: "button", class: "secondary small" },
        "Sign out",
        h("span", { class: "visually-hidden" }, ` ${session.browser}, ${deviceLine(session, new Date()).toLowerCase()}`),
      );
      button.addEventListener("click", async () => {
        button.disabled = true;
        try {
          await api("DELETE", `/api/auth/sessions/${encodeURIComponent(session.id)}`);
          item.remove();
          heading.focus();
          say(`Signed out of ${session.browser}.`);
          showEverywhere();
        } catch (error) {
          button.disabled = false;
          fail(error);
        }
      });
      item.append(button);
    }
    return item;
  };

  const showEverywhere = (): void => {
    everywhere.hidden = !list.querySelector(".device:not(.current)");
  };

  everywhere.addEventListener("click", async () => {
    everywhere.disabled = true;
    try {
      const { ended } = await api<{ ended: number }>("POST", "/api/auth/sessions/end-others");
      await refresh();
      heading.focus();
      say(endedSentence(ended));
    } catch (error) {
      fail(error);
    } finally {
      everywhere.disabled = false;
    }
  });

  const refresh = async (): Promise<void> => {
    const sessions = await api<LoginSession[]>("GET", "/api/auth/sessions");
    // This device first, then the others, most recently used first.
    const ordered = [...sessions.filter((s) => s.current), ...sessions.filter((s) => !s.current)];
    list.replaceChildren(...ordered.map(row));
    showEverywhere();
  };

  return { element, refresh };
}
