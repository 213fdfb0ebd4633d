// The recovery chart (Chart.js) and, for screen readers, the same data as a table.
//
// The clinic's usual range (the expected-course band, p25 to p75 of other patients) is a
// shaded area between two datasets: an invisible lower edge and the upper edge filled down
// to it, in a light tint of the symptom's colour. Readability: one band at a time. Pain's
// is shown first (pain has its own 0-10 axis); the five 0-3 symptoms share an axis, where
// overlapping bands would bury the lines, so a "Usual range for" select below the chart
// switches the band to another symptom (or none). The legend lists only the band shown,
// "Pain: usual range", right after its symptom. Tooltips stay on the patient's own points
// and add that day's usual range for every symptom: "Pain: 5 (usually 2 to 4)".
import {
  CategoryScale,
  Chart,
  Filler,
  Interaction,
  Legend,
  LinearScale,
  LineController,
  LineElement,
  PointElement,
  Tooltip,
  type ChartDataset,
  type InteractionItem,
  type InteractionModeFunction,
  type Plugin,
} from "chart.js";
import { getRelativePosition } from "chart.js/helpers";
import {
  LABELS,
  shapeTimeline,
  type BandChartPoint,
  type Marker,
  type RecoveryChart,
  type SymptomBand,
} from "../chart/shape";
import { formatDate, h } from "../dom";
import { SYMPTOMS, type Symptom, type Timeline } from "../types";

Chart.register(LineController, LineElement, PointElement, LinearScale, CategoryScale, Tooltip, Legend, Filler);

// Colour-blind-safe palette (Okabe-Ito), each with AA contrast on white for the legend text.
const COLOURS = ["#a4161a", "#0072b2", "#7b3294", "#8a5a00", "#007a5e", "#b2436b"];
// Hex alpha suffixes: the band's fill and its upper edge, light enough for the line to read.
const BAND_FILL = "2e";
const BAND_EDGE = "73";

interface Datum {
  x: number;
  y: number | null;
  date?: string;
}

type Dataset = ChartDataset<"line", Datum[]> & { band?: boolean };

declare module "chart.js" {
  interface InteractionModeMap {
    checkin: InteractionModeFunction;
  }
}

/**
 * Hover and tooltips: the check-in nearest the pointer on x, with every symptom line's
 * value at it. Chart.js's "index" mode would also pick band points, whose indices do not
 * match the lines' (the band has a point per day, the lines one per check-in).
 */
Interaction.modes.checkin = (chart, event, _options, useFinalPosition): InteractionItem[] => {
  const { x } = getRelativePosition(event, chart);
  const metas = chart
    .getSortedVisibleDatasetMetas()
    .filter((meta) => !(chart.data.datasets[meta.index] as Dataset).band);
  let nearest = -1;
  let distance = Infinity;
  for (const meta of metas) {
    meta.data.forEach((element, index) => {
      const gap = Math.abs(element.getProps(["x"], useFinalPosition).x - x);
      if (gap < distance) [nearest, distance] = [index, gap];
    });
  }
  if (nearest < 0) return [];
  return metas.flatMap((meta) => {
    const element = meta.data[nearest];
    return element ? [{ element, datasetIndex: meta.index, index: nearest }] : [];
  });
};

/** "2 to 4": read out the same by every screen reader, unlike a dash. */
function range(point: BandChartPoint): string {
  return point.low === point.high ? String(point.low) : `${point.low} to ${point.high}`;
}

/** The band at each date, per symptom, for tooltips and the table. */
function bandByDate(bands: SymptomBand[]): Map<string, BandChartPoint> {
  const byDate = new Map<string, BandChartPoint>();
  for (const band of bands) {
    for (const point of band.segments.flat()) byDate.set(`${band.symptom}|${point.date}`, point);
  }
  return byDate;
}

/** One edge of a band as line data; a null between sessions breaks the line and the fill. */
function edge(band: SymptomBand, pick: (point: BandChartPoint) => number): Datum[] {
  return band.segments.flatMap((segment, index) => [
    ...(index > 0 ? [{ x: segment[0].x, y: null }] : []),
    ...segment.map((point) => ({ x: point.x, y: pick(point), date: point.date })),
  ]);
}

function bandDatasets(band: SymptomBand, shownFirst: boolean): Dataset[] {
  const colour = COLOURS[SYMPTOMS.indexOf(band.symptom)];
  const shared = {
    band: true,
    yAxisID: band.axis,
    pointRadius: 0,
    pointHoverRadius: 0,
    tension: 0, // straight between days: a curve would overshoot what was measured
    spanGaps: false,
  };
  return [
    // The lower edge draws nothing itself and is never hidden: it is what the fill reaches.
    { ...shared, label: `${band.label} (lower edge)`, data: edge(band, (p) => p.low), borderWidth: 0, fill: false },
    {
      ...shared,
      label: band.label,
      data: edge(band, (p) => p.high),
      borderColor: colour + BAND_EDGE,
      backgroundColor: colour + BAND_FILL,
      borderWidth: 1,
      fill: "-1",
      hidden: !shownFirst,
    },
  ];
}

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

/** The check-ins; with a pain band, each row also gives the clinic's usual pain range. */
function table(timeline: Timeline, bands: Map<string, BandChartPoint>, withUsual: boolean): HTMLElement {
  const rows = [...timeline.points].sort((a, b) => b.local_date.localeCompare(a.local_date));
  const usual = (date: string): string => {
    const point = bands.get(`pain|${date}`);
    return point ? range(point) : "no data";
  };
  return h(
    "table",
    { class: "data" },
    h("caption", {}, withUsual ? "Check-ins, newest first, with the usual pain range that day" : "Check-ins, newest first"),
    h(
      "thead",
      {},
      h(
        "tr",
        {},
        h("th", { scope: "col" }, "Date"),
        ...SYMPTOMS.map((s) => h("th", { scope: "col" }, LABELS[s])),
        withUsual ? h("th", { scope: "col" }, "Pain: usual range") : null,
      ),
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
          withUsual ? h("td", {}, usual(point.local_date)) : null,
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
  const lines: Dataset[] = shaped.series.map((series, index) => ({
    label: series.label,
    data: series.points,
    yAxisID: series.axis === "pain" ? "pain" : "grade",
    borderColor: COLOURS[index],
    backgroundColor: COLOURS[index],
    borderWidth: series.axis === "pain" ? 3 : 2,
    pointRadius: 2,
    tension: 0.25,
  }));
  const bands = bandByDate(shaped.bands);
  const datasets = [...lines, ...shaped.bands.flatMap((band, index) => bandDatasets(band, index === 0))];
  // Legend and tooltip bookkeeping by dataset index: which symptom, and which are band edges.
  const symptomOf: Symptom[] = [
    ...shaped.series.map((series) => series.symptom),
    ...shaped.bands.flatMap((band) => [band.symptom, band.symptom]),
  ];
  const isBand = (index: number): boolean => index >= lines.length;
  const isLowerEdge = (index: number): boolean => isBand(index) && (index - lines.length) % 2 === 0;
  const bandPoints = shaped.bands.reduce((total, band) => total + band.segments.flat().length, 0);
  const chart = new Chart(canvas, {
    type: "line",
    data: { datasets },
    options: {
      responsive: true,
      maintainAspectRatio: false,
      animation: false,
      parsing: false,
      interaction: { mode: "checkin", intersect: false },
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
        legend: {
          // Hiding the band from the legend is choosing "none" in the select.
          onClick(event, item, legend) {
            if (isBand(item.datasetIndex ?? 0)) showBand("");
            else Chart.defaults.plugins.legend.onClick.call(this, event, item, legend);
          },
          labels: {
            filter: (item) => !isLowerEdge(item.datasetIndex ?? 0) && !(isBand(item.datasetIndex ?? 0) && item.hidden),
            // Each band right after its symptom's line.
            sort: (a, b) => {
              const key = (index: number): number => SYMPTOMS.indexOf(symptomOf[index]) * 2 + (isBand(index) ? 1 : 0);
              return key(a.datasetIndex ?? 0) - key(b.datasetIndex ?? 0);
            },
          },
        },
        tooltip: {
          callbacks: {
            title: (items) => {
              const raw = items[0]?.raw as { date?: string } | undefined;
              return raw?.date ? formatDate(raw.date) : "";
            },
            label: (item) => {
              const raw = item.raw as Datum;
              const symptom = symptomOf[item.datasetIndex];
              const usual = raw.date ? bands.get(`${symptom}|${raw.date}`) : undefined;
              return `${item.dataset.label}: ${raw.y}` + (usual ? ` (usually ${range(usual)})` : "");
            },
          },
        },
      },
    },
    plugins: [markers(shaped)],
  });
  const first = shaped.bands[0]?.symptom ?? "";
  const picker = h(
    "select",
    { onchange: (event: Event) => showBand((event.target as HTMLSelectElement).value as Symptom | "") },
    ...shaped.bands.map((band) => h("option", { value: band.symptom }, LABELS[band.symptom])),
    h("option", { value: "" }, "None"),
  );
  const section = h(
    "section",
    // How many band points the chart carries (all symptoms) and whose band is shown.
    { class: "chart", "data-band-points": bandPoints, "data-band-symptom": first },
    h("div", { class: "chart-box" }, canvas),
    shaped.bands.length > 0
      ? h(
          "div",
          { class: "band-key" },
          h("label", {}, "Usual range for ", picker),
          h(
            "p",
            { class: "hint" },
            "Shaded: the middle half of the scores the clinic's other patients logged on the same day " +
              "after their session.",
          ),
        )
      : null,
    h("details", {}, h("summary", {}, "Show the numbers as a table"), table(timeline, bands, first === "pain")),
  );

  function showBand(symptom: Symptom | ""): void {
    datasets.forEach((_, index) => {
      if (isBand(index) && !isLowerEdge(index)) chart.setDatasetVisibility(index, symptomOf[index] === symptom);
    });
    chart.update();
    picker.value = symptom;
    section.dataset.bandSymptom = symptom;
  }
  return section;
}
