// Paging a list the server filters and orders (GET /api/patients): a new query's first page
// replaces what is shown, the next pages are appended. Free of the DOM, so the two races
// that matter are unit-tested: an answer to an older query that arrives after a newer one's
// (typing fast in the search box) is dropped, and the next page is asked for once however
// many triggers fire together (the scroll sentinel and the button).

/** What a page must say: the cursor of the next page, null on the last. */
export interface Paged {
  next_cursor: string | null;
}

/** One request: the first page of `query` (cursor null) or the page `cursor` names. */
export type FetchPage<Q, P> = (query: Q, cursor: string | null) => Promise<P>;

export interface PagerView<P> {
  /** A page to show: a new query's first (`replace`), or the next page of the same query. */
  show(page: P, replace: boolean): void;
  /** A page did not load. `replace`: it was a new query's first page (`reload` tries again);
   * otherwise a next page (`more` tries the same cursor again). */
  failed(error: unknown, replace: boolean): void;
}

export class Pager<Q, P extends Paged> {
  private cursor: string | null;
  /** Bumped by every new query: an answer that carries an older number is stale. */
  private generation = 0;
  private loadingMore = false;
  private loadingFirst = false;

  /** `first`: the first page of `query`, already shown by the caller. */
  constructor(
    private readonly fetchPage: FetchPage<Q, P>,
    private readonly view: PagerView<P>,
    private query: Q,
    first: P,
  ) {
    this.cursor = first.next_cursor;
  }

  /** Whether the query has pages not asked for yet. */
  get hasMore(): boolean {
    return this.cursor !== null;
  }

  /** Whether a new query's first page is on its way. */
  get searching(): boolean {
    return this.loadingFirst;
  }

  /** The query whose pages are (or are about to be) shown. */
  get current(): Q {
    return this.query;
  }

  /** Shows `query` from its first page; any answer still due for an earlier query is dropped. */
  async search(query: Q): Promise<void> {
    const mine = ++this.generation;
    this.query = query;
    // No next page until the first one says so, and the old query's next page is not awaited.
    this.cursor = null;
    this.loadingMore = false;
    this.loadingFirst = true;
    let page: P;
    try {
      page = await this.fetchPage(query, null);
    } catch (error) {
      if (mine !== this.generation) return;
      this.loadingFirst = false;
      this.view.failed(error, true);
      return;
    }
    if (mine !== this.generation) return;
    this.loadingFirst = false;
    this.cursor = page.next_cursor;
    this.view.show(page, true);
  }

  /** The current query again from its first page (after a failed first page). */
  reload(): Promise<void> {
    return this.search(this.query);
  }

  /** Appends the next page; nothing when there is none or it is already on its way. */
  async more(): Promise<void> {
    const cursor = this.cursor;
    if (cursor === null || this.loadingMore) return;
    const mine = this.generation;
    this.loadingMore = true;
    let page: P;
    try {
      page = await this.fetchPage(this.query, cursor);
    } catch (error) {
      if (mine !== this.generation) return;
      // The cursor stays: asking again asks for the same page.
      this.loadingMore = false;
      this.view.failed(error, false);
      return;
    }
    // A new query since: its own pages replace these (and it reset `loadingMore`).
    if (mine !== this.generation) return;
    this.loadingMore = false;
    this.cursor = page.next_cursor;
    this.view.show(page, false);
  }
}
