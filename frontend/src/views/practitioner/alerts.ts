// #/alerts: the clinic's red-flag alerts, most urgent first (urgent, then watch; within each,
// the one that has waited longest), one line each with Acknowledge (alert-line.ts).
// #/clinic: the clinic's phone number (what patients with a warning sign are told to call).
import { api } from "../../api";
import { h } from "../../dom";
import { alertLine } from "./alert-line";
import { clearErrors, errorLine, labelled, loadOr, screen, showFailure } from "./common";
import type { Alert, Clinic } from "./model";
import { plural } from "./text";

function countWords(status: "open" | "acknowledged", count: number): string {
  if (count === 0) return status === "open" ? "No open alerts." : "No acknowledged alerts.";
  return status === "open"
    ? `${plural(count, "open alert")}, urgent first, then the longest waiting.`
    : `${plural(count, "acknowledged alert")}, the latest first.`;
}

export async function alertsView(params: Record<string, string>): Promise<HTMLElement> {
  const status = params.status === "acknowledged" ? "acknowledged" : "open";
  const title = "Alerts";
  const loaded = await loadOr(title, () => api<Alert[]>("GET", `/api/alerts?status=${status}`));
  if (loaded instanceof HTMLElement) return loaded;
  const tabs = h(
    "nav",
    { class: "tabs-inline", "aria-label": "Alerts" },
    h("a", { href: "#/alerts", "aria-current": status === "open" ? "page" : null }, "Open"),
    h("a", { href: "#/alerts/acknowledged", "aria-current": status === "acknowledged" ? "page" : null }, "Acknowledged"),
  );
  let count = loaded.length;
  const said = h("p", { class: "list-status", role: "status" }, countWords(status, count));
  const list = h("ul", { class: "alert-list", "aria-label": status === "open" ? "Open alerts" : "Acknowledged alerts" });
  const gone = (): void => {
    count -= 1;
    said.textContent = countWords(status, count);
    if (count === 0) list.remove();
  };
  list.append(...loaded.map((alert) => alertLine(alert, { showPatient: true, onGone: gone })));
  return screen(title, tabs, said, count ? list : null);
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
