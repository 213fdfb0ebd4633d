// Today's done state: what the patient sees once today's check-in is saved (or kept on
// this phone to send later), at the top of Today, every time they open it that day.
import { h } from "../../dom";
import type { CheckinAnswers, WarningAdvice } from "../../types";
import { adviceBox } from "./checkin-form";
import { SYNCED_EVENT, type SyncResult } from "./sync";
import { answerLines, reminderLine } from "./today-text";

export const QUEUED_LINE = "Saved on this phone — it will be sent when you're back online.";
export const SENT_LINE = "Sent to the clinic.";
export const REFUSED_LINE = "Not saved: it could not be sent. The message above says why.";

export interface DoneState {
  localDate: string;
  body: CheckinAnswers;
  /** Still waiting on this device to be sent. */
  queued: boolean;
  /** Saved a moment ago on this screen (so "Saved." is worth saying). */
  justSaved: boolean;
  /** What to do about the warning signs just ticked. */
  advice: WarningAdvice | null;
  reminderTime: string;
  /** How today compares with the clinic's usual range, when known. */
  comparison: HTMLElement | null;
  onEdit: () => void;
}

/** The answers as a compact two-column list: name, then the answer. */
function answers(body: CheckinAnswers): HTMLElement {
  return h(
    "dl",
    { class: "answers" },
    ...answerLines(body).map(([label, value]) =>
      h("div", { class: label === "Note" || label === "Warning signs" ? "wide" : null }, h("dt", {}, label), h("dd", {}, value)),
    ),
  );
}

/** The section; `focusTarget` is where focus goes after saving (the advice, if any). */
export function doneState(state: DoneState): { section: HTMLElement; focusTarget: HTMLElement } {
  const heading = h("h2", { id: "done-heading", tabindex: -1 }, "Checked in for today");
  const status = h("p", { class: "status", role: "status" });
  status.textContent = state.queued ? QUEUED_LINE : state.justSaved ? "Saved." : "";
  const advice = state.advice ? adviceBox(state.advice) : null;
  const section = h(
    "section",
    { class: "done-state", "aria-labelledby": "done-heading" },
    h("div", { class: "done-head" }, h("span", { class: "tick", "aria-hidden": "true" }, "✓"), heading),
    status,
    advice,
    answers(state.body),
    state.comparison,
    h("p", { class: "reminder" }, reminderLine(state.reminderTime)),
    h("button", { type: "button", class: "secondary edit", onclick: () => state.onEdit() }, "Edit"),
  );
  if (state.queued) {
    // Sent in the background once back online: say so where it said it was waiting.
    const onSynced = (event: Event): void => {
      if (!section.isConnected) {
        window.removeEventListener(SYNCED_EVENT, onSynced);
        return;
      }
      const { sent, refused } = (event as CustomEvent<SyncResult>).detail;
      if (sent.includes(state.localDate)) status.textContent = SENT_LINE;
      if (refused.includes(state.localDate)) status.textContent = REFUSED_LINE;
    };
    window.addEventListener(SYNCED_EVENT, onSynced);
  }
  return { section, focusTarget: advice ?? heading };
}
