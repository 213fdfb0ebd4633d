// A patient's own copy of what Afterline holds about them: two downloads, FHIR (for another
// clinic or a health app) and CSV (a spreadsheet). Both are attachments from the API, so a
// plain link with `download` fetches them with the session cookie.
import { h } from "../../dom";
import { sectionHeading } from "./common";

export const EXPORTS = {
  fhir: "/api/me/export.fhir.json",
  csv: "/api/me/export.csv",
} as const;

export function yourDataSection(): HTMLElement {
  return h(
    "section",
    { class: "card data-panel", "aria-labelledby": "data-heading" },
    sectionHeading("data-heading", "Your data"),
    h(
      "p",
      {},
      "Download a copy of everything Afterline holds about you: your check-ins and every change to them, your treatment " +
        "sessions, your photos (as links), alerts, messages, your answers to the health questions and your reminder choices.",
    ),
    h(
      "div",
      { class: "downloads" },
      h("a", { class: "button secondary", href: EXPORTS.fhir, download: "" }, "Download as FHIR (for another clinic or health app)"),
      h("a", { class: "button secondary", href: EXPORTS.csv, download: "" }, "Download as a spreadsheet (CSV)"),
    ),
  );
}
