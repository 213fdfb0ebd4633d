// My recovery: "am I recovering normally?", answered per symptom in words and small charts.
//
// Read offline too: the timeline comes through `lastSeen`, so without a connection the
// screen shows this device's last copy and says when it was seen.
import { h, lastSeenNote } from "../../dom";
import { lastSeen } from "../../offline/last-seen";
import type { Timeline } from "../../types";
import { renderRecoveryChart } from "../chart";

export async function recoveryView(): Promise<HTMLElement> {
  const { data: timeline, seenAt } = await lastSeen<Timeline>("/api/me/timeline");
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
    renderRecoveryChart(timeline),
  );
}
