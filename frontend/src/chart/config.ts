// The Chart.js configuration of one small chart: the patient's line, the usual-range band
// and the session and review lines (views/chart.ts lays the six out and loads Chart.js).
//
// The patient's recorded days are joined by straight lines: no smoothing, which overshoots
// what was recorded, and no value for a missed day. The clinic's usual range is a grey band
// drawn by a small plugin rather than as datasets, so hovering only ever finds the patient's
// own check-ins; it steps day by day as the words compare (chart/shape.ts bandSteps). One
// colour for the patient, grey for the clinic: no legend to decode. Types only from
// chart.js here: importing this module does not load the library.
import type { ChartConfiguration, Plugin } from "chart.js";
import type { Symptom, Timeline } from "../types";
import { gradeName } from "../words";
import { bandSteps, type Course, type SymptomPanel } from "./shape";
import { scoreWords, shortDate, usualRange, type UsualRange } from "./verdict";

const LINE = "#0d6e6e"; // the app's accent: the patient's own scores
const BAND = "rgba(74, 85, 104, 0.24)"; // grey: the clinic's usual range
const MARK = "#4a5568";
const TICKS = "#4a5568";

/** "0 to 1", "none to mild", "none": the usual range read aloud the same everywhere. */
export function rangeWords(symptom: Symptom, range: UsualRange): string {
  const words = (value: number): string =>
    symptom === "pain" ? String(Math.round(value * 10) / 10) : scoreWords(symptom, Math.round(value));
  const [low, high] = [words(range.low), words(range.high)];
  return low === high ? low : `${low} to ${high}`;
}

/** The thinnest the band is drawn (px): "usually mild, all of them" is a strip, not a hairline. */
const MIN_BAND_PX = 8;

/** The grey band: each run of band days as one filled shape of steps (no seams between days). */
function bandPlugin(panel: SymptomPanel): Plugin<"line"> {
  return {
    id: "afterline-usual-range",
    beforeDatasetsDraw({ ctx, chartArea, scales }) {
      ctx.save();
      ctx.beginPath();
      ctx.rect(chartArea.left, chartArea.top, chartArea.width, chartArea.height);
      ctx.clip();
      ctx.fillStyle = BAND;
      const x = (day: number): number => scales.x.getPixelForValue(day);
      for (const run of panel.band) {
        const steps = bandSteps(run).map((step) => {
          let [top, bottom] = [scales.y.getPixelForValue(step.high), scales.y.getPixelForValue(step.low)];
          if (bottom - top < MIN_BAND_PX) [top, bottom] = [(top + bottom - MIN_BAND_PX) / 2, (top + bottom + MIN_BAND_PX) / 2];
          return { left: x(step.from), right: x(step.to), top, bottom };
        });
        ctx.beginPath();
        steps.forEach((step, index) => {
          if (index === 0) ctx.moveTo(step.left, step.top);
          else ctx.lineTo(step.left, step.top);
          ctx.lineTo(step.right, step.top);
        });
        for (const step of [...steps].reverse()) {
          ctx.lineTo(step.right, step.bottom);
          ctx.lineTo(step.left, step.bottom);
        }
        ctx.closePath();
        ctx.fill();
      }
      ctx.restore();
    },
  };
}

/** Vertical lines: sessions solid, the review dashed, each labelled at the top. */
function markerPlugin(course: Course): Plugin<"line"> {
  return {
    id: "afterline-markers",
    afterDatasetsDraw({ ctx, chartArea, scales }) {
      ctx.save();
      ctx.font = "600 11px system-ui, sans-serif";
      ctx.lineWidth = 1.5;
      for (const mark of course.markers) {
        const x = scales.x.getPixelForValue(mark.day);
        ctx.strokeStyle = MARK;
        ctx.setLineDash(mark.kind === "review" ? [5, 4] : []);
        ctx.beginPath();
        ctx.moveTo(x, chartArea.top);
        ctx.lineTo(x, chartArea.bottom);
        ctx.stroke();
        // Labels near the right edge go on the line's left; a white backing keeps them legible.
        const width = ctx.measureText(mark.label).width;
        const left = x + 4 + width > chartArea.right ? x - 4 - width : x + 4;
        ctx.fillStyle = "rgba(255, 255, 255, 0.85)";
        ctx.fillRect(left - 2, chartArea.top + 1, width + 4, 14);
        ctx.fillStyle = MARK;
        ctx.fillText(mark.label, left, chartArea.top + 12);
      }
      ctx.restore();
    },
  };
}

export function chartConfig(course: Course, panel: SymptomPanel, band: Timeline["band"]): ChartConfiguration<"line"> {
  const grade = panel.max === 3;
  return {
    type: "line",
    data: {
      datasets: [
        {
          label: panel.label,
          data: panel.points,
          borderColor: LINE,
          backgroundColor: LINE,
          borderWidth: 2.5,
          pointRadius: 3.5,
          pointHoverRadius: 6,
          tension: 0, // straight between recorded days: a curve would overshoot them
          spanGaps: true, // the data holds recorded days only, so this joins them, nothing more
          clip: 8, // a score at the top or bottom of the scale shows whole
        },
      ],
    },
    options: {
      responsive: true,
      maintainAspectRatio: false,
      animation: false,
      parsing: false,
      interaction: { mode: "nearest", axis: "x", intersect: false },
      layout: { padding: { top: 4, right: 6 } },
      scales: {
        x: {
          type: "linear",
          min: 0,
          max: course.endDay,
          ticks: { stepSize: 7, maxRotation: 0, color: TICKS, callback: (value) => `Day ${value}` },
          grid: { color: "#e5e9ee" },
        },
        y: {
          type: "linear",
          min: 0,
          max: panel.max,
          ticks: {
            stepSize: grade ? 1 : 2,
            color: TICKS,
            callback: (value) => (grade ? gradeName(Number(value)) : String(value)),
          },
          grid: { color: "#e5e9ee" },
        },
      },
      plugins: {
        tooltip: {
          displayColors: false,
          callbacks: {
            title: (items) => {
              const point = items[0]?.raw as { x: number; date: string } | undefined;
              return point ? `${shortDate(point.date)} · day ${point.x}` : "";
            },
            label: (item) => {
              const point = item.raw as { x: number; y: number };
              const range = usualRange(band, panel.symptom, point.x);
              const value = scoreWords(panel.symptom, point.y);
              return `${panel.label}: ${value}` + (range ? ` (usually ${rangeWords(panel.symptom, range)})` : "");
            },
          },
        },
      },
    },
    plugins: [bandPlugin(panel), markerPlugin(course)],
  };
}
