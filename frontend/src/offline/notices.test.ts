import "fake-indexeddb/auto";
import { describe, expect, it } from "vitest";
import { NoticeBoard, reason, refusedCheckin, refusedReport } from "./notices";

describe("notice words", () => {
  it("turn the server's detail into a clause", () => {
    expect(reason("note: must not contain control characters.", "note")).toBe("must not contain control characters");
    expect(reason("local_date: is before 2026-03-02.", "local_date")).toBe("it is before Mon, 2 Mar 2026");
    expect(reason("No treatment session has been recorded for you yet", null)).toBe(
      "No treatment session has been recorded for you yet",
    );
  });

  it("say which day was not saved, and what became of its warning signs", () => {
    const why = "no treatment session has been recorded for you yet";
    expect(refusedCheckin("2026-03-10", why, "none")).toEqual({
      id: "checkin:2026-03-10",
      message: "Your check-in for Tue, 10 Mar 2026 could not be saved: no treatment session has been recorded for you yet.",
    });
    expect(refusedCheckin("2026-03-10", why, "sent").message).toMatch(/saved: .+\. Your warning signs were sent to the clinic\.$/);
    expect(refusedCheckin("2026-03-10", why, "not_sent").message).toMatch(/please call the clinic and tell them\.$/);
  });

  it("tell the patient to call the clinic when a warning-sign report is refused", () => {
    const notice = refusedReport("2026-03-10T19:00:00.000Z", "is too far in the future");
    expect(notice.id).toBe("report:2026-03-10T19:00:00.000Z");
    expect(notice.message).toMatch(/^Your warning-sign report of .+ could not be sent: is too far in the future\. Please call the clinic/);
  });
});

describe("NoticeBoard", () => {
  it("keeps each owner's notices apart until they are dismissed", async () => {
    const board = new NoticeBoard("notices-test");
    const first = refusedCheckin("2026-03-10", "a reason", "none");
    const second = refusedCheckin("2026-03-11", "another reason", "none");
    await board.add("ann-id", first);
    await board.add("ann-id", second);
    await board.add("ben-id", refusedCheckin("2026-03-10", "Ben's reason", "none"));
    expect(await board.all("ann-id")).toEqual([first, second]);
    await board.dismiss("ann-id", [first.id, second.id]);
    expect(await board.all("ann-id")).toEqual([]);
    expect((await board.all("ben-id")).map((notice) => notice.message)).toEqual([
      "Your check-in for Tue, 10 Mar 2026 could not be saved: Ben's reason.",
    ]);
  });
});
