import { describe, expect, it } from "vitest";
import { Pager, type PagerView } from "./pager";

interface Page {
  items: string[];
  next_cursor: string | null;
}

/** A request the test answers (or fails) when it chooses, in any order. */
interface Pending {
  query: string;
  cursor: string | null;
  answer(page: Page): Promise<void>;
  fail(error: unknown): Promise<void>;
}

/** Lets the pager's own continuations run after an answer (a few microtask turns). */
const settle = async (): Promise<void> => {
  for (let turn = 0; turn < 5; turn += 1) await Promise.resolve();
};

function setUp(first: Page = { items: ["a1"], next_cursor: "c1" }) {
  const requests: Pending[] = [];
  const shown: { items: string[]; replace: boolean }[] = [];
  const failures: { error: unknown; replace: boolean }[] = [];
  const fetchPage = (query: string, cursor: string | null): Promise<Page> =>
    new Promise<Page>((resolve, reject) => {
      requests.push({
        query,
        cursor,
        answer: async (page) => (resolve(page), settle()),
        fail: async (error) => (reject(error), settle()),
      });
    });
  const view: PagerView<Page> = {
    show: (page, replace) => shown.push({ items: page.items, replace }),
    failed: (error, replace) => failures.push({ error, replace }),
  };
  const pager = new Pager<string, Page>(fetchPage, view, "all", first);
  return { pager, requests, shown, failures };
}

describe("Pager.more", () => {
  it("asks for the next page once, however many triggers fire together, and appends it", async () => {
    const { pager, requests, shown } = setUp();
    void pager.more();
    void pager.more(); // the button, while the scroll sentinel's request is on its way
    expect(requests.map((r) => [r.query, r.cursor])).toEqual([["all", "c1"]]);
    await requests[0].answer({ items: ["a2"], next_cursor: "c2" });
    expect(shown).toEqual([{ items: ["a2"], replace: false }]);
    void pager.more();
    expect(requests.map((r) => r.cursor)).toEqual(["c1", "c2"]);
  });

  it("stops at the last page", async () => {
    const { pager, requests } = setUp();
    void pager.more();
    await requests[0].answer({ items: ["a2"], next_cursor: null });
    expect(pager.hasMore).toBe(false);
    await pager.more();
    expect(requests).toHaveLength(1);
  });

  it("does nothing when the first page was the only one", async () => {
    const { pager, requests } = setUp({ items: ["a1"], next_cursor: null });
    expect(pager.hasMore).toBe(false);
    await pager.more();
    expect(requests).toHaveLength(0);
  });

  it("reports a failed page and asks for the same cursor again next time", async () => {
    const { pager, requests, shown, failures } = setUp();
    void pager.more();
    const offline = new Error("offline");
    await requests[0].fail(offline);
    expect(failures).toEqual([{ error: offline, replace: false }]);
    expect(pager.hasMore).toBe(true);
    void pager.more();
    expect(requests.map((r) => r.cursor)).toEqual(["c1", "c1"]);
    await requests[1].answer({ items: ["a2"], next_cursor: null });
    expect(shown).toEqual([{ items: ["a2"], replace: false }]);
  });
});

describe("Pager.search", () => {
  it("replaces the list with the new query's first page", async () => {
    const { pager, requests, shown } = setUp();
    void pager.search("attention");
    expect(requests.map((r) => [r.query, r.cursor])).toEqual([["attention", null]]);
    await requests[0].answer({ items: ["b1"], next_cursor: "d1" });
    expect(shown).toEqual([{ items: ["b1"], replace: true }]);
    void pager.more();
    expect(requests.map((r) => [r.query, r.cursor])).toEqual([
      ["attention", null],
      ["attention", "d1"],
    ]);
  });

  it("drops an older query's answer that arrives after a newer one's", async () => {
    const { pager, requests, shown, failures } = setUp();
    void pager.search("g");
    void pager.search("gr");
    void pager.search("gra");
    await requests[2].answer({ items: ["Grace"], next_cursor: null });
    await requests[0].answer({ items: ["Gail", "Grace", "Greg"], next_cursor: "x" });
    await requests[1].fail(new Error("late and failed"));
    expect(shown).toEqual([{ items: ["Grace"], replace: true }]);
    expect(failures).toEqual([]);
    expect(pager.hasMore).toBe(false);
    expect(pager.current).toBe("gra");
  });

  it("drops a next page of the previous query, and lets the new query page at once", async () => {
    const { pager, requests, shown } = setUp();
    void pager.more();
    void pager.search("review_due");
    // No next page of the new query until its first page names one.
    await pager.more();
    expect(requests).toHaveLength(2);
    await requests[1].answer({ items: ["r1"], next_cursor: "r-next" });
    await requests[0].answer({ items: ["a2"], next_cursor: "c2" });
    expect(shown).toEqual([{ items: ["r1"], replace: true }]);
    void pager.more();
    expect(requests.map((r) => [r.query, r.cursor])).toEqual([
      ["all", "c1"],
      ["review_due", null],
      ["review_due", "r-next"],
    ]);
  });

  it("reports a failed first page, and reload asks for it again", async () => {
    const { pager, requests, shown, failures } = setUp();
    void pager.search("attention");
    const refused = new Error("503");
    await requests[0].fail(refused);
    expect(failures).toEqual([{ error: refused, replace: true }]);
    expect(pager.hasMore).toBe(false);
    void pager.reload();
    expect(requests.map((r) => [r.query, r.cursor])).toEqual([
      ["attention", null],
      ["attention", null],
    ]);
    await requests[1].answer({ items: ["b1"], next_cursor: null });
    expect(shown).toEqual([{ items: ["b1"], replace: true }]);
  });
});

describe("Pager.searching", () => {
  it("is true while the newest query's first page is on its way", async () => {
    const { pager, requests } = setUp();
    expect(pager.searching).toBe(false);
    void pager.search("a");
    void pager.search("ab");
    expect(pager.searching).toBe(true);
    await requests[0].answer({ items: [], next_cursor: null }); // stale: still waiting
    expect(pager.searching).toBe(true);
    await requests[1].fail(new Error("offline"));
    expect(pager.searching).toBe(false);
  });
});
