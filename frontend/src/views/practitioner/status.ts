// A patient's status as the list and the patient page show it: a tag in the status's tone,
// then "Also: …" for whatever else stands out. The words and the tone are the server's
// (`attention.status` on every PatientSummary), so both screens say the same thing.
//
// Tones, and the colours they get (practitioner.css): "urgent" (an open urgent alert: red,
// the only red, as it needs action now), "alert" (an open watch alert to acknowledge) and
// "attention" (missed check-ins or worse scores: amber), "review" (blue), "ok" (green) and
// "quiet" (grey: no session yet, inactive, course finished).
import { h } from "../../dom";
import type { Status } from "./model";

export function statusTag(status: Status): HTMLElement {
  return h("span", { class: `status-tag ${status.tone}` }, status.text);
}

/** The tag, then what else stands out (nothing more when nothing does). */
export function statusParts(status: Status): HTMLElement[] {
  return status.more.length > 0
    ? [statusTag(status), h("span", { class: "more" }, `Also: ${status.more.join("; ")}`)]
    : [statusTag(status)];
}
