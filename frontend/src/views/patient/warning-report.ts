// "Report a warning sign": the six signs on their own, sent to POST /api/me/warning-signs.
// Always on Today, session or not: the server accepts a report whatever the date, and tells
// the clinic at once. Offline it waits in the report queue (sync.ts) and the patient is told
// plainly that the clinic does not know yet.
import { h } from "../../dom";
import { isWarningSign, type WarningAdvice, type WarningReportBody } from "../../types";
import { adviceBox, offlineAdvice, warningSignChecks, WARNING_SIGNS } from "./checkin-form";
import { clearProblems, describeWith, showProblems } from "./form-errors";
import { reportNowOrLater, SYNCED_EVENT, type SyncResult } from "./sync";

const LABEL = new Map(WARNING_SIGNS);

/** The signs in words, for the status line ("Sent to the clinic: …"). */
function inWords(signs: string[]): string {
  return signs.map((code) => LABEL.get(code) ?? code).join("; ");
}

/** The form; `waiting` is how many reports made offline are still queued on this device. */
export function warningReportForm(waiting = 0): HTMLElement {
  const advice = h("div", { class: "advice-slot" });
  const status = h("p", { class: "status", role: "status" });
  if (waiting > 0) {
    status.textContent =
      waiting === 1
        ? "A report you made offline is waiting to be sent to the clinic."
        : `${waiting} reports you made offline are waiting to be sent to the clinic.`;
  }
  const send = h("button", { type: "submit" }, "Send to the clinic");
  const note = h("textarea", { id: "report-note", name: "note", maxlength: 1000, rows: 2, "data-field": "note" });
  const noteError = h("p", { class: "field-error", "data-error-for": "note" });
  describeWith(note, noteError, "report-note-error");
  const form = h(
    "form",
    { class: "warning-report", novalidate: true },
    advice,
    warningSignChecks("Which have you noticed?", [], "report-", "Tick all that apply."),
    h("label", { for: "report-note" }, "Note (optional)"),
    note,
    noteError,
    h("p", { class: "field-error", "data-error-for": "form", role: "alert" }),
    send,
    status,
  );
  const show = (found: WarningAdvice | null, focus = true): void => {
    advice.replaceChildren(...(found ? [adviceBox(found)] : []));
    if (found && focus) (advice.firstElementChild as HTMLElement).focus();
  };

  // Queued while offline, then sent in the background: the clinic now knows, say so.
  let queuedAt: string | null = null;
  const onSynced = (event: Event): void => {
    if (!form.isConnected) {
      window.removeEventListener(SYNCED_EVENT, onSynced);
      return;
    }
    const sent = (event as CustomEvent<SyncResult>).detail.reports;
    if (queuedAt && sent.sent.includes(queuedAt)) {
      status.textContent = "Sent: the clinic has been told.";
      show(sent.advice[queuedAt] ?? null, false);
      queuedAt = null;
    }
  };
  window.addEventListener(SYNCED_EVENT, onSynced);

  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const data = new FormData(form);
    const signs = data.getAll("warning_signs").map(String).filter(isWarningSign);
    if (signs.length === 0) {
      showProblems(form, [{ field: "warning_signs", message: "Tick the sign or signs you have noticed." }]);
      return;
    }
    clearProblems(form);
    const report: WarningReportBody = {
      warning_signs: signs,
      recorded_at: new Date().toISOString(),
      note: String(data.get("note") ?? "").trim() || null,
    };
    send.disabled = true; // one press, one report
    status.textContent = "Sending…";
    try {
      const result = await reportNowOrLater(report);
      if (result.state === "refused") {
        status.textContent = "";
        showProblems(form, [{ field: result.error.field === "note" ? "note" : "form", message: `Not sent: ${result.error.detail}` }]);
        show(offlineAdvice(signs, "Your report could not be sent, so the clinic has not been told."));
        return;
      }
      form.reset();
      if (result.state === "sent") {
        status.textContent = `Sent to the clinic: ${inWords(signs)}.`;
        show(result.advice);
      } else {
        queuedAt = report.recorded_at;
        status.textContent = "Queued: it will be sent to the clinic when you're back online.";
        show(
          offlineAdvice(
            signs,
            "Your report is kept on this device and sent when you are back online. Until then the clinic has not been told.",
          ),
        );
      }
    } finally {
      send.disabled = false;
    }
  });
  return form;
}
