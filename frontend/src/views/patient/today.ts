// Today: which day of recovery it is, today's aftercare advice, the check-in, and a way to
// report a warning sign at any time. Before the clinic records a session there is no
// check-in to make (the server would refuse it), but a warning sign can always be reported.
import { api, OfflineError } from "../../api";
import { formatDate, h } from "../../dom";
import type { Today, WarningFollowUp } from "../../types";
import { adviceBox, checkinForm, WARNING_SIGNS } from "./checkin-form";
import { screeningPrompt } from "./screening";
import { queue, reports } from "./sync";
import { warningReportForm } from "./warning-report";

const CACHE_KEY = "afterline.today";

/** Today's screen data; offline, the last copy this device saw (advice does not change within a day). */
async function load(): Promise<{ today: Today; offline: boolean }> {
  try {
    const today = await api<Today>("GET", "/api/me/today");
    localStorage.setItem(CACHE_KEY, JSON.stringify(today));
    return { today, offline: false };
  } catch (error) {
    const cached = localStorage.getItem(CACHE_KEY);
    if (error instanceof OfflineError && cached) return { today: JSON.parse(cached) as Today, offline: true };
    throw error;
  }
}

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

export async function todayView(): Promise<HTMLElement> {
  const [{ today, offline }, prompt, queuedCheckins, queuedReports] = await Promise.all([
    load(),
    screeningPrompt(),
    queue.all(),
    reports.all(),
  ]);
  const queued = queuedCheckins.find((item) => item.local_date === today.local_date);
  const treated = today.session !== null && today.day !== null;
  const report = warningReportForm(queuedReports.length);
  return h(
    "main",
    { class: "screen" },
    h("h1", { tabindex: -1 }, "Today"),
    today.follow_up ? followUpBox(today.follow_up) : null,
    treated && today.session
      ? h("p", { class: "lead" }, `Day ${today.day} after your session on ${formatDate(today.session.performed_on)}`)
      : h("p", { class: "lead" }, "Your clinic has not recorded a treatment session yet."),
    treated ? null : h("p", {}, "Daily check-ins start once the clinic records your treatment. There is nothing to fill in until then."),
    prompt,
    offline ? h("p", { class: "note" }, "You are offline: this is what the app last knew.") : null,
    today.advice.length > 0
      ? h(
          "section",
          { class: "advice", "aria-labelledby": "advice-heading" },
          h("h2", { id: "advice-heading" }, "Aftercare for today"),
          h("ul", {}, ...today.advice.map((item) => h("li", { "data-topic": item.topic }, item.text))),
        )
      : null,
    treated
      ? h(
          "section",
          { "aria-labelledby": "checkin-heading" },
          h("h2", { id: "checkin-heading" }, `How are you today? (${formatDate(today.local_date)})`),
          // The server says which days ask about the garment: exactly the days it is worn.
          checkinForm(today.local_date, queued?.body ?? today.checkin, today.ask_compression === true, Boolean(queued)),
        )
      : null,
    treated
      ? h(
          "details",
          { class: "report", open: queuedReports.length > 0 },
          h("summary", {}, "Report a warning sign"),
          h("p", {}, "Noticed one between check-ins? Send it now: the clinic sees it as soon as it is sent."),
          report,
        )
      : h(
          "section",
          { class: "report", "aria-labelledby": "report-heading" },
          h("h2", { id: "report-heading" }, "Report a warning sign"),
          h(
            "p",
            {},
            "If you notice any of these, tell the clinic here. They see it as soon as it is sent.",
          ),
          report,
        ),
  );
}
