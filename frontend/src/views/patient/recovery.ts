// My recovery: "am I recovering normally?", answered per symptom in words and small charts,
// and beside them the results so far: photos along the weeks, the clinic's review, the
// patient's own rating (results.ts).
//
// Read offline too: the timeline comes through `lastSeen`, so without a connection the
// screen shows this device's last copy and says when it was seen.
import { h, lastSeenNote } from "../../dom";
import { lastSeen } from "../../offline/last-seen";
import type { Timeline } from "../../types";
import { renderRecoveryChart } from "../chart";
import { resultsSection } from "./results";

export async function recoveryView(): Promise<HTMLElement> {
  const { data: timeline, seenAt } = await lastSeen<Timeline>("/api/me/timeline");
  const results = await resultsSection(timeline);
  return h(
    "main",
    { class: "screen wide" },
    h("h1", { tabindex: -1 }, "My recovery"),
    lastSeenNote(seenAt),
    h(
      "p",
      { class: "lead" },
      "How each symptom compares, day by day, with other patients at your clinic after their session.",
    ),
    h("div", { class: "recovery-layout" }, h("div", { class: "recovery-chart" }, renderRecoveryChart(timeline)), results),
  );
}
