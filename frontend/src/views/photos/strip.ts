// A row of photo thumbnails that scrolls sideways when it is longer than the screen. It can
// take keyboard focus (so arrow keys scroll it): a scrolling region with nothing focusable
// in it would otherwise be out of reach without a mouse or a finger.
import { h } from "../../dom";

type Child = Parameters<typeof h>[2];

export function thumbStrip(label: string, ...items: Child[]): HTMLUListElement {
  return h("ul", { class: "thumbs", "aria-label": label, tabindex: "0" }, ...items);
}
