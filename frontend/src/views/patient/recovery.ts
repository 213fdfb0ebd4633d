// My recovery: the patient's own chart across the weeks.
import { api } from "../../api";
import { h } from "../../dom";
import type { Timeline } from "../../types";
import { renderRecoveryChart } from "../chart";

export async function recoveryView(): Promise<HTMLElement> {
  const timeline = await api<Timeline>("GET", "/api/me/timeline");
  return h(
    "main",
    { class: "screen wide" },
    h("h1", { tabindex: -1 }, "My recovery"),
    h(
      "p",
      { class: "lead" },
      "Most pain, swelling and bruising fade within two weeks; lumps over 2 to 4 weeks; " +
        "discolouration can take months. Results are assessed at your review.",
    ),
    renderRecoveryChart(timeline),
  );
}
