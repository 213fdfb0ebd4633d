import { describe, expect, it } from "vitest";
import { checkinBody } from "../test-support";
import type { CheckinBody, WarningReportBody, WarningSign } from "../types";
import type { SendOutcome } from "./queue";
import { deliveryOf, replayCheckin, reportOf, type Delivery, type ReplaySteps } from "./replay";

function body(signs: WarningSign[] = [], note: string | null = null): CheckinBody {
  return checkinBody({ pain: 4, warning_signs: signs, note, recorded_at: "2026-03-10T19:00:00.000Z" });
}

/** Steps that answer as told and record what was sent. */
function steps(put: Delivery, report: Delivery = "sent", signedOut: SendOutcome = "stop") {
  const reported: WarningReportBody[] = [];
  let puts = 0;
  const fake: ReplaySteps = {
    putCheckin: async () => {
      puts += 1;
      return put;
    },
    reportWarningSigns: async (sent) => {
      reported.push(sent);
      return report;
    },
    signedOut,
  };
  return { fake, reported, puts: () => puts };
}

describe("deliveryOf", () => {
  it("sorts answers into sent, refused for good, signed out, failed and unavailable", () => {
    expect([200, 201, 204].map(deliveryOf)).toEqual(["sent", "sent", "sent"]);
    expect([400, 403, 404, 409, 413, 422].map(deliveryOf)).toEqual(Array(6).fill("refused"));
    expect(deliveryOf(401)).toBe("signed_out");
    // This request failed on the server: worth trying again, the others still go.
    expect([500, 501, 507, 302].map(deliveryOf)).toEqual(Array(4).fill("failed"));
    // The server is not taking requests now: nothing else would get through either.
    expect([408, 429, 502, 503, 504].map(deliveryOf)).toEqual(Array(5).fill("unavailable"));
  });
});

describe("reportOf", () => {
  it("carries the check-in's signs, recorded_at and note", () => {
    expect(reportOf(body(["leg_swelling_with_pain"], "left calf"))).toEqual({
      warning_signs: ["leg_swelling_with_pain"],
      recorded_at: "2026-03-10T19:00:00.000Z",
      note: "left calf",
    });
  });

  it("is nothing without signs", () => {
    expect(reportOf(body([]))).toBeNull();
    expect(reportOf({ ...body(), warning_signs: undefined })).toBeNull();
  });
});

describe("replayCheckin", () => {
  it("is sent when the check-in is stored, without reporting anything", async () => {
    const { fake, reported } = steps("sent");
    expect(await replayCheckin(body(["leg_swelling_with_pain"]), fake)).toBe("sent");
    expect(reported).toEqual([]);
  });

  it("keeps the entry on a server error (the others go on) and stops on no answer", async () => {
    for (const [put, outcome] of [
      ["failed", "retry"],
      ["unavailable", "stop"],
    ] as const) {
      const { fake, reported } = steps(put);
      expect(await replayCheckin(body(["leg_swelling_with_pain"]), fake)).toBe(outcome);
      expect(reported).toEqual([]);
    }
  });

  it("refuses a check-in the server refused, without warning signs to send", async () => {
    const { fake, reported } = steps("refused");
    expect(await replayCheckin(body([]), fake)).toBe("refused");
    expect(reported).toEqual([]);
  });

  it("sends a refused check-in's warning signs with its recorded_at, then drops it", async () => {
    const { fake, reported } = steps("refused", "sent");
    const checkin = body(["chest_pain_or_breathless", "leg_swelling_with_pain"], "since this morning");
    expect(await replayCheckin(checkin, fake)).toBe("refused");
    expect(reported).toEqual([
      {
        warning_signs: ["chest_pain_or_breathless", "leg_swelling_with_pain"],
        recorded_at: checkin.recorded_at,
        note: "since this morning",
      },
    ]);
  });

  it("keeps a refused check-in whose warning signs could not be sent yet", async () => {
    for (const [failure, outcome] of [
      ["failed", "retry"],
      ["unavailable", "stop"],
      ["signed_out", "stop"],
    ] as const) {
      const { fake } = steps("refused", failure);
      expect(await replayCheckin(body(["leg_swelling_with_pain"]), fake)).toBe(outcome);
    }
  });

  it("drops it when the warning signs are refused too: sending again cannot help", async () => {
    const { fake } = steps("refused", "refused");
    expect(await replayCheckin(body(["leg_swelling_with_pain"]), fake)).toBe("refused");
  });

  it("lets the caller say what signed out means", async () => {
    expect(await replayCheckin(body(), steps("signed_out", "sent", "stop").fake)).toBe("stop");
    expect(await replayCheckin(body(), steps("signed_out", "sent", "dropped").fake)).toBe("dropped");
    // Signed out between the refused PUT and the POST: the same rule.
    expect(await replayCheckin(body(["leg_swelling_with_pain"]), steps("refused", "signed_out", "dropped").fake)).toBe("dropped");
  });

  it("tried again later, the whole pair is sent again (both are idempotent)", async () => {
    const first = steps("refused", "failed");
    const checkin = body(["spreading_redness_or_fever"]);
    expect(await replayCheckin(checkin, first.fake)).toBe("retry");
    const second = steps("refused", "sent");
    expect(await replayCheckin(checkin, second.fake)).toBe("refused");
    expect(second.puts()).toBe(1);
    expect(second.reported[0].recorded_at).toBe(first.reported[0].recorded_at);
  });
});
