// "Am I recovering normally?": one sentence per symptom, then six small charts (one per
// symptom, same axis of days since the session), then the same numbers as a table, which
// screen readers get in full (each chart's accessible name carries its sentence).
//
// Each chart (chart/config.ts): the patient's recorded days joined by straight lines, the
// clinic's usual range as a grey band, a solid line for each session and a dashed one for
// the review; a small key instead of a legend. Which session's course is shown, and why
// days since that session: see chart/shape.ts. The words: chart/verdict.ts.
//
// Chart.js is loaded on first use (a dynamic import: its own chunk, so the sign-in page never
// downloads it), with only the line chart's parts registered, and animations off (tests, and
// people who prefer reduced motion, see the final chart at once). Until it is drawn the grid
// is aria-busy.
import type { Chart } from "chart.js";
import { chartConfig } from "../chart/config";
import { LABELS, shapeCourse, type Course, type SymptomPanel } from "../chart/shape";
import {
  compareWith,
  sessionsInOrder,
  shortDate,
  usualRange,
  verdicts,
  type Verdict,
  type VerdictKind,
} from "../chart/verdict";
import { formatDate, h } from "../dom";
import { SYMPTOMS, type Symptom, type Timeline } from "../types";
import { gradeName, lower, PAIN_ANCHORS } from "../words";
import "./chart.css";

/** Short words for each verdict, on the chart's caption. */
const TAGS: Record<VerdictKind, string> = {
  usual: "Within usual range",
  higher: "Higher than usual",
  lower: "Lower than usual",
  improving: "Improving",
  no_band: "No usual range yet",
  no_data: "No check-ins yet",
};

type ChartClass = typeof Chart;
let library: Promise<ChartClass> | null = null;

/** Chart.js with the line chart's parts only; fetched once, on the first chart drawn. */
export function loadChartJs(): Promise<ChartClass> {
  library ??= import("chart.js").then(({ Chart, LineController, LineElement, PointElement, LinearScale, Tooltip }) => {
    Chart.register(LineController, LineElement, PointElement, LinearScale, Tooltip);
    return Chart;
  });
  return library;
}

let pickerCount = 0;

function figure(course: Course, panel: SymptomPanel, verdict: Verdict): { figure: HTMLElement; canvas: HTMLCanvasElement } {
  const label = `${panel.label} chart, days 0 to ${course.endDay} after session ${course.number}. ${verdict.sentence}`;
  const canvas = h("canvas", { role: "img", "aria-label": label });
  return {
    canvas,
    figure: h(
      "figure",
      { class: "panel", "data-kind": verdict.kind, "data-symptom": panel.symptom },
      h("figcaption", {}, h("span", {}, panel.label), h("span", { class: "tag" }, TAGS[verdict.kind])),
      h("div", { class: "panel-box" }, canvas),
    ),
  };
}

/** The course's check-ins as a table: a score above the usual range for its day is marked. */
function numbers(course: Course, timeline: Timeline): HTMLElement {
  const cell = (symptom: Symptom, value: number, day: number): HTMLElement => {
    const above = compareWith(value, usualRange(timeline.band, symptom, day)) === "above";
    const text = symptom === "pain" ? String(value) : gradeName(value);
    const mark = above ? h("span", { class: "above" }, " ▲", h("span", { class: "sr-only" }, " above usual")) : null;
    return h("td", {}, text, mark);
  };
  return h(
    "details",
    { class: "numbers" },
    h("summary", {}, "Show the numbers"),
    h(
      "p",
      { class: "numbers-hint" },
      `${LABELS.pain} from 0 (${lower(PAIN_ANCHORS["0"])}) to 10 (${lower(PAIN_ANCHORS["10"])}). ` +
        "▲ marks a score above the usual range for its day.",
    ),
    h(
      "div",
      { class: "numbers-scroll", role: "region", "aria-label": `Check-ins after session ${course.number}`, tabindex: 0 },
      h(
        "table",
        { class: "data" },
        h("caption", {}, `Check-ins after session ${course.number}`),
        h(
          "thead",
          {},
          h(
            "tr",
            {},
            h("th", { scope: "col" }, "Date"),
            h("th", { scope: "col" }, "Day"),
            ...SYMPTOMS.map((symptom) => h("th", { scope: "col" }, LABELS[symptom])),
          ),
        ),
        h(
          "tbody",
          {},
          ...course.points.map((point) =>
            h(
              "tr",
              {},
              h("th", { scope: "row" }, shortDate(point.local_date)),
              h("td", {}, String(point.day)),
              ...SYMPTOMS.map((symptom) => cell(symptom, point[symptom], point.day)),
            ),
          ),
        ),
      ),
    ),
  );
}


/** Which course this is, and how far it has got. */
function context(course: Course): HTMLElement {
  const last = course.points.at(-1);
  return h(
    "p",
    { class: "course-context" },
    `Session ${course.number} on ${formatDate(course.session.performed_on)}. `,
    last ? `Last check-in: ${shortDate(last.local_date)} (day ${last.day}).` : "No check-ins after it yet.",
  );
}

function summary(said: Verdict[]): HTMLElement {
  if (said.every((verdict) => verdict.kind === "no_data")) {
    return h("p", { class: "verdicts-empty" }, "The charts fill in with each daily check-in. The shaded band shows what is usual.");
  }
  return h(
    "ul",
    { class: "verdicts", "aria-label": "How each symptom compares with the usual range" },
    ...said.map((verdict) => h("li", { "data-kind": verdict.kind, "data-symptom": verdict.symptom }, verdict.sentence)),
  );
}

/** What the line, the band and the vertical lines mean; without a band, why there is none. */
function key(hasBand: boolean): HTMLElement {
  const item = (swatch: string, text: string): HTMLElement =>
    h("span", { class: "key-item" }, h("span", { class: `swatch ${swatch}`, "aria-hidden": "true" }), text);
  return h(
    "p",
    { class: "chart-key" },
    item("line", "Check-ins"),
    hasBand ? item("band", "Shaded: usual range at the clinic") : null,
    item("session", "Session"),
    item("review", "Review"),
    h(
      "span",
      { class: "key-hint" },
      hasBand
        ? "The usual range is the middle half of the scores other patients at the clinic logged on the same day after their session."
        : "No usual range to show yet: it appears once at least 5 other patients at the clinic have logged the same day after their session.",
    ),
  );
}

/** A review or next session past the days shown, in words. */
function laterNote(course: Course): HTMLElement | null {
  if (course.later.length === 0) return null;
  const said = course.later.map((mark) => `${mark.label} on ${formatDate(mark.date)} (day ${mark.day})`);
  return h("p", { class: "course-later" }, `${said.join("; ")}: after the days shown.`);
}

/** With several sessions, which course to show (the latest first). */
function picker(timeline: Timeline, shown: Course, onPick: (sessionId: string) => void): HTMLElement | null {
  const sessions = sessionsInOrder(timeline);
  if (sessions.length < 2) return null;
  pickerCount += 1;
  const name = `course-${pickerCount}`;
  return h(
    "fieldset",
    { class: "course-picker" },
    h("legend", {}, "Show the days after"),
    h(
      "div",
      { class: "options" },
      ...sessions
        .map((session, index) =>
          h(
            "label",
            { class: "option" },
            h("input", {
              type: "radio",
              name,
              value: session.id,
              checked: session.id === shown.session.id,
              onchange: () => onPick(session.id),
            }),
            `Session ${index + 1} · ${shortDate(session.performed_on)}`,
          ),
        )
        .reverse(),
    ),
  );
}

/**
 * The recovery charts for a timeline; `title` names them for assistive technology. The
 * third parameter is the old single chart's axis title, accepted so older callers still
 * type-check; the small charts label their own axis ("Day 0" ... "Day 28").
 */
export function renderRecoveryChart(timeline: Timeline, title = "Recovery chart", _legacy?: string): HTMLElement {
  const first = shapeCourse(timeline);
  if (!first) return h("p", { class: "chart-empty" }, "The charts start once a treatment session is recorded.");
  const body = h("div", { class: "course" });
  const root = h("section", { class: "recovery-charts", "aria-label": title });
  let charts: Chart[] = [];
  let generation = 0;

  const show = (course: Course): void => {
    generation += 1;
    const mine = generation;
    for (const chart of charts) chart.destroy();
    charts = [];
    const said = verdicts(timeline, course.session.id);
    const drawn = course.panels.map((panel, index) => figure(course, panel, said[index]));
    const grid = h("div", { class: "panels", "aria-busy": "true" }, ...drawn.map((item) => item.figure));
    const bandPoints = course.panels.reduce((total, panel) => total + panel.band.flat().length, 0);
    body.replaceChildren(context(course), summary(said), key(bandPoints > 0), grid);
    const later = laterNote(course);
    if (later) body.append(later);
    body.append(numbers(course, timeline));
    // For tests and people reading the DOM: which course, and how much band it carries.
    root.dataset.session = String(course.number);
    root.dataset.bandPoints = String(bandPoints);
    loadChartJs()
      .then((ChartJs) => {
        if (mine !== generation) return;
        charts = drawn.map((item, index) => new ChartJs(item.canvas, chartConfig(course, course.panels[index], timeline.band)));
        grid.removeAttribute("aria-busy");
      })
      .catch(() => {
        if (mine !== generation) return;
        grid.removeAttribute("aria-busy");
        grid.before(h("p", { class: "chart-error" }, "The charts could not be drawn just now; the numbers are below."));
      });
  };

  const choose = picker(timeline, first, (sessionId) => {
    const course = shapeCourse(timeline, sessionId);
    if (course) show(course);
  });
  if (choose) root.append(choose);
  root.append(body);
  show(first);
  return root;
}
