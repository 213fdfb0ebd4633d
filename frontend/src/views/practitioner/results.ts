// The patient page's Results, beside the side effects: per session (newest first) the
// practitioner's review outcome (with its form), the patient's own rating, the photos along
// the weeks (Day N), and a before/after comparison for each area photographed twice or more.
import { formatDate, h } from "../../dom";
import type { Schemas, Timeline, TimelineSession } from "../../types";
import { areaLabel } from "../../words";
import { comparison } from "../photos/compare";
import { photoUrl } from "../photos/urls";
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
    {},
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

function photosPart(photos: Photo[]): HTMLElement {
  if (photos.length === 0) return h("p", { class: "muted" }, "No photos for this session yet.");
  const byArea = photosByArea(photos);
  return h(
    "div",
    { class: "session-photos" },
    ...[...byArea].map(([area, shots]) =>
      h(
        "div",
        { class: "area-photos" },
        h("h4", {}, areaLabel(area)),
        h("ul", { class: "thumbs", "aria-label": `${areaLabel(area)} photos, oldest first` }, ...shots.map(thumbnail)),
        shots.length >= 2
          ? comparison(shots[0], shots[shots.length - 1], areaLabel(area))
          : null,
      ),
    ),
  );
}

function sessionResults(session: TimelineSession, timeline: Timeline, words: ResultWords): HTMLElement {
  const outcome = timeline.outcomes.find((one) => one.session_id === session.id) ?? null;
  const rating = timeline.ratings.find((one) => one.session_id === session.id) ?? null;
  const photos = timeline.photos.filter((photo) => photo.session_id === session.id);
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
    photosPart(photos),
  );
}

/** The Results section: one block per session, newest first; the words are the server's. */
export function resultsSection(timeline: Timeline, words: ResultWords | null): HTMLElement {
  const sessions = [...timeline.sessions].sort((a, b) => b.performed_on.localeCompare(a.performed_on));
  return h(
    "section",
    { class: "results", "aria-labelledby": "results-heading" },
    h("h2", { id: "results-heading" }, "Results"),
    words === null
      ? h("p", {}, "Results could not be loaded. Reload the page to try again.")
      : sessions.length === 0
        ? h("p", {}, "No sessions recorded yet: results appear here once a session is recorded.")
        : h("div", { class: "results-list" }, ...sessions.map((session) => sessionResults(session, timeline, words))),
  );
}
