// The daily check-in form, for today or an earlier day. Seven taps for a full check-in
// (pain, five symptoms, save), eight while the compression question is asked. Saving with
// questions unanswered marks all of them at once and takes the patient to the first.
import { api, ApiError, OfflineError } from "../../api";
import { h } from "../../dom";
import {
  GRADED,
  isWarningSign,
  type CheckinAnswers,
  type CheckinBody,
  type CheckinResult,
  type WarningAdvice,
  type WarningReportBody,
} from "../../types";
import { checkinNotSaved, reason } from "../../offline/notices";
import { reportOf } from "../../offline/replay";
import { EMERGENCY_SIGNS, WARNING_SIGNS } from "../../words";
import { gradedScale, gradeKey, painScale } from "./checkin-scales";
import { unansweredQuestions, unansweredSummary } from "./checkin-validation";
import { clearProblems, describeWith, showProblems } from "./form-errors";
import { flushQueue, queue, reportNowOrLater, SYNCED_EVENT, type SyncResult } from "./sync";
import { answerLines } from "./today-text";
import "./today.css";

export type { WarningAdvice } from "../../types";

export { WARNING_SIGNS };

/**
 * The advice when the server cannot give it (offline, or the save failed): nobody at the
 * clinic knows yet, so the patient must act themselves. `queuedNote` says why.
 */
export function offlineAdvice(
  signs: string[],
  queuedNote = "Your check-in is queued and the clinic cannot see it until you are back online.",
): WarningAdvice | null {
  if (signs.length === 0) return null;
  return signs.some((sign) => EMERGENCY_SIGNS.has(sign))
    ? {
        level: "emergency",
        title: "Call emergency services now",
        text: `What you ticked can be a sign of a serious problem. Call emergency services now (999 in the UK, 112 in Europe, 911 in the US). ${queuedNote}`,
        clinic_phone: null,
      }
    : {
        level: "contact_clinic",
        title: "Contact the clinic today",
        text: `Call the clinic today and tell them what you noticed. ${queuedNote}`,
        clinic_phone: null,
      };
}

/**
 * The warning-sign checkboxes, the same in the check-in and in a report on its own.
 * `prefix` keeps the ids unique: Today holds both forms.
 */
export function warningSignChecks(legend: string, checked: string[] = [], prefix = "", hint = ""): HTMLElement {
  const error = h("p", { class: "field-error", "data-error-for": "warning_signs" });
  const fieldset = h(
    "fieldset",
    { class: "warnings", "data-field": "warning_signs" },
    h("legend", {}, legend),
    hint ? h("p", { class: "hint", id: `${prefix}warnings-hint` }, hint) : null,
    error,
    ...WARNING_SIGNS.map(([code, label]) =>
      h(
        "label",
        { class: "check" },
        h("input", { type: "checkbox", name: "warning_signs", value: code, checked: checked.includes(code) }),
        ` ${label}`,
      ),
    ),
  );
  if (hint) fieldset.setAttribute("aria-describedby", `${prefix}warnings-hint`);
  describeWith(fieldset, error, `${prefix}warnings-error`);
  return fieldset;
}

/** Why the server would not store a check-in, in a sentence (its `detail` is a fragment):
 * with the day when the reason is about the day ("it is before your first …"). */
export function refusalMessage(error: ApiError, localDate: string): string {
  const why = reason(error.detail, error.field);
  return checkinNotSaved(why.startsWith("it ") ? localDate : null, why);
}

/** A prominent box: the first thing a screen reader announces after saving. */
export function adviceBox(advice: WarningAdvice): HTMLElement {
  const phone = advice.clinic_phone;
  return h(
    "div",
    { class: `warning-advice ${advice.level}`, role: "alert", tabindex: -1 },
    h("h2", {}, advice.title),
    h("p", {}, advice.text),
    advice.level === "emergency"
      ? null
      : phone
        ? h("p", {}, h("a", { class: "button-link", href: `tel:${phone.replace(/[^+0-9]/g, "")}` }, `Call ${phone}`))
        : null,
  );
}

/** The saved answers in words (History's day editor, after saving). */
function summary(body: CheckinBody): HTMLElement {
  return h("ul", { class: "saved-values" }, ...answerLines(body).map(([label, value]) => h("li", {}, `${label}: ${value}`)));
}

/** What a save came to, for a screen that shows it its own way (Today's done state). */
export interface SavedCheckin {
  body: CheckinBody;
  /** Kept on this device until it can be sent (offline, or the server could not be reached). */
  queued: boolean;
  /** What to do about the warning signs ticked, if any. */
  advice: WarningAdvice | null;
}

export interface CheckinFormOptions {
  /** Called once saved or queued, instead of the form's own "Saved." line and summary. */
  onSaved?: (saved: SavedCheckin) => void;
}

/**
 * The form for `localDate`, prefilled from `existing`. `askCompression`: the session's
 * compression period is still running. `queued`: `existing` is waiting on this device.
 */
export function checkinForm(
  localDate: string,
  existing: CheckinAnswers | null,
  askCompression: boolean,
  queued: boolean,
  options: CheckinFormOptions = {},
): HTMLElement {
  const { onSaved } = options;
  const status = h("p", { class: "status", role: "status" });
  if (!onSaved && queued) status.textContent = "Queued: it will be sent when you're back online.";
  else if (!onSaved && existing?.pain !== undefined) status.textContent = "Saved.";
  const values = h("div", { class: "values" });
  const advice = h("div", { class: "advice-slot" });
  const showAdvice = (found: WarningAdvice | null | undefined, why?: string): void => {
    advice.replaceChildren(...(found ? [adviceBox(found)] : []), ...(found && why ? [h("p", { class: "refusal" }, why)] : []));
    if (found) (advice.firstElementChild as HTMLElement).focus();
  };
  // A queued check-in sent in the background (back online) turns "Queued" into "Saved".
  const onSynced = (event: Event): void => {
    if (!status.isConnected) {
      window.removeEventListener(SYNCED_EVENT, onSynced);
      return;
    }
    const { sent, refused } = (event as CustomEvent<SyncResult>).detail;
    if (sent.includes(localDate)) status.textContent = "Saved.";
    if (refused.includes(localDate)) status.textContent = "Not saved: it could not be sent. Today says why.";
  };
  window.addEventListener(SYNCED_EVENT, onSynced);
  const note = h("textarea", { id: "note", name: "note", maxlength: 1000, rows: 3, "data-field": "note" }, existing?.note ?? "");
  const noteError = h("p", { class: "field-error", "data-error-for": "note" });
  describeWith(note, noteError, "note-error");
  const form = h(
    "form",
    { class: "checkin", novalidate: true },
    h("p", { class: "error-summary", "data-error-for": "summary", role: "alert" }),
    advice,
    painScale(existing?.pain),
    gradeKey(),
    ...GRADED.map((s) => gradedScale(s, existing?.[s])),
    askCompression
      ? h(
          "label",
          { class: "check compression" },
          h("input", { type: "checkbox", name: "compression_worn", checked: existing?.compression_worn === true }),
          " Compression garment worn today",
        )
      : null,
    warningSignChecks("Have you noticed any of these?", existing?.warning_signs ?? [], "checkin-", "Tick any that apply. Most days there are none."),
    h("label", { for: "note" }, "Note (optional)"),
    note,
    noteError,
    h("p", { class: "field-error", "data-error-for": "form", role: "alert" }),
    h("button", { type: "submit", class: "save" }, "Save check-in"),
    status,
    values,
  );
  const done = (saved: SavedCheckin, line: string): void => {
    if (onSaved) {
      onSaved(saved);
      return;
    }
    status.textContent = line;
    showAdvice(saved.advice);
    values.replaceChildren(summary(saved.body));
  };
  const reportRefusedCheckin = async (report: WarningReportBody, why: string): Promise<void> => {
    const reported = await reportNowOrLater(report);
    if (reported.state === "sent") {
      status.textContent = "Check-in not saved. Your warning signs were sent to the clinic.";
      showAdvice(reported.advice, why);
    } else if (reported.state === "queued") {
      status.textContent = "Check-in not saved. Your warning signs will be sent to the clinic when you're back online.";
      showAdvice(offlineAdvice(report.warning_signs, "Your warning signs will be sent to the clinic when you are back online; until then the clinic has not been told."), why);
    } else {
      status.textContent = "Check-in not saved.";
      showAdvice(offlineAdvice(report.warning_signs, "Your check-in was not saved, so the clinic has not been told."), why);
    }
  };
  const submit = async (): Promise<void> => {
    const data = new FormData(form);
    const missing = unansweredQuestions((name) => data.get(name));
    if (missing.length > 0) {
      status.textContent = "";
      showProblems(form, missing, unansweredSummary(missing.length));
      return;
    }
    const body: CheckinBody = {
      pain: Number(data.get("pain")),
      swelling: Number(data.get("swelling")),
      bruising: Number(data.get("bruising")),
      discolouration: Number(data.get("discolouration")),
      hardening: Number(data.get("hardening")),
      itching: Number(data.get("itching")),
      compression_worn: askCompression ? data.get("compression_worn") !== null : null,
      warning_signs: data.getAll("warning_signs").map(String).filter(isWarningSign),
      note: String(data.get("note") ?? "").trim() || null,
      recorded_at: new Date().toISOString(),
    };
    clearProblems(form);
    try {
      await flushQueue(); // older queued days first, so they are not overtaken
      const saved = await api<CheckinResult>("PUT", `/api/me/checkins/${localDate}`, body);
      // `advice` may be absent (no warning signs): none to show, as for null.
      done({ body, queued: false, advice: saved.advice ?? null }, "Saved.");
    } catch (error) {
      if (error instanceof ApiError && error.status !== 401) {
        status.textContent = "";
        const report = reportOf(body);
        if (error.status < 500 && report) {
          // Refused for good (no session yet, a day before the first session…): the day is
          // not saved, but the warning signs go to the clinic on their own.
          await reportRefusedCheckin(report, refusalMessage(error, localDate));
          return;
        }
        const message = error.status < 500 ? refusalMessage(error, localDate) : error.detail;
        showProblems(form, [{ field: error.field ?? "form", message }]);
        // Not saved, so nobody at the clinic knows: warning signs still get their advice.
        showAdvice(offlineAdvice(body.warning_signs ?? [], "Your check-in was not saved, so the clinic has not been told."));
        return;
      }
      if (!(error instanceof OfflineError || error instanceof ApiError)) throw error;
      await queue.put({ local_date: localDate, body });
      done(
        { body, queued: true, advice: offlineAdvice(body.warning_signs ?? []) },
        "Queued: it will be sent when you're back online.",
      );
    }
  };
  // One press, one save. Not `disabled`: that would drop the focus from the button.
  let busy = false;
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    if (busy) return;
    busy = true;
    void submit().finally(() => {
      busy = false;
    });
  });
  return form;
}
