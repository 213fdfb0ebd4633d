// "Add clinic photo" on the patient page: under each treated area of a session, a photo file
// and the day it was taken (the baseline on the session day, a review photo today). The
// photo goes up as the clinic's (`POST /api/patients/{id}/photos`); a refused file is said
// at the file, a refused date at the date, and the Results section redraws its thumbnails.
//
// The server files a photo under the session in force on the day it was taken, so the days
// offered run from this session's day to the day before the next session (or today).
import { ApiError, upload } from "../../api";
import { formatDate, h } from "../../dom";
import type { TimelineSession } from "../../types";
import { areaLabel, lower } from "../../words";
import { uploadProblem } from "../photos/upload";
import type { PhotoOut } from "../photos/urls";
import { clearErrors, showErrors } from "./common";

/** The days a photo of `session` can be taken on, and the one the form starts at. */
export interface PhotoDays {
  min: string;
  max: string;
  initial: string;
}

/** "2026-03-05" → "2026-03-04". */
export function dayBefore(iso: string): string {
  const [year, month, day] = iso.split("-").map(Number);
  return new Date(Date.UTC(year, month - 1, day - 1)).toISOString().slice(0, 10);
}

/**
 * From the session's day to the day before the next session (or today, for the latest):
 * the days whose photos the server files under this session. The latest session starts at
 * today (the review photo), an earlier one at its own day (the baseline).
 */
export function photoDays(session: TimelineSession, sessions: TimelineSession[], today: string): PhotoDays {
  const next = sessions
    .map((other) => other.performed_on)
    .filter((day) => day > session.performed_on)
    .sort()[0];
  const last = next ? dayBefore(next) : today;
  const max = last < today ? last : today;
  const min = session.performed_on < max ? session.performed_on : max;
  return { min, max, initial: next ? min : max };
}

/**
 * The instant sent as `taken_at` for a photo taken on `day` (YYYY-MM-DD) by a patient in
 * `zone`: none for today (the server's "now"), otherwise noon that day in the patient's own
 * zone, so the photo's local date is the day chosen whatever the device's zone.
 */
export function takenAt(day: string, today: string, zone: string): string | null {
  if (day === today) return null;
  const [year, month, date] = day.split("-").map(Number);
  const noonUtc = Date.UTC(year, month - 1, date, 12);
  // The zone's clock at that instant: the difference is the zone's offset then.
  const parts = new Intl.DateTimeFormat("en-GB", {
    timeZone: zone,
    hourCycle: "h23",
    year: "numeric",
    month: "numeric",
    day: "numeric",
    hour: "numeric",
    minute: "numeric",
  }).formatToParts(new Date(noonUtc));
  const part = (type: string): number => Number(parts.find((one) => one.type === type)?.value ?? 0);
  const wall = Date.UTC(part("year"), part("month") - 1, part("day"), part("hour"), part("minute"));
  return new Date(noonUtc - (wall - noonUtc)).toISOString();
}

/** The date field's own check (the picker allows typing): a day in the session's range. */
export function dayProblem(day: string, days: PhotoDays): string | null {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(day)) return "Enter the day the photo was taken.";
  if (day < days.min || day > days.max) {
    return days.min === days.max
      ? `For this session, the photo must be from ${formatDate(days.min)}.`
      : `For this session, choose a day from ${formatDate(days.min)} to ${formatDate(days.max)}.`;
  }
  return null;
}

/** Where a refused upload is said: the date for `taken_at`, the file for the rest of the
 * photo's own problems (and for no connection), the form's line for anything else. */
export function problemField(error: unknown): "file" | "taken_on" | "form" {
  if (!(error instanceof ApiError)) return "file";
  if (error.field === "taken_at") return "taken_on";
  return error.field === "file" || error.status === 413 ? "file" : "form";
}

export interface ClinicPhotoTarget {
  patientId: string;
  /** The patient's time zone: a past day's photo is sent as noon there. */
  timezone: string;
  today: string;
}

/** The form under one area of one session; `onAdded` redraws the thumbnails. */
export function clinicPhotoForm(
  target: ClinicPhotoTarget,
  session: TimelineSession,
  area: string,
  days: PhotoDays,
  onAdded: (photo: PhotoOut) => Promise<void>,
): HTMLFormElement {
  const prefix = `clinic-photo-${session.id}-${area}`;
  const name = lower(areaLabel(area));
  const errorOf = (field: string): HTMLElement => h("p", { class: "field-error", "data-error-for": field, id: `${prefix}-${field}-error` });
  const file = h("input", { type: "file", id: `${prefix}-file`, name: "file", accept: "image/*", "aria-describedby": `${prefix}-file-error` });
  const date = h("input", {
    type: "date",
    id: `${prefix}-taken_on`,
    name: "taken_on",
    value: days.initial,
    min: days.min,
    max: days.max,
    "aria-describedby": `${prefix}-taken_on-error`,
  });
  const submit = h("button", { type: "submit", class: "secondary", "aria-label": `Add clinic photo of ${name}` }, "Add clinic photo");
  const form = h(
    "form",
    { class: "clinic-photo", novalidate: true },
    h(
      "div",
      { class: "field photo-file", "data-field": "file" },
      h("label", { for: file.id }, "Clinic photo", h("span", { class: "visually-hidden" }, ` of ${name}`)),
      file,
      errorOf("file"),
    ),
    h(
      "div",
      { class: "field photo-day", "data-field": "taken_on" },
      h("label", { for: date.id }, "Taken on", h("span", { class: "visually-hidden" }, ` (${name})`)),
      date,
      errorOf("taken_on"),
    ),
    submit,
    h("p", { class: "field-error", "data-error-for": "form", role: "alert" }),
  );
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const chosen = file.files?.[0];
    const problems: Record<string, string> = {};
    if (!chosen) problems.file = "Choose the photo to add.";
    const wrongDay = dayProblem(date.value, days);
    if (wrongDay) problems.taken_on = wrongDay;
    if (!chosen || wrongDay) return showErrors(form, problems);
    clearErrors(form);
    const body = new FormData();
    body.append("file", chosen, chosen.name);
    body.append("area", area);
    const when = takenAt(date.value, target.today, target.timezone);
    if (when) body.append("taken_at", when);
    submit.disabled = true;
    submit.setAttribute("aria-busy", "true");
    submit.textContent = "Adding photo…";
    try {
      const photo = await upload<PhotoOut>(`/api/patients/${encodeURIComponent(target.patientId)}/photos`, body);
      await onAdded(photo);
    } catch (error) {
      // The server's reason where the eye is: at the file, or at the date for `taken_at`.
      showErrors(form, { [problemField(error)]: uploadProblem(error) });
    } finally {
      submit.disabled = false;
      submit.removeAttribute("aria-busy");
      submit.textContent = "Add clinic photo";
    }
  });
  return form;
}
