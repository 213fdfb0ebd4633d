// Today's notice of what the clinic's server refused for good while the queue was being
// sent (offline/notices.ts): the check-in, or warning-sign report, the patient was told was
// "queued" will never arrive, so they are told why, and what to do, until they press OK.
// A refusal while Today is open (the queue is sent after the screen is drawn) shows at once.
import { h } from "../../dom";
import { lastSeenOwner } from "../../offline/last-seen";
import type { Notice } from "../../offline/notices";
import { notices, SYNCED_EVENT, type SyncResult } from "./sync";
import "./refused-notice.css";

function announcement(count: number): string {
  return count === 1 ? "Something you saved could not be sent." : `${count} things you saved could not be sent.`;
}

/** The notice's place on Today: empty until the owner has something refused to read. */
export async function refusedNotice(): Promise<HTMLElement> {
  const owner = lastSeenOwner();
  // The status message is the announcement only (the notice says it all to the eye); the
  // notice itself is page content, not a live region.
  const status = h("p", { class: "refused-status visually-hidden", role: "status" });
  const list = h("ul", {});
  const ok = h("button", { type: "button", class: "ok" }, "OK");
  const section = h(
    "section",
    { class: "refused-notice", "aria-labelledby": "refused-heading", hidden: true },
    h("h2", { id: "refused-heading" }, "Not sent to the clinic"),
    list,
    ok,
  );
  const slot = h("div", { class: "refused-slot" }, status, section);
  let shown: Notice[] = [];

  const draw = async (): Promise<void> => {
    shown = owner ? await notices.all(owner) : [];
    list.replaceChildren(...shown.map((notice) => h("li", {}, notice.message)));
    section.hidden = shown.length === 0;
  };
  ok.addEventListener("click", () => {
    void (async () => {
      if (owner) await notices.dismiss(owner, shown.map((notice) => notice.id));
      status.textContent = "";
      await draw();
      slot.closest("main")?.querySelector<HTMLElement>("h1")?.focus();
    })();
  });
  const onSynced = (event: Event): void => {
    if (!slot.isConnected) {
      window.removeEventListener(SYNCED_EVENT, onSynced);
      return;
    }
    const result = (event as CustomEvent<SyncResult>).detail;
    const refused = result.refused.length + result.reports.refused.length;
    if (refused > 0) void draw().then(() => (status.textContent = announcement(refused)));
  };
  window.addEventListener(SYNCED_EVENT, onSynced);
  await draw();
  return slot;
}
