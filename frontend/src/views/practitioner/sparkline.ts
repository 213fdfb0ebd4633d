// The list's small pain trend: 14 days as an inline SVG line (no chart library), with the
// same numbers in words for assistive technology ("Pain, last 14 days: 6, 7, 8; rising").
import { symptomName } from "../../words";

const SVG = "http://www.w3.org/2000/svg";
export const SPARK_WIDTH = 112;
export const SPARK_HEIGHT = 32;
const PAD = 3;

export type Trend = "rising" | "falling" | "steady" | null;

/** Rising or falling when the latest pain is more than 1 point off the mean of the earlier ones. */
export function trendOf(pains: readonly (number | null)[]): Trend {
  const values = pains.filter((pain): pain is number => pain !== null);
  if (values.length < 2) return null;
  const last = values[values.length - 1];
  const earlier = values.slice(0, -1);
  const mean = earlier.reduce((sum, value) => sum + value, 0) / earlier.length;
  if (last - mean > 1) return "rising";
  if (mean - last > 1) return "falling";
  return "steady";
}

/** The text alternative: every recorded pain, oldest first, and the trend. */
export function trendWords(pains: readonly (number | null)[]): string {
  const values = pains.filter((pain): pain is number => pain !== null);
  const pain = symptomName("pain");
  if (values.length === 0) return `${pain}, last ${pains.length} days: no check-ins`;
  const trend = trendOf(pains);
  return `${pain}, last ${pains.length} days: ${values.join(", ")}${trend ? `; ${trend}` : ""}`;
}

/** x, y of each recorded day (0-10 pain on a fixed scale), runs split where a day is missing. */
export function sparkRuns(pains: readonly (number | null)[]): [number, number][][] {
  const step = pains.length > 1 ? (SPARK_WIDTH - 2 * PAD) / (pains.length - 1) : 0;
  const runs: [number, number][][] = [];
  let run: [number, number][] = [];
  pains.forEach((pain, index) => {
    if (pain === null) {
      if (run.length) runs.push(run);
      run = [];
      return;
    }
    const x = PAD + index * step;
    const y = PAD + ((10 - pain) / 10) * (SPARK_HEIGHT - 2 * PAD);
    run.push([Math.round(x * 10) / 10, Math.round(y * 10) / 10]);
  });
  if (run.length) runs.push(run);
  return runs;
}

function svg<K extends keyof SVGElementTagNameMap>(tag: K, attrs: Record<string, string | number>): SVGElementTagNameMap[K] {
  const element = document.createElementNS(SVG, tag);
  for (const [name, value] of Object.entries(attrs)) element.setAttribute(name, String(value));
  return element;
}

/** The sparkline: one image with its words; a line per run of consecutive days, a dot per day. */
export function sparkline(pains: readonly (number | null)[]): SVGSVGElement {
  const image = svg("svg", {
    class: "spark",
    viewBox: `0 0 ${SPARK_WIDTH} ${SPARK_HEIGHT}`,
    width: SPARK_WIDTH,
    height: SPARK_HEIGHT,
    role: "img",
    "aria-label": trendWords(pains),
  });
  // A faint line at pain 7 (the clinic is told from there).
  const seven = PAD + (3 / 10) * (SPARK_HEIGHT - 2 * PAD);
  image.append(svg("line", { class: "spark-mark", x1: 0, x2: SPARK_WIDTH, y1: seven, y2: seven }));
  const runs = sparkRuns(pains);
  for (const run of runs) {
    if (run.length > 1) image.append(svg("polyline", { class: "spark-line", points: run.map((p) => p.join(",")).join(" ") }));
  }
  const points = runs.flat();
  points.forEach(([x, y], index) =>
    image.append(svg("circle", { class: index === points.length - 1 ? "spark-last" : "spark-dot", cx: x, cy: y, r: index === points.length - 1 ? 2.6 : 1.6 })),
  );
  return image;
}
