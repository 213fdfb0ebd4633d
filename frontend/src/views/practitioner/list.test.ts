import { describe, expect, it } from "vitest";
import { emptyWords, listStatus, pageUrl, type ListQuery } from "./list";
import type { PatientPage } from "./model";
import { Pager } from "./pager";
import { attentionFixture, summaryFixture } from "./summary-fixture";

const counts = { all: 812, attention: 120, review_due: 12 };

describe("pageUrl", () => {
  it("asks for a first page by filter, with the search only when there is one", () => {
    expect(pageUrl({ filter: "all", q: "" }, null)).toBe("/api/patients?filter=all&limit=50");
    expect(pageUrl({ filter: "review_due", q: "O'Neil & co" }, null)).toBe(
      "/api/patients?filter=review_due&limit=50&q=O%27Neil+%26+co",
    );
  });

  it("carries the cursor for a next page", () => {
    expect(pageUrl({ filter: "attention", q: "ann" }, "a2V5+/=")).toBe(
      "/api/patients?filter=attention&limit=50&q=ann&cursor=a2V5%2B%2F%3D",
    );
  });
});

describe("listStatus", () => {
  it("counts the clinic, and says when only the first rows are shown", () => {
    expect(listStatus({ filter: "all", q: "" }, 12, false, { all: 12, attention: 3, review_due: 1 })).toBe(
      "12 patients, 3 needing attention.",
    );
    expect(listStatus({ filter: "all", q: "" }, 50, true, counts)).toBe(
      "Showing the first 50 of 812 patients, 120 needing attention.",
    );
  });

  it("names the filter, counted against the clinic once every row is in", () => {
    expect(listStatus({ filter: "attention", q: "" }, 3, false, { all: 12, attention: 3, review_due: 1 })).toBe(
      "Showing 3 of 12 patients: needs attention.",
    );
    expect(listStatus({ filter: "attention", q: "" }, 50, true, counts)).toBe(
      "Showing the first 50 of 120 patients: needs attention.",
    );
    expect(listStatus({ filter: "review_due", q: "" }, 1, false, { all: 1, attention: 0, review_due: 1 })).toBe(
      "Showing 1 of 1 patient: review due.",
    );
  });

  it("does not guess how many match a search before the last page", () => {
    expect(listStatus({ filter: "all", q: "grace" }, 1, false, counts)).toBe("Showing 1 of 812 patients.");
    expect(listStatus({ filter: "all", q: "a" }, 50, true, counts)).toBe("Showing the first 50 patients that match.");
    expect(listStatus({ filter: "attention", q: "a" }, 100, true, counts)).toBe(
      "Showing the first 100 patients that match: needs attention.",
    );
  });
});

describe("emptyWords", () => {
  it("says why the list is empty: the search first, then the filter", () => {
    expect(emptyWords({ filter: "attention", q: "zed" })).toBe("No patient matches that search.");
    expect(emptyWords({ filter: "review_due", q: "" })).toBe("No reviews are due.");
    expect(emptyWords({ filter: "attention", q: "" })).toBe("Nobody needs attention right now.");
    expect(emptyWords({ filter: "all", q: "" })).toMatch(/^No patients yet\. Add your first patient/);
  });
});

describe("the list's pages", () => {
  it("asks the server page by page and keeps its order (who needs attention first)", async () => {
    const urgent = summaryFixture("Zed", {
      open_alerts: 1,
      alert_severity: "urgent",
      attention: attentionFixture({ alert_rank: 2, needs_attention: true, status: { tone: "urgent", text: "Urgent alert", more: [] } }),
    });
    const pages: Record<string, PatientPage> = {
      "/api/patients?filter=attention&limit=50": { items: [urgent], next_cursor: "k1", counts },
      "/api/patients?filter=attention&limit=50&cursor=k1": { items: [summaryFixture("Ann")], next_cursor: null, counts: null },
    };
    const asked: string[] = [];
    const shown: string[] = [];
    const pager = new Pager<ListQuery, PatientPage>(
      async (query, cursor) => {
        asked.push(pageUrl(query, cursor));
        return pages[pageUrl(query, cursor)];
      },
      {
        show: (page) => shown.push(...page.items.map((patient) => patient.name)),
        failed: (error) => {
          throw error;
        },
      },
      { filter: "all", q: "" },
      { items: [], next_cursor: null, counts },
    );
    await pager.search({ filter: "attention", q: "" });
    await pager.more();
    await pager.more();
    expect(asked).toEqual(Object.keys(pages));
    expect(shown).toEqual(["Zed", "Ann"]);
  });
});
