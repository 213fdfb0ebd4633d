// #/alerts: the clinic's red-flag alerts, open first, with acknowledgement and a note.
// #/clinic: the clinic's phone number (what patients with a warning sign are told to call).
import { api } from "../../api";
import { formatDate, h } from "../../dom";
import { currentPath, go } from "../../router";
import { clearErrors, errorLine, labelled, loadOr, screen, showFailure } from "./common";
import type { Alert, Clinic } from "./model";

const RULES: Record<Alert["rule"], string> = {
  warning_sign: "Warning sign",
  pain_high: "Pain 7 or more",
  pain_rising: "Pain rising",
  symptom_severe: "Severe symptom after day 14",
  missed_checkins: "Missed check-ins",
};

/** Re-render the current screen (after an acknowledgement). */
export function reload(): void {
  go(currentPath());
}

export function ruleLabel(rule: string): string {
  return RULES[rule as Alert["rule"]] ?? rule;
}

function acknowledgeForm(alert: Alert, done: () => void): HTMLElement {
  const note = h("textarea", { name: "note", rows: 2, maxlength: 1000 });
  const form = h(
    "form",
    { class: "acknowledge", novalidate: true },
    labelled("note", "Note (optional): what you did", note),
    errorLine("form"),
    h("button", { type: "submit" }, "Acknowledge"),
  );
  // Several alerts on one screen: give each form's note its own id.
  note.id = `note-${alert.id}`;
  form.querySelector("label")?.setAttribute("for", note.id);
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    clearErrors(form);
    try {
      await api("POST", `/api/alerts/${encodeURIComponent(alert.id)}/acknowledge`, {
        note: note.value.trim() || null,
      });
      done();
    } catch (error) {
      showFailure(form, error);
    }
  });
  return form;
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

function reportCount(alert: Alert): number {
  return alert.reports?.length ?? 0;
}

/**
 * Every report behind an alert reported more than once, oldest first: each date the
 * patient reported a sign (or a worse reading), so none is hidden behind the latest.
 */
function reportList(alert: Alert): HTMLElement | null {
  if (reportCount(alert) < 2) return null;
  const reports = alert.reports;
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
          // The rule is in the header already: "Warning sign reported: calf…" → "calf…".
          report.reason.replace(/^Warning sign reported: /, ""),
        ),
      ),
    ),
  );
}

/** One alert, with its acknowledge form while open; `reload` re-renders the screen. */
export function alertItem(alert: Alert, reload: () => void): HTMLElement {
  const latest = alert.last_reported_on ?? alert.local_date;
  return h(
    "li",
    { class: alert.severity, "data-alert-id": alert.id },
    h(
      "p",
      {},
      h("span", { class: `badge ${alert.severity}` }, alert.severity === "urgent" ? "Urgent" : "Watch"),
      " ",
      h("a", { href: `#/patients/${encodeURIComponent(alert.patient.id)}` }, alert.patient.name),
      ` · ${ruleLabel(alert.rule)} · ${reportCount(alert) > 1 ? "last reported " : ""}`,
      h("time", { datetime: latest }, formatDate(latest)),
    ),
    // Reported more than once: the list says it all, unless the latest reason sums up more.
    reportCount(alert) > 1 && alert.reason === alert.reports[alert.reports.length - 1].reason ? null : h("p", {}, alert.reason),
    reportList(alert),
    alert.status === "open"
      ? acknowledgeForm(alert, reload)
      : h(
          "p",
          { class: "hint" },
          `Acknowledged${alert.acknowledged_by ? ` by ${alert.acknowledged_by}` : ""}` +
            (alert.acknowledged_at ? ` on ${formatDate(alert.acknowledged_at.slice(0, 10))}` : "") +
            (alert.note ? `: ${alert.note}` : "."),
        ),
  );
}

export async function alertsView(params: Record<string, string>): Promise<HTMLElement> {
  const status = params.status === "acknowledged" ? "acknowledged" : "open";
  const title = "Alerts";
  const loaded = await loadOr(title, () => api<Alert[]>("GET", `/api/alerts?status=${status}`));
  if (loaded instanceof HTMLElement) return loaded;
  const tabs = h(
    "p",
    { class: "actions" },
    h("a", { href: "#/alerts", "aria-current": status === "open" ? "page" : null }, "Open"),
    h("a", { href: "#/alerts/acknowledged", "aria-current": status === "acknowledged" ? "page" : null }, "Acknowledged"),
  );
  const count = loaded.length;
  return screen(
    title,
    tabs,
    h(
      "p",
      { role: "status" },
      count === 0
        ? status === "open"
          ? "No open alerts."
          : "No acknowledged alerts."
        : `${count} ${status} alert${count === 1 ? "" : "s"}, urgent first, then newest.`,
    ),
    count ? h("ul", { class: "alert-list" }, ...loaded.map((alert) => alertItem(alert, reload))) : null,
  );
}

export async function clinicView(): Promise<HTMLElement> {
  const title = "Clinic";
  const loaded = await loadOr(title, () => api<Clinic>("GET", "/api/clinic"));
  if (loaded instanceof HTMLElement) return loaded;
  const phone = h("input", { name: "phone", type: "tel", autocomplete: "tel", value: loaded.phone ?? "" });
  const status = h("p", { class: "status", role: "status" });
  const form = h(
    "form",
    { novalidate: true },
    labelled(
      "phone",
      "Phone number for patients",
      phone,
      "Patients who tick a warning sign that needs the clinic today are shown this number.",
    ),
    errorLine("form"),
    h("button", { type: "submit" }, "Save"),
    status,
  );
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    clearErrors(form);
    status.textContent = "";
    try {
      const saved = await api<Clinic>("PATCH", "/api/clinic", { phone: phone.value.trim() || null });
      phone.value = saved.phone ?? "";
      status.textContent = "Saved.";
    } catch (error) {
      showFailure(form, error, { phone: "Enter a phone number, like +44 20 7946 0000." });
    }
  });
  return screen(title, h("p", { class: "summary" }, `${loaded.name} · ${loaded.timezone}`), form);
}
