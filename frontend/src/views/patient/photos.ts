// Photos: one section per treated area (the areas of the patient's sessions, and any area
// that already has photos), the newest photo first, the way to take this week's photo, and
// for an area with two photos or more its first beside its latest and a link to compare.
// The images are never kept on the phone (see sw.ts); only the list is fetched here.
import { api, ApiError } from "../../api";
import { formatDate, h } from "../../dom";
import type { Schemas } from "../../types";
import { areaLabel } from "../../words";
import { photoDate } from "../photos/compare";
import { photoUrl, type PhotoOut } from "../photos/urls";
import "./results.css";

type SessionOut = Schemas["SessionOut"];

/** The week a photo a week asks for: a photo in the last 6 days counts as this week's. */
const WEEK_DAYS = 6;

/** Areas in the order the patient knows them: the latest session's first, then the rest. */
export function treatedAreas(sessions: SessionOut[], photos: PhotoOut[]): string[] {
  const latestFirst = [...sessions].sort((a, b) => b.performed_on.localeCompare(a.performed_on));
  return [...new Set([...latestFirst.flatMap((session) => session.areas), ...photos.map((photo) => photo.area)])];
}

/** Whether the newest photo of an area was taken in the last week (by its local date). */
export function hasThisWeeksPhoto(photos: PhotoOut[], today: Date = new Date()): boolean {
  const newest = photos.at(-1);
  if (!newest) return false;
  const [year, month, day] = newest.local_date.split("-").map(Number);
  const age = (Date.UTC(today.getFullYear(), today.getMonth(), today.getDate()) - Date.UTC(year, month - 1, day)) / 86_400_000;
  return age <= WEEK_DAYS;
}

function thumbnail(photo: PhotoOut, label: string, onDelete: (photo: PhotoOut, item: HTMLElement) => void): HTMLElement {
  const item = h(
    "li",
    { "data-photo": photo.id },
    h("img", { src: photoUrl(photo.id, "thumb"), alt: `${label}, ${photoDate(photo)}`, loading: "lazy" }),
    h(
      "p",
      { class: "when" },
      h("strong", {}, formatDate(photo.local_date)),
      photo.day === null ? null : `Day ${photo.day}`,
    ),
  );
  if (photo.source === "clinic") {
    item.append(h("p", { class: "by-clinic" }, "Taken by your clinic"));
  } else {
    item.append(
      h("button", { type: "button", class: "link delete", "aria-label": `Delete photo of ${photoDate(photo)}`, onclick: () => onDelete(photo, item) }, "Delete"),
    );
  }
  return item;
}

/** Delete asks first, in place of the button: "Delete this photo?" Delete / Keep. */
function confirmDelete(photo: PhotoOut, item: HTMLElement, status: HTMLElement): void {
  const button = item.querySelector<HTMLButtonElement>("button.delete");
  if (!button) return;
  const question = h("p", { class: "confirm-delete", tabindex: -1 }, "Delete this photo?");
  const keep = (): void => {
    box.remove();
    button.hidden = false;
    button.focus();
  };
  const remove = async (): Promise<void> => {
    try {
      await api("DELETE", `/api/me/photos/${encodeURIComponent(photo.id)}`);
      const list = item.parentElement;
      item.remove();
      status.textContent = `Photo of ${formatDate(photo.local_date)} deleted.`;
      if (list && list.children.length === 0) list.remove();
    } catch (error) {
      status.textContent = error instanceof ApiError ? error.detail : "Could not delete the photo: check your connection and try again.";
    }
  };
  const box = h(
    "div",
    { class: "confirm-box" },
    question,
    h("button", { type: "button", class: "danger", onclick: () => void remove() }, "Delete"),
    h("button", { type: "button", class: "secondary", onclick: keep }, "Keep"),
  );
  button.hidden = true;
  item.append(box);
  question.focus();
}

function firstAndLatest(first: PhotoOut, latest: PhotoOut, area: string, label: string): HTMLElement {
  const pair = (photo: PhotoOut, which: string): HTMLElement =>
    h(
      "figure",
      {},
      h("img", { src: photoUrl(photo.id, "thumb"), alt: `${label}, ${which.toLowerCase()} photo, ${photoDate(photo)}` }),
      h("figcaption", {}, h("strong", {}, which), " ", photoDate(photo)),
    );
  return h(
    "div",
    { class: "before-after" },
    h("div", { class: "pair" }, pair(first, "First"), pair(latest, "Latest")),
    h("a", { class: "button-link secondary", href: `#/photos/${encodeURIComponent(area)}/compare` }, "Compare before and after"),
  );
}

function areaSection(area: string, photos: PhotoOut[], status: HTMLElement): HTMLElement {
  const label = areaLabel(area);
  const headingId = `area-${area}`;
  const action = hasThisWeeksPhoto(photos) ? "Add a photo" : "Take this week's photo";
  const newestFirst = [...photos].reverse();
  return h(
    "section",
    { class: "area-photos", "aria-labelledby": headingId },
    h("h2", { id: headingId }, label),
    h("a", { class: "button-link", href: `#/photos/${encodeURIComponent(area)}/new`, "aria-label": `${action}: ${label}` }, action),
    photos.length === 0 ? h("p", { class: "note" }, "No photos yet.") : null,
    photos.length >= 2 ? firstAndLatest(photos[0], photos[photos.length - 1], area, label) : null,
    photos.length > 0
      ? h(
          "ul",
          { class: "thumbs", "aria-label": `Photos of ${label.toLowerCase()}, newest first` },
          ...newestFirst.map((photo) => thumbnail(photo, label, (chosen, item) => confirmDelete(chosen, item, status))),
        )
      : null,
  );
}

export async function photosView(): Promise<HTMLElement> {
  const [sessions, photos] = await Promise.all([
    api<SessionOut[]>("GET", "/api/me/sessions"),
    api<PhotoOut[]>("GET", "/api/me/photos"),
  ]);
  const areas = treatedAreas(sessions, photos);
  const status = h("p", { class: "status", role: "status" });
  return h(
    "main",
    { class: "screen photos" },
    h("h1", { tabindex: -1 }, "Photos"),
    h(
      "p",
      { class: "lead" },
      "A photo of each treated area once a week shows how it is clearing. Only you and your clinic see them, and they are not kept on this phone.",
    ),
    status,
    areas.length === 0
      ? h("p", {}, "Once your clinic records a treatment, you can add photos of the treated areas here.")
      : null,
    ...areas.map((area) => areaSection(area, photos.filter((photo) => photo.area === area), status)),
  );
}
