// Results on My recovery, per session: its photos along the weeks (day N), the clinic's
// clearance grade once the review is recorded, and the patient's own rating with a way to
// change it. Read from the same timeline as the chart (this device's last copy offline);
// the thumbnails themselves are never kept, so offline they simply do not load.
import { formatDate, h } from "../../dom";
import type { Schemas, Timeline } from "../../types";
import { areaLabel } from "../../words";
import { thumbStrip } from "../photos/strip";
import { photoUrl, type PhotoOut } from "../photos/urls";
import { resultWords, type ResultWords } from "../photos/words";
import "./results.css";

type RatingOut = Schemas["RatingOut"];
type OutcomeOut = Schemas["OutcomeOut"];

function photoRow(photos: PhotoOut[]): HTMLElement {
  if (photos.length === 0) {
    return h("p", { class: "note" }, "No photos yet. ", h("a", { href: "#/photos" }, "Add this week's photo"));
  }
  const byDay = [...photos].sort((a, b) => (a.day ?? 0) - (b.day ?? 0));
  return thumbStrip(
    "Photos along the weeks",
    ...byDay.map((photo) =>
      h(
        "li",
        {},
        h("img", { src: photoUrl(photo.id, "thumb"), alt: `${areaLabel(photo.area)}, day ${photo.day ?? "?"}`, loading: "lazy" }),
        h("p", { class: "when" }, h("strong", {}, photo.day === null ? formatDate(photo.local_date) : `Day ${photo.day}`), areaLabel(photo.area)),
      ),
    ),
  );
}

function outcomeLine(outcome: OutcomeOut | undefined, words: ResultWords | null): HTMLElement {
  if (!outcome) return h("p", {}, h("strong", {}, "Clinic's review: "), "not recorded yet.");
  const grade = words?.clearance[outcome.clearance] ?? outcome.clearance;
  return h("p", {}, h("strong", {}, "Clinic's review: "), `${grade} (${formatDate(outcome.assessed_on)}).`);
}

function ratingLine(sessionId: string, rating: RatingOut | undefined, words: ResultWords | null): HTMLElement {
  const link = (text: string): HTMLElement => h("a", { href: `#/rate/${encodeURIComponent(sessionId)}` }, text);
  if (!rating) return h("p", {}, h("strong", {}, "Your view: "), "not given yet. ", link("Say how your results are"));
  const change = words?.pgic[String(rating.pgic)] ?? `${rating.pgic} of 7`;
  return h(
    "p",
    {},
    h("strong", {}, "Your view: "),
    `${change}; satisfaction ${rating.satisfaction} out of 10. `,
    link("Change your answer"),
  );
}

export async function resultsSection(timeline: Timeline): Promise<HTMLElement | null> {
  if (timeline.sessions.length === 0) return null;
  // Offline before the words were ever fetched: the grades show as codes rather than not at all.
  const words = await resultWords().catch(() => null);
  const latestFirst = [...timeline.sessions].sort((a, b) => b.performed_on.localeCompare(a.performed_on));
  return h(
    "section",
    { class: "results", "aria-labelledby": "results-heading" },
    h("h2", { id: "results-heading" }, "Your results"),
    ...latestFirst.map((session) =>
      h(
        "article",
        { class: "session-results", "aria-label": `Session on ${formatDate(session.performed_on)}` },
        h("h3", {}, `Session on ${formatDate(session.performed_on)}`),
        photoRow(timeline.photos.filter((photo) => photo.session_id === session.id)),
        outcomeLine(timeline.outcomes.find((outcome) => outcome.session_id === session.id), words),
        ratingLine(session.id, timeline.ratings.find((rating) => rating.session_id === session.id), words),
      ),
    ),
  );
}
