// How are your results? The patient's own view of a session's result: the global impression
// of change (PGIC, seven answers in the scale's words) and satisfaction 0-10. Prefilled when
// already answered, and editable later: the server keeps revisions. The session and its
// rating come from the timeline, in one request (GET …/rating answers 404 until rated, which
// the browser would log as a failed request on every first visit).
import { api, ApiError, OfflineError } from "../../api";
import { formatDate, h } from "../../dom";
import type { Schemas, Timeline } from "../../types";
import { resultWords } from "../photos/words";
import { clearProblems, describeWith, showProblems, type FieldProblem } from "./form-errors";
import "./results.css";

type RatingOut = Schemas["RatingOut"];

function choice(name: string, value: string, words: string, checked: boolean): HTMLElement {
  return h("label", { class: "option" }, h("input", { type: "radio", name, value, checked }), h("span", {}, words));
}

function question(name: string, legend: string, options: HTMLElement[], after: HTMLElement | null = null): HTMLElement {
  const message = h("p", { class: "field-error", "data-error-for": name });
  const field = h(
    "fieldset",
    { class: `scale ${name}`, "data-field": name },
    h("legend", {}, legend),
    h("div", { class: "options" }, ...options),
    after,
    message,
  );
  describeWith(field, message, `${name}-error`);
  return field;
}

export async function ratingView(params: Record<string, string>): Promise<HTMLElement> {
  const sessionId = params.session_id;
  const [words, timeline] = await Promise.all([resultWords(), api<Timeline>("GET", "/api/me/timeline")]);
  const session = timeline.sessions.find((item) => item.id === sessionId);
  const rating = timeline.ratings.find((item) => item.session_id === sessionId);
  const pgic = Object.entries(words.pgic).map(([value, text]) => choice("pgic", value, text, rating?.pgic === Number(value)));
  const satisfaction = Array.from({ length: 11 }, (_, score) =>
    choice("satisfaction", String(score), String(score), rating?.satisfaction === score),
  );
  const anchors = h(
    "p",
    { class: "anchors" },
    h("span", {}, `0 = ${words.satisfactionAnchors["0"]}`),
    h("span", {}, `10 = ${words.satisfactionAnchors["10"]}`),
  );
  const status = h("p", { class: "status", role: "status" });
  const save = h("button", { type: "submit", class: "save" }, rating ? "Save changes" : "Save");
  const form = h(
    "form",
    { class: "checkin rating-form", novalidate: true },
    question("pgic", "Since your session, how has the treated area changed?", pgic),
    question("satisfaction", "How satisfied are you with the result so far?", satisfaction, anchors),
    h("p", { class: "field-error", "data-error-for": "form", role: "alert" }),
    save,
    status,
  );
  const picked = (name: string): number | null => {
    const input = form.querySelector<HTMLInputElement>(`input[name="${name}"]:checked`);
    return input ? Number(input.value) : null;
  };
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    status.textContent = "";
    const body = { pgic: picked("pgic"), satisfaction: picked("satisfaction") };
    const problems: FieldProblem[] = [];
    if (body.pgic === null) problems.push({ field: "pgic", message: "Choose how the area has changed." });
    if (body.satisfaction === null) problems.push({ field: "satisfaction", message: "Choose a number from 0 to 10." });
    if (problems.length > 0) return showProblems(form, problems);
    clearProblems(form);
    save.disabled = true;
    save.setAttribute("aria-busy", "true");
    api<RatingOut>("PUT", `/api/me/sessions/${encodeURIComponent(sessionId)}/rating`, body)
      .then(() => {
        status.replaceChildren("Saved. Thank you: your clinic sees your answer. ", h("a", { href: "#/recovery" }, "See your results"));
        save.textContent = "Save changes";
      })
      .catch((error: unknown) => {
        if (error instanceof ApiError) showProblems(form, [{ field: error.field ?? "form", message: error.detail }]);
        else if (error instanceof OfflineError) showProblems(form, [{ field: "form", message: "You are offline. Your answer was not saved: try again when you are connected." }]);
        else throw error;
      })
      .finally(() => {
        save.disabled = false;
        save.removeAttribute("aria-busy");
      });
  });
  return h(
    "main",
    { class: "screen rating" },
    h("h1", { tabindex: -1 }, "How are your results?"),
    h(
      "p",
      { class: "lead" },
      session ? `About your session on ${formatDate(session.performed_on)}. ` : "",
      rating ? `You answered on ${formatDate(rating.rated_on)}; you can change your answer.` : "Two questions. Your clinic sees your answers.",
    ),
    form,
  );
}
