// One alert as one line, for Alerts and the patient page: what, who, since when, and
// Acknowledge. Acknowledging confirms at once ("Acknowledged", a status message) with Undo
// for UNDO_MS; then the line leaves the open list. The optional note sits behind one
// "Add a note" button per alert, never a text box on every card.
import { api } from "../../api";
import { formatDate, h } from "../../dom";
import { gradeName, lower, signName, symptomName } from "../../words";
import { describeFailure } from "./common";
import type { Alert } from "./model";
import { inSignOrder, joinWords } from "./text";

/** How long Undo is offered (the server allows 30 s, for a slow connection). */
export const UNDO_MS = 8000;

// Symptom and grade words come from the vocabulary (words.ts), as everywhere.
const PAIN = symptomName("pain");
const SEVERE = gradeName(3);

/** The alert rules these screens have words for (api/alerts); the API's `rule` is a string. */
type Rule = "warning_sign" | "pain_high" | "pain_rising" | "symptom_severe" | "missed_checkins";

const RULES: Record<Rule, string> = {
  warning_sign: "Warning sign",
  pain_high: `${PAIN} 7 or more`,
  pain_rising: `${PAIN} rising`,
  symptom_severe: `${SEVERE} symptom after day 14`,
  missed_checkins: "Missed check-ins",
};

const isRule = (rule: string): rule is Rule => Object.hasOwn(RULES, rule);

/** A rule's name; a rule this release has no words for, its code. */
export function ruleLabel(rule: string): string {
  return isRule(rule) ? RULES[rule] : rule;
}

const capitalise = (text: string): string => text.charAt(0).toUpperCase() + text.slice(1);

/** What the alert is about, in words from the vocabulary: "Calf or whole-leg swelling with pain". */
export function alertHeadline(alert: Pick<Alert, "rule" | "items" | "pain" | "reason">): string {
  const items = alert.items ?? [];
  switch (alert.rule) {
    case "warning_sign":
      return items.length ? capitalise(joinWords(inSignOrder(items).map((code) => lower(signName(code))))) : alert.reason;
    case "pain_high":
      return alert.pain !== null ? `${PAIN} ${alert.pain}/10` : alert.reason;
    case "pain_rising":
      return alert.pain !== null ? `${PAIN} rising, up to ${alert.pain}/10` : RULES.pain_rising;
    case "symptom_severe":
      return `${SEVERE} ${joinWords(items.map((code) => lower(symptomName(code))))}`;
    case "missed_checkins": {
      const count = /Missed (\d+)/.exec(alert.reason)?.[1];
      return count ? `Missed ${count} daily check-ins` : "Missed check-ins";
    }
    default:
      return alert.reason;
  }
}

/** "2 Mar" (with the year when it is not this year's): compact, for the report list. */
export function shortDate(iso: string, thisYear = new Date().getFullYear()): string {
  const [year, month, day] = iso.split("-").map(Number);
  return new Date(Date.UTC(year, month - 1, day)).toLocaleDateString("en-GB", {
    day: "numeric",
    month: "short",
    year: year === thisYear ? undefined : "numeric",
    timeZone: "UTC",
  });
}

/** How long an alert has waited: "3 min", "5 h", "2 days". */
export function waited(since: string, now = Date.now()): string {
  const minutes = Math.max(0, Math.floor((now - new Date(since).getTime()) / 60_000));
  if (minutes < 1) return "under a minute";
  if (minutes < 60) return `${minutes} min`;
  const hours = Math.floor(minutes / 60);
  if (hours < 48) return `${hours} h`;
  return `${Math.floor(hours / 24)} days`;
}

function reportList(alert: Alert): HTMLElement | null {
  const reports = alert.reports ?? [];
  if (reports.length < 2) return null;
  return h(
    "div",
    { class: "reports" },
    h("p", { class: "hint" }, `Reported ${reports.length} times:`),
    h(
      "ul",
      {},
      ...reports.map((report) =>
        h(
          "li",
          {},
          h("time", { datetime: report.local_date }, shortDate(report.local_date)),
          ": ",
          // The headline names the sign already: "Warning sign reported: calf…" → "calf…".
          report.reason.replace(/^Warning sign reported: /, ""),
        ),
      ),
    ),
  );
}

/** The patient's own words sent with a warning sign, kept at the end of the reason. */
export function patientNote(reason: string): string | null {
  return /Their note: "([\s\S]*)"\s*$/.exec(reason)?.[1] ?? null;
}

function when(alert: Alert): HTMLElement {
  const repeated = (alert.reports?.length ?? 0) > 1;
  const latest = alert.last_reported_on ?? alert.local_date;
  const rule = ruleLabel(alert.rule);
  // The rule's name, unless the headline says it already ("Pain rising, up to 8/10").
  const named = alertHeadline(alert).startsWith(rule);
  const reported = repeated ? "last reported " : "raised ";
  return h(
    "p",
    { class: "alert-when" },
    named ? capitalise(reported) : `${rule} · ${reported}`,
    h("time", { datetime: latest }, formatDate(latest)),
    alert.status === "open" ? ` · waiting ${waited(alert.created_at)}` : "",
  );
}

function acknowledgedLine(alert: Alert): HTMLElement {
  return h(
    "p",
    { class: "alert-done" },
    `Acknowledged${alert.acknowledged_by ? ` by ${alert.acknowledged_by}` : ""}` +
      (alert.acknowledged_at ? ` on ${formatDate(alert.acknowledged_at.slice(0, 10))}` : "") +
      (alert.note ? `: ${alert.note}` : "."),
  );
}

export interface LineOptions {
  /** Name the patient (Alerts does; the patient's own page does not need to). */
  showPatient: boolean;
  /** Called when the line has left the open list (the undo window has closed). */
  onGone?: (alert: Alert) => void;
}

/** One alert line; open alerts get Acknowledge, an optional note, and Undo afterwards. */
export function alertLine(alert: Alert, options: LineOptions): HTMLLIElement {
  const line = h(
    "li",
    { class: `alert-line ${alert.severity}`, "data-alert-id": alert.id },
    h(
      "div",
      { class: "alert-row" },
      h(
        "div",
        { class: "alert-text" },
        h(
          "p",
          { class: "alert-what" },
          h("span", { class: `badge ${alert.severity}` }, alert.severity === "urgent" ? "Urgent" : "Watch"),
          " ",
          options.showPatient
            ? h("a", { class: "who", href: `#/patients/${encodeURIComponent(alert.patient.id)}` }, alert.patient.name)
            : null,
          options.showPatient ? h("span", { class: "sep", "aria-hidden": "true" }, " · ") : null,
          options.showPatient ? h("span", { class: "visually-hidden" }, ": ") : null,
          h("span", { class: "what" }, alertHeadline(alert)),
        ),
        when(alert),
      ),
    ),
    // Reported once: the note is shown here; more than once, each report (and note) below.
    (alert.reports?.length ?? 0) < 2 && patientNote(alert.reason)
      ? h("p", { class: "alert-note" }, `The patient's note: “${patientNote(alert.reason)}”`)
      : null,
    reportList(alert),
  );
  if (alert.status === "open") attachActions(line, alert, options);
  else line.append(acknowledgedLine(alert));
  return line;
}

function attachActions(line: HTMLLIElement, alert: Alert, options: LineOptions): void {
  const key = alert.id;
  const note = h("textarea", { id: `note-${key}`, name: "note", rows: 2, maxlength: 1000, "aria-describedby": `note-${key}-error` });
  const noteError = h("p", { class: "field-error", id: `note-${key}-error`, "data-error-for": "note" });
  const panel = h(
    "div",
    { class: "note-panel", id: `note-panel-${key}`, hidden: true },
    h("label", { for: note.id }, "Note (optional): what you did"),
    note,
    noteError,
  );
  const toggle = h(
    "button",
    { type: "button", class: "secondary note-toggle", "aria-expanded": "false", "aria-controls": panel.id },
    "Add a note",
  );
  const acknowledge = h("button", { type: "button", class: "ack" }, "Acknowledge");
  const undo = h("button", { type: "button", class: "secondary undo", hidden: true }, "Undo");
  const status = h("p", { class: "ack-status", role: "status" });
  const error = h("p", { class: "field-error", role: "alert" });
  const actions = h("div", { class: "alert-do" }, status, undo, toggle, acknowledge);
  line.querySelector(".alert-row")?.append(actions);
  line.append(panel, error);

  toggle.addEventListener("click", () => {
    const open = panel.hidden;
    panel.hidden = !open;
    toggle.setAttribute("aria-expanded", String(open));
    if (open) note.focus();
  });

  let timer: number | undefined;
  const setDone = (done: boolean): void => {
    line.classList.toggle("acknowledged", done);
    acknowledge.hidden = done;
    toggle.hidden = done;
    undo.hidden = !done;
    if (done) panel.hidden = true;
    else panel.hidden = toggle.getAttribute("aria-expanded") !== "true";
  };
  const leave = (): void => {
    const hadFocus = line.contains(document.activeElement);
    const next = (line.nextElementSibling ?? line.previousElementSibling) as HTMLElement | null;
    line.remove();
    if (hadFocus) {
      const target = next?.querySelector<HTMLElement>("button.ack:not([hidden])") ?? document.querySelector<HTMLElement>("main h1");
      target?.focus();
    }
    options.onGone?.(alert);
  };

  acknowledge.addEventListener("click", async () => {
    error.textContent = "";
    noteError.textContent = "";
    note.removeAttribute("aria-invalid");
    if (note.value.trim().length > 1000) {
      noteError.textContent = "A note can be up to 1,000 characters.";
      note.setAttribute("aria-invalid", "true");
      note.focus();
      return;
    }
    acknowledge.disabled = true;
    try {
      await api("POST", `/api/alerts/${encodeURIComponent(alert.id)}/acknowledge`, { note: note.value.trim() || null });
    } catch (failure) {
      error.textContent = `Not acknowledged: ${describeFailure(failure)}`;
      return;
    } finally {
      acknowledge.disabled = false;
    }
    setDone(true);
    status.textContent = "Acknowledged.";
    undo.focus();
    timer = window.setTimeout(leave, UNDO_MS);
  });

  undo.addEventListener("click", async () => {
    window.clearTimeout(timer);
    error.textContent = "";
    undo.disabled = true;
    try {
      await api("DELETE", `/api/alerts/${encodeURIComponent(alert.id)}/acknowledgement`);
    } catch (failure) {
      error.textContent = `Could not undo: ${describeFailure(failure)}`;
      timer = window.setTimeout(leave, UNDO_MS);
      return;
    } finally {
      undo.disabled = false;
    }
    setDone(false);
    status.textContent = "Open again.";
    acknowledge.focus();
  });
}
