// The recovery chart (Chart.js) and, for screen readers, the same data as a table.
import {
  CategoryScale,
  Chart,
  Legend,
  LinearScale,
  LineController,
  LineElement,
  PointElement,
  Tooltip,
  type ChartDataset,
  type Plugin,
} from "chart.js";
import { LABELS, shapeTimeline, type Marker, type RecoveryChart } from "../chart/shape";
import { formatDate, h } from "../dom";
import { SYMPTOMS, type Timeline } from "../types";

Chart.register(LineController, LineElement, PointElement, LinearScale, CategoryScale, Tooltip, Legend);

// Colour-blind-safe palette (Okabe-Ito), each with AA contrast on white for the legend text.
const COLOURS = ["#a4161a", "#0072b2", "#7b3294", "#8a5a00", "#007a5e", "#b2436b"];

/** Vertical lines for sessions (solid) and the review date (dashed). */
function markers(chart: RecoveryChart): Plugin<"line"> {
  const draw = (instance: Chart<"line">, marks: Marker[], dashed: boolean): void => {
    const { ctx, chartArea, scales } = instance;
    ctx.save();
    ctx.strokeStyle = "#14213d";
    ctx.fillStyle = "#14213d";
    ctx.font = "12px system-ui, sans-serif";
    ctx.setLineDash(dashed ? [6, 4] : []);
    for (const mark of marks) {
      const x = scales.x.getPixelForValue(mark.x);
      ctx.beginPath();
      ctx.moveTo(x, chartArea.top);
      ctx.lineTo(x, chartArea.bottom);
      ctx.stroke();
      // Labels near the right edge go on the line's left, clear of the axis labels.
      const width = ctx.measureText(mark.label).width;
      const labelX = x + 4 + width > chartArea.right ? x - 4 - width : x + 4;
      ctx.fillText(mark.label, labelX, chartArea.top + 12);
    }
    ctx.restore();
  };
  return {
    id: "afterline-markers",
    afterDatasetsDraw(instance) {
      draw(instance, chart.sessions, false);
      draw(instance, chart.reviews, true);
    },
  };
}

function table(timeline: Timeline): HTMLElement {
  const rows = [...timeline.points].sort((a, b) => b.local_date.localeCompare(a.local_date));
  return h(
    "table",
    { class: "data" },
    h("caption", {}, "Check-ins, newest first"),
    h(
      "thead",
      {},
      h("tr", {}, h("th", { scope: "col" }, "Date"), ...SYMPTOMS.map((s) => h("th", { scope: "col" }, LABELS[s]))),
    ),
    h(
      "tbody",
      {},
      ...rows.map((point) =>
        h(
          "tr",
          {},
          h("th", { scope: "row" }, formatDate(point.local_date)),
          ...SYMPTOMS.map((s) => h("td", {}, String(point[s]))),
        ),
      ),
    ),
  );
}

/** The chart and its table; `title` names the chart for assistive technology. */
export function renderRecoveryChart(
  timeline: Timeline,
  title = "Recovery chart",
  axisTitle = "Weeks since your first session",
): HTMLElement {
  const shaped = shapeTimeline(timeline);
  if (shaped.series.length === 0) {
    return h("p", {}, "The chart starts once a treatment session is recorded.");
  }
  const canvas = h("canvas", { role: "img", "aria-label": title });
  const datasets: ChartDataset<"line", { x: number; y: number; date: string }[]>[] = shaped.series.map(
    (series, index) => ({
      label: series.label,
      data: series.points,
      yAxisID: series.axis === "pain" ? "pain" : "grade",
      borderColor: COLOURS[index],
      backgroundColor: COLOURS[index],
      borderWidth: series.axis === "pain" ? 3 : 2,
      pointRadius: 2,
      tension: 0.25,
    }),
  );
  new Chart(canvas, {
    type: "line",
    data: { datasets },
    options: {
      responsive: true,
      maintainAspectRatio: false,
      animation: false,
      parsing: false,
      interaction: { mode: "index", intersect: false },
      scales: {
        x: {
          type: "linear",
          min: 0,
          max: Math.ceil(shaped.maxX),
          title: { display: true, text: axisTitle },
        },
        pain: { position: "left", min: 0, max: 10, title: { display: true, text: "Pain (0-10)" } },
        grade: {
          position: "right",
          min: 0,
          max: 3,
          ticks: { stepSize: 1, callback: (value) => ["None", "Mild", "Moderate", "Severe"][Number(value)] ?? "" },
          grid: { drawOnChartArea: false },
          title: { display: true, text: "Other symptoms" },
        },
      },
      plugins: {
        tooltip: {
          callbacks: {
            title: (items) => {
              const raw = items[0]?.raw as { date?: string } | undefined;
              return raw?.date ? formatDate(raw.date) : "";
            },
          },
        },
      },
    },
    plugins: [markers(shaped)],
  });
  return h(
    "section",
    { class: "chart" },
    h("div", { class: "chart-box" }, canvas),
    h("details", {}, h("summary", {}, "Show the numbers as a table"), table(timeline)),
  );
}
