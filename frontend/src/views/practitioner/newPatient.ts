// #/patients/new: add a patient and hand over their invite link.
import { api } from "../../api";
import { h } from "../../dom";
import { errorLine, labelled, screen, showErrors, showFailure } from "./common";
import type { PatientCreate, PatientCreated } from "./model";

const TITLE = "Add patient";

const COMMON_ZONES = [
  "Europe/London",
  "Europe/Dublin",
  "Europe/Lisbon",
  "Europe/Paris",
  "Europe/Madrid",
  "Europe/Amsterdam",
  "Europe/Brussels",
  "Europe/Berlin",
  "Europe/Rome",
  "Europe/Zurich",
  "Europe/Stockholm",
  "Europe/Warsaw",
  "Europe/Athens",
  "Europe/Istanbul",
  "Africa/Johannesburg",
  "Asia/Dubai",
  "Asia/Kolkata",
  "Asia/Singapore",
  "Asia/Hong_Kong",
  "Asia/Tokyo",
  "Australia/Perth",
  "Australia/Sydney",
  "Pacific/Auckland",
  "America/Sao_Paulo",
  "America/Toronto",
  "America/New_York",
  "America/Chicago",
  "America/Denver",
  "America/Los_Angeles",
  "UTC",
];

/** Europe/London first, then this device's zone (if different), then the common ones. */
export function timezoneOptions(deviceZone: string | undefined): string[] {
  const zones = ["Europe/London"];
  if (deviceZone && deviceZone !== "Europe/London") zones.push(deviceZone);
  for (const zone of COMMON_ZONES) if (!zones.includes(zone)) zones.push(zone);
  return zones;
}

function deviceZone(): string | undefined {
  try {
    return Intl.DateTimeFormat().resolvedOptions().timeZone || undefined;
  } catch {
    return undefined;
  }
}

const HINTS: Record<string, string> = {
  name: "Enter the patient's name.",
  email: "Enter an email address like name@example.com.",
  timezone: "Choose the patient's timezone.",
  checkin_time: "Enter a time like 19:00.",
};

// Close to what the server accepts (one @, a dot in the domain, no spaces); it decides.
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
const TIME = /^([01]\d|2[0-3]):[0-5]\d$/;

/** The form's values as the API's body, or every field that needs fixing with its message. */
export function patientBody(data: FormData): { body: PatientCreate } | { errors: Record<string, string> } {
  const value = (key: string): string => String(data.get(key) ?? "").trim();
  const errors: Record<string, string> = {};
  if (value("name") === "") errors.name = HINTS.name;
  if (value("email") === "") errors.email = "Enter the patient's email address.";
  else if (!EMAIL.test(value("email"))) errors.email = HINTS.email;
  if (value("timezone") === "") errors.timezone = HINTS.timezone;
  if (!TIME.test(value("checkin_time"))) errors.checkin_time = HINTS.checkin_time;
  if (Object.keys(errors).length > 0) return { errors };
  return {
    body: {
      name: value("name"),
      email: value("email"),
      timezone: value("timezone"),
      checkin_time: value("checkin_time"),
    },
  };
}

function invitePanel(created: PatientCreated): HTMLElement {
  const link = h("input", { id: "invite-link", type: "text", readonly: true, value: created.invite_url });
  const status = h("p", { class: "hint", role: "status", "aria-live": "polite" });
  const copy = h(
    "button",
    {
      type: "button",
      onclick: async () => {
        try {
          await navigator.clipboard.writeText(created.invite_url);
          status.textContent = "Link copied.";
        } catch {
          link.focus();
          link.select();
          status.textContent = "Couldn't copy automatically: the link is selected, press Ctrl+C (or ⌘C) to copy it.";
        }
      },
    },
    "Copy link",
  );
  const heading = h("h2", { tabindex: -1 }, `${created.name} has been added`);
  const panel = h(
    "section",
    { class: "invite", "aria-labelledby": "invite-heading" },
    heading,
    h(
      "p",
      {},
      "Send this link to the patient so they can choose a password. It is shown only once; it expires ",
      new Date(created.invite_expires_at).toLocaleString("en-GB", { dateStyle: "medium", timeStyle: "short" }),
      ".",
    ),
    h("label", { for: link.id }, "Invite link"),
    link,
    copy,
    status,
    h(
      "p",
      { class: "actions" },
      h("a", { class: "button-link", href: `#/patients/${encodeURIComponent(created.id)}/sessions/new` }, "Record a session"),
      h("a", { href: "#/patients" }, "Back to Patients"),
    ),
  );
  heading.id = "invite-heading";
  link.addEventListener("focus", () => link.select());
  return panel;
}

export async function newPatientView(): Promise<HTMLElement> {
  const zone = h("select", { name: "timezone", required: true });
  for (const value of timezoneOptions(deviceZone())) {
    zone.append(h("option", { value }, value === deviceZone() && value !== "Europe/London" ? `${value} (this device)` : value));
  }
  const submit = h("button", { type: "submit" }, "Add patient");
  const form = h(
    "form",
    { novalidate: true },
    labelled("name", "Name", h("input", { name: "name", type: "text", autocomplete: "off", required: true })),
    labelled("email", "Email", h("input", { name: "email", type: "email", autocomplete: "off", required: true })),
    labelled("timezone", "Timezone", zone, "Reminders and check-in days follow the patient's own clock."),
    labelled(
      "checkin_time",
      "Check-in time",
      h("input", { name: "checkin_time", type: "time", value: "19:00", required: true }),
      "When the patient is reminded to check in each day.",
    ),
    errorLine("form"),
    submit,
  );
  const main = screen(TITLE, h("p", { class: "back" }, h("a", { href: "#/patients" }, "Back to Patients")), form);

  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const result = patientBody(new FormData(form));
    if ("errors" in result) {
      showErrors(form, result.errors);
      return;
    }
    showErrors(form, {});
    submit.disabled = true;
    try {
      const created = await api<PatientCreated>("POST", "/api/patients", result.body);
      const panel = invitePanel(created);
      form.replaceWith(panel);
      panel.querySelector<HTMLElement>("h2")?.focus();
    } catch (error) {
      showFailure(form, error, HINTS);
    } finally {
      submit.disabled = false;
    }
  });
  return main;
}
