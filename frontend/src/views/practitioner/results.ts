// The patient page's Results, beside the side effects: per session (newest first) the
// practitioner's review outcome (with its form), the patient's own rating, the photos along
// the weeks (Day N) with "Add clinic photo" under each treated area (clinic-photo.ts), and a
// before/after comparison for each area photographed twice or more.
import { api } from "../../api";
import { formatDate, h } from "../../dom";
import type { Schemas, Timeline, TimelineSession } from "../../types";
import { areaLabel } from "../../words";
import { comparison } from "../photos/compare";
import { thumbStrip } from "../photos/strip";
import { photoUrl } from "../photos/urls";
import { type ClinicPhotoTarget, clinicPhotoForm, photoDays } from "./clinic-photo";
import { outcomePanel } from "./outcome-form";
import { type ResultWords, say } from "./result-words";
import "./results.css";

type Photo = Schemas["PhotoOut"];
type Rating = Schemas["RatingOut"];

/** "Much improved · satisfaction 8/10": the patient's rating in words. */
export function ratingWords(rating: Rating, words: ResultWords): string {
  return `${say(words.pgic, rating.pgic)} · satisfaction ${rating.satisfaction}/10`;
}

/** A session's photos by area, each area's oldest first (the first is the "before"). */
export function photosByArea(photos: Photo[]): Map<string, Photo[]> {
  const byArea = new Map<string, Photo[]>();
  for (const photo of [...photos].sort((a, b) => a.taken_at.localeCompare(b.taken_at))) {
    byArea.set(photo.area, [...(byArea.get(photo.area) ?? []), photo]);
  }
  return byArea;
}

function dayWords(photo: Photo): string {
  return photo.day === null ? formatDate(photo.local_date) : `Day ${photo.day}`;
}

// The photos' own classes (photos.css, shared with the patient's screens): a strip of
// thumbnails that scrolls inside itself, never the page.
function thumbnail(photo: Photo): HTMLElement {
  const who = photo.source === "clinic" ? "clinic photo" : "patient's photo";
  return h(
    "li",
    { "data-photo": photo.id },
    h(
      "a",
      { href: photoUrl(photo.id, "full"), target: "_blank", rel: "noopener" },
      h("img", {
        src: photoUrl(photo.id, "thumb"),
        alt: `${areaLabel(photo.area)}, ${dayWords(photo)} (${who}, opens full size)`,
        loading: "lazy", // sized by photos.css (.thumbs): a 4:3 crop, whatever the photo's shape
      }),
    ),
    h("p", { class: "when" }, h("strong", {}, dayWords(photo)), photo.source === "clinic" ? h("span", { class: "by-clinic" }, "Clinic photo") : null),
  );
}

/** Where "Add clinic photo" sends its photo; without one the section only shows photos. */
interface PhotoTarget {
  target: ClinicPhotoTarget;
  /** Every session of the patient: a photo's day decides which one it belongs to. */
  sessions: TimelineSession[];
  /** After an upload: the patient's photos again (every session's thumbnails redraw). */
  added: (photo: Photo) => Promise<void>;
}

/** The session's treated areas first (in its order), then any other area photographed. */
export function sessionAreas(session: TimelineSession, photos: Photo[]): string[] {
  return [...new Set([...session.areas, ...photos.map((photo) => photo.area)])];
}

function photosPart(session: TimelineSession, photos: Photo[], adding: PhotoTarget | null): HTMLElement[] {
  const byArea = photosByArea(photos);
  const days = adding ? photoDays(session, adding.sessions, adding.target.today) : null;
  return sessionAreas(session, photos).map((area) => {
    const shots = byArea.get(area) ?? [];
    const label = areaLabel(area);
    return h(
      "div",
      { class: "area-photos" },
      h("h4", {}, label),
      shots.length > 0
        ? thumbStrip(`${label} photos, oldest first`, ...shots.map(thumbnail))
        : h("p", { class: "muted" }, "No photos of this area yet."),
      adding && days ? clinicPhotoForm(adding.target, session, area, days, adding.added) : null,
      shots.length >= 2 ? comparison(shots[0], shots[shots.length - 1], label) : null,
    );
  });
}

/** A session's photos: redrawn in place when one is added, its status line kept. */
interface SessionPhotos {
  element: HTMLElement;
  redraw: (photos: Photo[]) => void;
  /** Says the photo was added and moves focus to its thumbnail. */
  show: (photo: Photo) => void;
}

function sessionPhotos(session: TimelineSession, photos: Photo[], adding: PhotoTarget | null): SessionPhotos {
  const status = h("p", { class: "saved-status", role: "status" });
  const body = h("div", { class: "session-photos" });
  const redraw = (all: Photo[]): void => {
    body.replaceChildren(...photosPart(session, all.filter((photo) => photo.session_id === session.id), adding));
  };
  redraw(photos);
  const show = (photo: Photo): void => {
    status.textContent = `Clinic photo added: ${areaLabel(photo.area)}, ${dayWords(photo)}.`;
    body.querySelector<HTMLElement>(`[data-photo="${CSS.escape(photo.id)}"] a`)?.focus();
  };
  // The status line above the areas, where the thumbnails are (it is never redrawn).
  return { element: h("div", { class: "photos-box" }, status, body), redraw, show };
}

function sessionResults(session: TimelineSession, timeline: Timeline, words: ResultWords, photos: SessionPhotos): HTMLElement {
  const outcome = timeline.outcomes.find((one) => one.session_id === session.id) ?? null;
  const rating = timeline.ratings.find((one) => one.session_id === session.id) ?? null;
  const headingId = `results-${session.id}`;
  return h(
    "article",
    { class: "session-results", "aria-labelledby": headingId },
    h("h3", { id: headingId }, `Session on ${formatDate(session.performed_on)}`, h("span", { class: "sub" }, session.areas.map(areaLabel).join(", "))),
    outcomePanel(session, outcome, words),
    h(
      "p",
      { class: "rating" },
      h("strong", {}, "Patient's rating: "),
      rating ? ratingWords(rating, words) : "Not rated yet.",
      rating ? h("span", { class: "sub" }, `Rated on ${formatDate(rating.rated_on)}`) : null,
    ),
    photos.element,
  );
}

/**
 * The Results section: one block per session, newest first; the words are the server's.
 * With `clinic` (the patient and today), each treated area offers "Add clinic photo".
 */
export function resultsSection(timeline: Timeline, words: ResultWords | null, clinic: ClinicPhotoTarget | null = null): HTMLElement {
  const sessions = [...timeline.sessions].sort((a, b) => b.performed_on.localeCompare(a.performed_on));
  const parts = new Map<string, SessionPhotos>();
  const adding: PhotoTarget | null = clinic
    ? {
        target: clinic,
        sessions,
        added: async (photo) => {
          // Every session redraws: the server, not this page, decides where a photo belongs.
          const path = `/api/patients/${encodeURIComponent(clinic.patientId)}/photos`;
          const photos = await api<Photo[]>("GET", path).catch(() => [...timeline.photos, photo]);
          timeline.photos = photos;
          for (const part of parts.values()) part.redraw(photos);
          parts.get(photo.session_id ?? "")?.show(photo);
        },
      }
    : null;
  for (const session of sessions) parts.set(session.id, sessionPhotos(session, timeline.photos, adding));
  return h(
    "section",
    { class: "results", "aria-labelledby": "results-heading" },
    h("h2", { id: "results-heading" }, "Results"),
    words === null
      ? h("p", {}, "Results could not be loaded. Reload the page to try again.")
      : sessions.length === 0
        ? h("p", {}, "No sessions recorded yet: results appear here once a session is recorded.")
        : h("div", { class: "results-list" }, ...sessions.map((session) => sessionResults(session, timeline, words, parts.get(session.id) as SessionPhotos))),
  );
}
