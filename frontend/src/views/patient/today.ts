// Today: the day's check-in first (or, once saved, a done state saying so), then the day's
// aftercare advice and a way to report a warning sign at any time. A warning sign reported
// and not yet seen by the clinic leads the screen. Before the clinic records a session there
// is no check-in to make (the server would refuse it), but a warning sign can always be
// reported.
import { formatDate, h, lastSeenNote } from "../../dom";
import { lastSeen, peekLastSeen } from "../../offline/last-seen";
import type { CheckinAnswers, CheckinBody, Timeline, Today, WarningAdvice, WarningFollowUp } from "../../types";
import { adviceBox, checkinForm, WARNING_SIGNS } from "./checkin-form";
import { screeningPrompt } from "./screening";
import { refusedNotice } from "./refused-notice";
import { queue, reports } from "./sync";
import { doneState } from "./today-done";
import { comparisonSentence, splitAdvice } from "./today-text";
import { warningReportForm } from "./warning-report";
import "./today.css";

const TODAY_PATH = "/api/me/today";

const SIGN_NAMES = new Map(WARNING_SIGNS);

function signNames(codes: string[]): string {
  return codes.map((code) => (SIGN_NAMES.get(code) ?? code).toLowerCase()).join("; ");
}

/**
 * What Today leads with after the patient reported a warning sign: while the clinic has not
 * acknowledged it, the same advice and the Call button; once it has, that it has been seen.
 */
export function followUpBox(followUp: WarningFollowUp): HTMLElement {
  const what = `You reported: ${signNames(followUp.warning_signs)} (${formatDate(followUp.last_reported_on)}).`;
  if (followUp.status === "open" && followUp.advice) {
    const box = adviceBox(followUp.advice);
    // Page content here, not a status message: no live region on every visit to Today.
    box.removeAttribute("role");
    box.removeAttribute("tabindex");
    box.setAttribute("data-follow-up", "open");
    box.insertBefore(h("p", { class: "reported" }, what), box.children[1] ?? null);
    return box;
  }
  const seen = followUp.acknowledged_at ? ` on ${formatDate(followUp.acknowledged_at.slice(0, 10))}` : "";
  return h(
    "div",
    { class: "follow-up seen", "data-follow-up": "acknowledged" },
    h("h2", {}, "The clinic has seen your report"),
    h("p", {}, `${what} The clinic looked at it${seen}. If it gets worse, or something new appears, report it again or call them.`),
  );
}

/**
 * How today's answers compare with the clinic's usual range for this day since the session,
 * in one calm line under the done state. The range comes from the timeline (the last copy
 * when offline); the answers are the ones just shown, so a check-in still queued on the
 * phone is compared too. Nothing is shown when the timeline cannot be had at all.
 */
export function comparisonLine(today: Today, body: CheckinAnswers): HTMLElement | null {
  const day = today.day;
  if (day === null) return null;
  const line = h("p", { class: "comparison" });
  const show = (timeline: Timeline): void => {
    line.textContent = comparisonSentence(timeline.band, day, body);
  };
  // Offline, the last copy (no request the browser would log as failed); none: no line.
  const kept = navigator.onLine ? null : peekLastSeen<Timeline>("/api/me/timeline");
  if (!navigator.onLine) {
    if (!kept) return null;
    show(kept.data);
    return line;
  }
  void lastSeen<Timeline>("/api/me/timeline")
    .then(({ data }) => show(data))
    .catch(() => line.remove());
  return line;
}

/** Today's advice: the first few at once, the rest folded under "More aftercare advice". */
function adviceSection(items: Today["advice"]): HTMLElement | null {
  if (items.length === 0) return null;
  const { first, more } = splitAdvice(items);
  const list = (shown: Today["advice"]): HTMLElement =>
    h("ul", {}, ...shown.map((item) => h("li", { "data-topic": item.topic }, item.text)));
  return h(
    "section",
    { class: "advice", "aria-labelledby": "advice-heading" },
    h("h2", { id: "advice-heading" }, "Aftercare for today"),
    list(first),
    more.length > 0
      ? h("details", { class: "more-advice" }, h("summary", {}, "More aftercare advice"), list(more))
      : null,
  );
}

/**
 * The check-in area: the form, or the done state once today is saved. It swaps in place
 * (Save → done state, Edit → the form prefilled) and moves focus to what replaced it.
 */
function checkinArea(today: Today, queued: CheckinBody | undefined): HTMLElement {
  const area = h("div", { class: "checkin-area" });
  const showDone = (body: CheckinAnswers, isQueued: boolean, justSaved: boolean, advice: WarningAdvice | null): HTMLElement => {
    const { section, focusTarget } = doneState({
      localDate: today.local_date,
      body,
      queued: isQueued,
      justSaved,
      advice,
      reminderTime: today.reminder_time,
      comparison: comparisonLine(today, body),
      onEdit: () => showForm(body).focus(),
    });
    area.replaceChildren(section);
    return focusTarget;
  };
  const showForm = (prefill: CheckinAnswers | null): HTMLElement => {
    const heading = h("h2", { id: "checkin-heading", tabindex: -1 }, "How are you today?");
    const form = checkinForm(today.local_date, prefill, today.ask_compression === true, false, {
      onSaved: (saved) => {
        // The done state is at the top: go there, to the advice first if there is any.
        const target = showDone(saved.body, saved.queued, true, saved.advice);
        window.scrollTo({ top: 0 });
        target.scrollIntoView({ block: "nearest" });
        target.focus({ preventScroll: true });
        // The copy kept for offline reading now says "checked in" too.
        if (!saved.queued) void lastSeen<Today>(TODAY_PATH).catch(() => undefined);
      },
    });
    area.replaceChildren(h("section", { class: "checkin-section", "aria-labelledby": "checkin-heading" }, heading, form));
    return heading;
  };
  if (queued) showDone(queued, true, false, null);
  else if (today.checked_in && today.checkin) showDone(today.checkin, false, false, null);
  else showForm(null);
  return area;
}

/**
 * Results asked for today: a rating four weeks after a session (or at its review) and the
 * week's photo. Each is one link to its screen, after the check-in (which comes first).
 */
export function resultsCards(today: Today): HTMLElement | null {
  const due = today.rating_due ?? null;
  if (!due && !today.photo_due) return null;
  return h(
    "div",
    { class: "results-due" },
    due
      ? h(
          "a",
          { class: "due-card", href: `#/rate/${encodeURIComponent(due.session_id)}` },
          h("strong", {}, "How are your results?"),
          h("span", {}, `Two quick questions about your session on ${formatDate(due.performed_on)}.`),
        )
      : null,
    today.photo_due
      ? h(
          "a",
          { class: "due-card", href: "#/photos" },
          h("strong", {}, "Take this week's photo"),
          h("span", {}, "A photo of each treated area once a week shows how it is clearing."),
        )
      : null,
  );
}

function reportSection(treated: boolean, waiting: number): HTMLElement {
  const report = warningReportForm(waiting);
  if (treated) {
    return h(
      "details",
      { class: "report", open: waiting > 0 },
      h("summary", {}, "Report a warning sign"),
      h("p", {}, "Noticed one between check-ins? Send it now: the clinic sees it as soon as it is sent."),
      report,
    );
  }
  return h(
    "section",
    { class: "report", "aria-labelledby": "report-heading" },
    h("h2", { id: "report-heading" }, "Report a warning sign"),
    h("p", {}, "If you notice any of these, tell the clinic here. They see it as soon as it is sent."),
    report,
  );
}

export async function todayView(): Promise<HTMLElement> {
  // Offline, the last copy this device saw for the signed-in patient (advice does not
  // change within a day); `seenAt` is set only then.
  const loading = lastSeen<Today>(TODAY_PATH);
  const [{ data: today, seenAt }, prompt, queuedCheckins, queuedReports, refused] = await Promise.all([
    loading,
    screeningPrompt(loading.then((seen) => seen.data.session === null, () => false)),
    queue.all(),
    reports.all(),
    refusedNotice(),
  ]);
  const queued = queuedCheckins.find((item) => item.local_date === today.local_date)?.body;
  const treated = today.session !== null && today.day !== null;
  return h(
    "main",
    { class: "screen today" },
    h("h1", { tabindex: -1 }, "Today"),
    treated && today.session
      ? h("p", { class: "day-line" }, `Day ${today.day} after your session on ${formatDate(today.session.performed_on)}`)
      : null,
    lastSeenNote(seenAt),
    refused,
    today.follow_up ? followUpBox(today.follow_up) : null,
    treated
      ? checkinArea(today, queued)
      : h(
          "div",
          { class: "no-session" },
          h("p", {}, "Your clinic has not recorded a treatment yet. Once they do, you'll check in here each day."),
        ),
    prompt,
    resultsCards(today),
    treated ? adviceSection(today.advice) : null,
    reportSection(treated, queuedReports.length),
  );
}
