// #/patients: the clinic's patients, those who need attention first, a page at a time. The
// server filters (all / needs attention / review due), searches (name or email) and orders
// the list (GET /api/patients): rows are shown in the order they come, never re-sorted
// here. More rows come as the practitioner scrolls to the end of the list, or presses
// "Show more patients" (the only way where IntersectionObserver is missing).
import { api } from "../../api";
import { h } from "../../dom";
import { describeFailure, loadOr, localToday, screen } from "./common";
import { patientRow, patientTable } from "./list-rows";
import type { ListFilter, PatientPage } from "./model";
import { Pager } from "./pager";
import { plural } from "./text";

type ListCounts = NonNullable<PatientPage["counts"]>;

const TITLE = "Patients";
/** Rows per request (the API's default): a desktop screen several times over. */
export const PAGE_SIZE = 50;
/** How long the search box waits for typing to pause before it asks the server. */
const SEARCH_DELAY_MS = 250;
/** How far below the screen the next page is asked for, so it is usually there in time. */
const AHEAD = "0px 0px 400px 0px";
const SHOW_MORE = "Show more patients";
const NO_PATIENTS = "No patients yet. Add your first patient to send them an invitation.";

const FILTERS: [ListFilter, string][] = [
  ["all", "All"],
  ["attention", "Needs attention"],
  ["review_due", "Review due"],
];

/** What the list shows: a filter and the search box's text (trimmed; "" for none). */
export interface ListQuery {
  filter: ListFilter;
  q: string;
}

/** The request for a page: the first of `query` (cursor null) or the one `cursor` names. */
export function pageUrl(query: ListQuery, cursor: string | null): string {
  const params = new URLSearchParams({ filter: query.filter, limit: String(PAGE_SIZE) });
  if (query.q !== "") params.set("q", query.q);
  if (cursor !== null) params.set("cursor", cursor);
  return `/api/patients?${params}`;
}

/**
 * The line above the list: how many patients, and how many of them are shown. `counts` are
 * the whole clinic's (the server counts them whatever the search), so with a search and
 * pages still to come, how many match is not known yet and is not guessed.
 */
export function listStatus(query: ListQuery, shown: number, more: boolean, counts: ListCounts): string {
  const label = FILTERS.find(([name]) => name === query.filter)?.[1].toLowerCase() ?? "";
  const which = query.filter === "all" ? "" : `: ${label}`;
  if (query.q !== "") {
    return more
      ? `Showing the first ${plural(shown, "patient")} that match${which}.`
      : `Showing ${shown} of ${plural(counts.all, "patient")}${which}.`;
  }
  if (query.filter === "all") {
    const everyone = `${plural(counts.all, "patient")}, ${counts.attention} needing attention.`;
    return more ? `Showing the first ${shown} of ${everyone}` : everyone;
  }
  return more
    ? `Showing the first ${shown} of ${plural(counts[query.filter], "patient")}${which}.`
    : `Showing ${shown} of ${plural(counts.all, "patient")}${which}.`;
}

/** What an empty list says instead. */
export function emptyWords(query: ListQuery): string {
  if (query.q !== "") return "No patient matches that search.";
  if (query.filter === "review_due") return "No reviews are due.";
  if (query.filter === "attention") return "Nobody needs attention right now.";
  return NO_PATIENTS;
}

const fetchPage = (query: ListQuery, cursor: string | null): Promise<PatientPage> =>
  api<PatientPage>("GET", pageUrl(query, cursor));

const same = (a: ListQuery, b: ListQuery): boolean => a.filter === b.filter && a.q === b.q;

function filterChoice(name: ListFilter, label: string, count: HTMLElement, checked: boolean): HTMLElement {
  return h("label", { class: "option" }, h("input", { type: "radio", name: "show", value: name, checked }), `${label} `, count);
}

export async function patientsView(): Promise<HTMLElement> {
  const start: ListQuery = { filter: "all", q: "" };
  const loaded = await loadOr(TITLE, () => fetchPage(start, null));
  if (loaded instanceof HTMLElement) return loaded;

  const actions = h("p", { class: "actions" }, h("a", { class: "button-link", href: "#/patients/new" }, "Add patient"));
  // A first page (no cursor sent) always has the counts; the fallback only keeps types honest.
  let counts: ListCounts = loaded.counts ?? { all: loaded.items.length, attention: 0, review_due: 0 };
  if (counts.all === 0) return screen(TITLE, actions, h("p", {}, NO_PATIENTS));

  const today = localToday();
  const countOf = new Map(FILTERS.map(([name]) => [name, h("span", { class: "count" })]));
  const filters = h(
    "fieldset",
    { class: "filters" },
    h("legend", {}, "Show"),
    h(
      "div",
      { class: "options" },
      ...FILTERS.map(([name, label]) => filterChoice(name, label, countOf.get(name) as HTMLElement, name === start.filter)),
    ),
  );
  const search = h("input", {
    id: "patient-search",
    type: "search",
    name: "q",
    autocomplete: "off",
    spellcheck: "false",
    "aria-controls": "patient-table",
  });
  const status = h("p", { class: "hint list-status", role: "status" });
  const none = h("p", { class: "none", hidden: true });
  const table = patientTable();
  const body = table.tBodies[0];
  // Why a page did not load, next to the button that tries again. In the accessibility
  // tree from the start: a live region must be there before its message is.
  const problem = h("p", { class: "load-error", role: "alert" });
  const button = h("button", { type: "button", class: "secondary" }, SHOW_MORE);
  // Also the scroll sentinel: the next page is asked for when this comes into view.
  const more = h("div", { class: "list-more" }, problem, button);
  /** What the button does instead of the next page, after a failure. */
  let retry: (() => Promise<void>) | null = null;

  const failed = (error: unknown, replace: boolean): void => {
    table.removeAttribute("aria-busy");
    if (replace) {
      // The rows shown belong to the previous filter or search: not an answer to this one.
      body.replaceChildren();
      table.hidden = true;
      none.hidden = true;
      status.textContent = "";
    }
    problem.textContent = `Couldn't load ${replace ? "the patients" : "more patients"}: ${describeFailure(error)}`;
    button.textContent = "Try again";
    more.hidden = false;
    retry = replace ? () => pager.reload() : () => pager.more();
  };

  const show = (page: PatientPage, replace: boolean): void => {
    counts = page.counts ?? counts;
    // Pressed on the last page, the button goes: its focus moves to the first row it added.
    const fromButton = !replace && document.activeElement === button;
    const rows = page.items.map((patient) => patientRow(patient, today));
    if (replace) body.replaceChildren(...rows);
    else body.append(...rows);
    table.removeAttribute("aria-busy");
    retry = null;
    problem.textContent = "";
    button.textContent = SHOW_MORE;
    const shown = body.rows.length;
    table.hidden = shown === 0;
    none.hidden = shown > 0;
    none.textContent = emptyWords(pager.current);
    for (const [name, count] of countOf) count.textContent = `(${counts[name]})`;
    status.textContent = listStatus(pager.current, shown, pager.hasMore, counts);
    more.hidden = !pager.hasMore;
    if (fromButton) rows[0]?.querySelector("a")?.focus();
    watch();
  };

  const pager = new Pager(fetchPage, { show, failed }, start, loaded);

  let watch = (): void => undefined;
  if ("IntersectionObserver" in window) {
    let attached = false;
    const observer = new IntersectionObserver(
      (entries) => {
        if (more.isConnected) attached = true;
        else if (attached) return observer.disconnect(); // the practitioner has moved on
        if (entries.some((entry) => entry.isIntersecting) && retry === null) void pager.more();
      },
      { rootMargin: AHEAD },
    );
    // Observing afresh reports where the sentinel is now: a page that leaves it in view
    // (a short page, a tall screen) asks for the next one too.
    watch = () => {
      observer.unobserve(more);
      observer.observe(more);
    };
  }
  button.addEventListener("click", () => void (retry ? retry() : pager.more()));

  let typing = 0;
  const run = (): void => {
    window.clearTimeout(typing);
    const query: ListQuery = {
      filter: (filters.querySelector<HTMLInputElement>("input:checked")?.value ?? "all") as ListFilter,
      q: search.value.trim(),
    };
    if (retry === null && same(query, pager.current)) {
      // Nothing new to ask (a space typed, or typed and taken back before the pause).
      if (!pager.searching) table.removeAttribute("aria-busy");
      return;
    }
    table.setAttribute("aria-busy", "true");
    void pager.search(query);
  };
  search.addEventListener("input", () => {
    // The rows are about to change: say so while typing pauses.
    table.setAttribute("aria-busy", "true");
    window.clearTimeout(typing);
    typing = window.setTimeout(run, SEARCH_DELAY_MS);
  });
  filters.addEventListener("change", run);
  show(loaded, true);

  return screen(
    TITLE,
    h(
      "div",
      { class: "list-tools" },
      filters,
      h("div", { class: "field search" }, h("label", { for: search.id }, "Search by name or email"), search),
      actions,
    ),
    status,
    none,
    table,
    more,
  );
}
