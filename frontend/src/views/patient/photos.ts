// Photos: one section per treated area (the areas of the patient's sessions, and any area
// that already has photos): the way to take this week's photo, then each photo once: for an
// area with two or more, its first beside its latest, a link to compare them, and the ones
// in between.
// The images are never kept on the phone (see sw.ts); only the list is fetched here.
import { api, ApiError } from "../../api";
import { formatDate, h } from "../../dom";
import type { Schemas } from "../../types";
import { areaLabel } from "../../words";
import { photoDate } from "../photos/compare";
import { thumbStrip } from "../photos/strip";
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

type Tag = "First" | "Latest" | null;

/** One photo: the picture, its day in lines that never wrap mid-way, and Delete (the
 * patient's own) or who took it (the clinic's). */
function photoItem(photo: PhotoOut, label: string, tag: Tag, onDelete: (photo: PhotoOut, item: HTMLElement) => void): HTMLElement {
  const which = tag ? `${tag.toLowerCase()} photo, ` : "";
  const item = h(
    "li",
    { "data-photo": photo.id },
    h("img", { src: photoUrl(photo.id, "thumb"), alt: `${label}, ${which}${photoDate(photo)}`, loading: "lazy" }),
    h(
      "p",
      { class: "when" },
      tag ? h("strong", {}, tag) : null,
      h(tag ? "span" : "strong", {}, formatDate(photo.local_date)),
      photo.day === null ? null : h("span", {}, `Day ${photo.day}`),
    ),
  );
  if (photo.source === "clinic") {
    item.append(h("p", { class: "by-clinic" }, "Taken by your clinic"));
  } else {
    item.append(
      h("button", { type: "button", class: "link delete", "aria-label": `Delete ${tag ? `${tag.toLowerCase()} ` : ""}photo of ${photoDate(photo)}`, onclick: () => onDelete(photo, item) }, "Delete"),
    );
  }
  return item;
}

/** Delete asks first, in place of the button: "Delete this photo?" Delete / Keep. */
function confirmDelete(photo: PhotoOut, item: HTMLElement, status: HTMLElement, deleted: (photo: PhotoOut) => void): void {
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
      status.textContent = `Photo of ${formatDate(photo.local_date)} deleted.`;
      deleted(photo);
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

/**
 * An area's photos, each shown once: one photo alone; two or more as the first beside the
 * latest (with the comparison's link), and the ones taken between them in a strip under
 * the pair, newest first.
 */
function areaPhotos(area: string, label: string, photos: PhotoOut[], onDelete: (photo: PhotoOut, item: HTMLElement) => void): HTMLElement[] {
  const name = label.toLowerCase();
  if (photos.length === 0) return [h("p", { class: "note" }, "No photos yet.")];
  if (photos.length === 1) {
    return [h("ul", { class: "shots single", "aria-label": `Photos of ${name}` }, photoItem(photos[0], label, null, onDelete))];
  }
  const first = photos[0];
  const latest = photos[photos.length - 1];
  const between = photos.slice(1, -1).reverse();
  return [
    h(
      "ul",
      { class: "shots pair", "aria-label": `First and latest photos of ${name}` },
      photoItem(first, label, "First", onDelete),
      photoItem(latest, label, "Latest", onDelete),
    ),
    h("a", { class: "button-link secondary compare-link", href: `#/photos/${encodeURIComponent(area)}/compare` }, "Compare before and after"),
    ...(between.length > 0
      ? [
          h(
            "div",
            { class: "between" },
            h("h3", {}, "In between"),
            thumbStrip(`Photos of ${name} in between, newest first`, ...between.map((photo) => photoItem(photo, label, null, onDelete))),
          ),
        ]
      : []),
  ];
}

/** One treated area: what to do next, then its photos; redrawn when one is deleted. */
function areaSection(area: string, initial: PhotoOut[], status: HTMLElement): HTMLElement {
  const label = areaLabel(area);
  const headingId = `area-${area}`;
  const section = h("section", { class: "area-photos", "aria-labelledby": headingId });
  let photos = initial;
  const draw = (): HTMLElement => {
    // This week's photo is the screen's next step; once taken, adding another is secondary.
    const done = hasThisWeeksPhoto(photos);
    const action = done ? "Add a photo" : "Take this week's photo";
    const heading = h("h2", { id: headingId, tabindex: -1 }, label);
    // The photo and its question are gone: focus goes to the redrawn area's heading.
    const deleted = (gone: PhotoOut): void => {
      photos = photos.filter((photo) => photo.id !== gone.id);
      draw().focus();
    };
    section.replaceChildren(
      heading,
      h("a", { class: done ? "button-link secondary" : "button-link", href: `#/photos/${encodeURIComponent(area)}/new`, "aria-label": `${action}: ${label}` }, action),
      ...areaPhotos(area, label, photos, (photo, item) => confirmDelete(photo, item, status, deleted)),
    );
    return heading;
  };
  draw();
  return section;
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
