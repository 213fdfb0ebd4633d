// #/outcomes: "What works best in this clinic". One block per sclerosant and concentration;
// a row for all areas, then one per area group. Each row: sessions, assessed, the clearance
// grades as a stacked bar (with the same counts in words for screen readers), the patients'
// median impression of change in words, and how often each finding was seen. Rows with too
// few assessed sessions show no figures (a share of 2 says nothing, and could name someone).
import { api } from "../../api";
import { h } from "../../dom";
import type { Schemas } from "../../types";
import { sclerosantLabel } from "../../words";
import { loadOr, screen } from "./common";
import { CLEARANCE_ORDER, FINDING_ORDER, type ResultWords, resultWords, say } from "./result-words";
import "./results.css";

type Cell = Schemas["OutcomeCell"];
type Report = Schemas["OutcomesReport"];

const TITLE = "Outcomes";
const AREA_GROUP_ORDER = ["all", "legs", "face", "other"];

/** One block of the report: a sclerosant at one concentration, its rows in a fixed order. */
export interface Block {
  title: string;
  cells: Cell[];
}

export function blocks(cells: Cell[]): Block[] {
  const byKey = new Map<string, Block>();
  for (const cell of cells) {
    const title = `${sclerosantLabel(cell.sclerosant)} ${cell.concentration_pct}%`;
    const key = `${cell.sclerosant}|${cell.concentration_pct}`;
    const block = byKey.get(key) ?? { title, cells: [] };
    block.cells.push(cell);
    byKey.set(key, block);
  }
  for (const block of byKey.values()) {
    block.cells.sort((a, b) => AREA_GROUP_ORDER.indexOf(a.area_group) - AREA_GROUP_ORDER.indexOf(b.area_group));
  }
  return [...byKey.values()];
}

export function areaGroupWords(group: string, words: ResultWords): string {
  return group === "all" ? "All areas" : say(words.area_groups, group);
}

export function percent(share: number): string {
  return `${Math.round(share * 100)}%`;
}

/** The grades worst to best with their counts and shares of all graded (0 when none). */
export function clearanceShares(counts: Record<string, number>): { code: string; count: number; share: number }[] {
  const total = CLEARANCE_ORDER.reduce((sum, code) => sum + (counts[code] ?? 0), 0);
  return CLEARANCE_ORDER.map((code) => {
    const count = counts[code] ?? 0;
    return { code, count, share: total === 0 ? 0 : count / total };
  });
}

/** The bar in words, best grade first: "Over 75% cleared: 4 of 6; 51-75% cleared: 2 of 6". */
export function clearanceText(counts: Record<string, number>, words: ResultWords): string {
  const shares = clearanceShares(counts);
  const total = shares.reduce((sum, part) => sum + part.count, 0);
  const seen = shares.filter((part) => part.count > 0).reverse();
  if (seen.length === 0) return "No grades";
  return seen.map((part) => `${say(words.clearance, part.code)}: ${part.count} of ${total}`).join("; ");
}

/** A median of 1-7 in the scale's words; a half point names the two answers it lies between. */
export function medianPgicWords(median: number | null, words: ResultWords): string {
  if (median === null) return "No ratings yet";
  if (Number.isInteger(median)) return say(words.pgic, median);
  return `Between ${say(words.pgic, Math.floor(median)).toLowerCase()} and ${say(words.pgic, Math.ceil(median)).toLowerCase()}`;
}

export function tooFewWords(cell: Cell, needed: number): string {
  return `Too few assessed (${cell.assessed} of ${needed} needed)`;
}

function clearanceBar(counts: Record<string, number>, words: ResultWords): HTMLElement {
  return h(
    "div",
    { class: "clearance" },
    h(
      "div",
      { class: "clearance-bar", "aria-hidden": "true" },
      ...clearanceShares(counts)
        .filter((part) => part.count > 0)
        .map((part) => {
          const segment = h("span", { class: `grade-${part.code}` });
          // Through the CSSOM: the app's CSP (style-src 'self') refuses style attributes.
          segment.style.width = `${part.share * 100}%`;
          return segment;
        }),
    ),
    h("span", { class: "clearance-words" }, clearanceText(counts, words)),
  );
}

function legend(words: ResultWords): HTMLElement {
  return h(
    "ul",
    { class: "clearance-legend", "aria-label": "Clearance colours" },
    ...[...CLEARANCE_ORDER].reverse().map((code) => h("li", {}, h("span", { class: `swatch grade-${code}`, "aria-hidden": "true" }), say(words.clearance, code))),
  );
}

function cell(label: string, ...content: (Node | string)[]): HTMLElement {
  return h("td", { role: "cell", "data-label": label }, ...content);
}

function row(one: Cell, needed: number, words: ResultWords): HTMLElement {
  const head = [
    h("th", { scope: "row", role: "rowheader", class: "nowrap" }, areaGroupWords(one.area_group, words)),
    cell("Sessions", String(one.sessions)),
    cell("Assessed", String(one.assessed)),
  ];
  if (one.too_few || one.clearance === null || one.rates === null) {
    return h("tr", { role: "row", class: "too-few" }, ...head, h("td", { role: "cell", colspan: 3 + FINDING_ORDER.length, class: "wide-cell" }, tooFewWords(one, needed)));
  }
  const rates = one.rates;
  return h(
    "tr",
    { role: "row" },
    ...head,
    h("td", { role: "cell", "data-label": "Clearance", class: "wide-cell" }, clearanceBar(one.clearance, words)),
    one.rated === 0
      ? cell("Patients' impression (median)", medianPgicWords(null, words))
      : cell("Patients' impression (median)", medianPgicWords(one.median_pgic, words), h("span", { class: "sub" }, `${one.rated} rated`)),
    ...FINDING_ORDER.map((finding) => cell(say(words.findings, finding), percent(rates[finding] ?? 0))),
  );
}

function blockSection(block: Block, index: number, needed: number, words: ResultWords): HTMLElement {
  const headingId = `outcomes-block-${index}`;
  return h(
    "section",
    { class: "outcome-block", "aria-labelledby": headingId },
    h("h2", { id: headingId }, block.title),
    h(
      "table",
      { class: "data cards outcomes-table", role: "table", "aria-labelledby": headingId },
      h(
        "thead",
        { role: "rowgroup" },
        h(
          "tr",
          { role: "row" },
          ...["Areas", "Sessions", "Assessed", "Clearance", "Patients' impression (median)", ...FINDING_ORDER.map((finding) => say(words.findings, finding))].map((name) =>
            h("th", { scope: "col", role: "columnheader" }, name),
          ),
        ),
      ),
      h("tbody", { role: "rowgroup" }, ...block.cells.map((one) => row(one, needed, words))),
    ),
  );
}

export async function outcomesView(): Promise<HTMLElement> {
  const loaded = await loadOr(TITLE, () => Promise.all([api<Report>("GET", "/api/reports/outcomes"), resultWords()]));
  if (loaded instanceof HTMLElement) return loaded;
  const [report, words] = loaded;
  const all = blocks(report.cells);
  return screen(
    TITLE,
    h("p", { class: "subtitle" }, "What works best in this clinic: review outcomes by sclerosant and concentration."),
    // A plain link: the session cookie goes with it, and the server names the file.
    h("p", { class: "actions" }, h("a", { href: "/api/reports/outcomes.csv", download: true }, "Download CSV")),
    all.length === 0
      ? h("p", { class: "none" }, "No sessions recorded yet. Once sessions are recorded and reviewed, their results are compared here.")
      : h(
          "div",
          {},
          h(
            "p",
            { class: "hint" },
            `Findings are the share of assessed sessions where each was seen. Rows with fewer than ${report.min_assessed} assessed sessions show no figures.`,
          ),
          legend(words),
          ...all.map((block, index) => blockSection(block, index, report.min_assessed, words)),
        ),
  );
}
