// Notifications: the inbox, turning on push reminders, and reminder preferences.
import { api, ApiError } from "../../api";
import { formatDate, h, showError } from "../../dom";
import type { Schemas } from "../../types";

/** A row of GET /api/me/notifications. */
type Notice = Schemas["NotificationOut"];

/** GET /api/me/preferences. */
type Preferences = Schemas["PreferencesOut"];

function base64UrlToBytes(value: string): Uint8Array<ArrayBuffer> {
  const padded = (value + "=".repeat((4 - (value.length % 4)) % 4)).replace(/-/g, "+").replace(/_/g, "/");
  const raw = atob(padded);
  const bytes = new Uint8Array(new ArrayBuffer(raw.length));
  for (let i = 0; i < raw.length; i += 1) bytes[i] = raw.charCodeAt(i);
  return bytes;
}

async function enablePush(status: HTMLElement): Promise<void> {
  if (!("serviceWorker" in navigator) || !("PushManager" in window)) {
    status.textContent = "This browser cannot receive push reminders; you will still get them here and by email.";
    return;
  }
  const permission = await Notification.requestPermission();
  if (permission !== "granted") {
    status.textContent = "Reminders are blocked in this browser's settings.";
    return;
  }
  const { public_key } = await api<Schemas["VapidKeyOut"]>("GET", "/api/push/vapid-public-key");
  const registration = await navigator.serviceWorker.ready;
  const subscription =
    (await registration.pushManager.getSubscription()) ??
    (await registration.pushManager.subscribe({
      userVisibleOnly: true,
      applicationServerKey: base64UrlToBytes(public_key),
    }));
  await api("PUT", "/api/me/push-subscription", subscription.toJSON());
  status.textContent = "Push reminders are on for this device.";
}

function preferencesForm(prefs: Preferences): HTMLElement {
  const zones = [prefs.timezone, Intl.DateTimeFormat().resolvedOptions().timeZone, "Europe/London"];
  const form = h(
    "form",
    { novalidate: true },
    h("label", { for: "checkin_time" }, "Check-in time"),
    h("input", { id: "checkin_time", name: "checkin_time", type: "time", value: prefs.checkin_time, required: true }),
    h("p", { class: "field-error", "data-error-for": "checkin_time", role: "alert" }),
    h("label", { for: "timezone" }, "Timezone"),
    h(
      "select",
      { id: "timezone", name: "timezone" },
      ...[...new Set(zones)].map((zone) => h("option", { value: zone, selected: zone === prefs.timezone }, zone)),
    ),
    h("p", { class: "field-error", "data-error-for": "timezone", role: "alert" }),
    h("label", { class: "check" }, h("input", { type: "checkbox", name: "push", checked: prefs.channels.push }), " Push reminders"),
    h(
      "label",
      { class: "check" },
      h("input", { type: "checkbox", name: "email", checked: prefs.channels.email, disabled: !prefs.email_available }),
      prefs.email_available ? " Email reminders" : " Email reminders (not offered by your clinic)",
    ),
    h("p", { class: "field-error", "data-error-for": "form", role: "alert" }),
    h("button", { type: "submit" }, "Save preferences"),
    h("p", { class: "status", role: "status" }),
  );
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const data = new FormData(form);
    try {
      await api("PATCH", "/api/me/preferences", {
        checkin_time: String(data.get("checkin_time") ?? "").slice(0, 5),
        timezone: data.get("timezone"),
        channels: { push: data.get("push") !== null, email: data.get("email") !== null },
      });
      (form.querySelector(".status") as HTMLElement).textContent = "Preferences saved.";
    } catch (error) {
      showError(
        form,
        error instanceof ApiError ? error.field : null,
        error instanceof ApiError ? error.detail : "You seem to be offline. Your preferences were not saved; try again when you're back online.",
      );
    }
  });
  return form;
}

/** "Mark as read"; a failure says so beside the button, which stays for another try. */
function markAsRead(notice: Notice): HTMLElement {
  const problem = h("span", { class: "field-error", role: "alert" });
  const button = h("button", { type: "button", class: "link" }, "Mark as read");
  button.addEventListener("click", async () => {
    problem.textContent = "";
    try {
      await api("POST", `/api/me/notifications/${notice.id}/read`);
      button.closest("li")?.classList.replace("unread", "read");
      button.remove();
    } catch {
      problem.textContent = "Not marked as read: please try again.";
    }
  });
  return h("span", {}, button, problem);
}

export async function notificationsView(): Promise<HTMLElement> {
  const [notices, prefs] = await Promise.all([
    api<Notice[]>("GET", "/api/me/notifications"),
    api<Preferences>("GET", "/api/me/preferences"),
  ]);
  const pushStatus = h("p", { class: "status", role: "status" });
  return h(
    "main",
    { class: "screen" },
    h("h1", { tabindex: -1 }, "Notifications"),
    notices.length === 0
      ? h("p", {}, "No notifications yet.")
      : h(
          "ul",
          { class: "inbox" },
          ...notices.map((notice) =>
            h(
              "li",
              { class: notice.read_at ? "read" : "unread" },
              h("strong", {}, notice.title),
              h("p", {}, notice.body),
              h("small", {}, notice.local_date ? formatDate(notice.local_date) : ""),
              notice.read_at ? null : markAsRead(notice),
            ),
          ),
        ),
    h("h2", {}, "Reminders"),
    h(
      "button",
      {
        type: "button",
        onclick: () =>
          void enablePush(pushStatus).catch(
            () => (pushStatus.textContent = "Push reminders could not be turned on just now. Please try again."),
          ),
      },
      "Turn on push reminders",
    ),
    pushStatus,
    preferencesForm(prefs),
  );
}
