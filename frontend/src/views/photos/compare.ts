// Before and after: the two photos of one area stacked in one frame, as before-and-after
// sliders usually are: the before photo on the left of a line, the after photo on its
// right, the line moved by a real range input. A native <input type="range"> works by
// touch, mouse and keyboard (arrows, Home/End, Page Up/Down) and says its value to screen
// readers, with no pointer code of our own.
//
// The value is where the line is (in % of the width): 0 shows only the after photo, 100
// only the before one; the line sits right above the slider's thumb, so dragging the thumb
// drags the line, and the labels under the frame sit under the photo they name.
import { formatDate, h } from "../../dom";
import { photoUrl, type PhotoOut } from "./urls";
import "./photos.css";

let counter = 0;

/** "Thu, 3 Dec 2026 · Day 28" (no day before the first session). */
export function photoDate(photo: PhotoOut): string {
  const date = formatDate(photo.local_date);
  return photo.day === null ? date : `${date} · Day ${photo.day}`;
}

/** The date and the day on lines of their own: a narrow screen never breaks inside one. */
function dateLines(photo: PhotoOut): HTMLElement[] {
  const lines = [h("span", { class: "when" }, formatDate(photo.local_date))];
  if (photo.day !== null) lines.push(h("span", { class: "when" }, `Day ${photo.day}`));
  return lines;
}

/** Words for the slider's position (the share of the before photo shown), read out
 * instead of a bare number. */
export function positionWords(value: number): string {
  if (value <= 0) return "After only";
  if (value >= 100) return "Before only";
  return `${value}% before, ${100 - value}% after`;
}

export function comparison(before: PhotoOut, after: PhotoOut, label: string): HTMLElement {
  const id = `comparison-${++counter}`;
  // The before photo lies over the after one, cut off right of the line.
  const beforeImage = h("img", {
    class: "before",
    src: photoUrl(before.id, "full"),
    alt: `Before: ${label}, ${photoDate(before)}`,
  });
  const divider = h("div", { class: "divider", "aria-hidden": "true" });
  const slider = h("input", {
    type: "range",
    id,
    min: 0,
    max: 100,
    step: 1,
    value: 50,
    class: "compare-range",
  });
  const show = (value: number): void => {
    beforeImage.style.clipPath = `inset(0 ${100 - value}% 0 0)`;
    divider.style.left = `${value}%`;
    slider.setAttribute("aria-valuetext", positionWords(value));
  };
  slider.addEventListener("input", () => show(Number(slider.value)));
  show(50);
  const frame = h(
    "div",
    { class: "compare-frame" },
    h("img", { class: "after", src: photoUrl(after.id, "full"), alt: `After: ${label}, ${photoDate(after)}` }),
    beforeImage,
    divider,
    h("span", { class: "tag tag-before", "aria-hidden": "true" }, "Before"),
    h("span", { class: "tag tag-after", "aria-hidden": "true" }, "After"),
  );
  // Set through the CSSOM: the app's CSP (style-src 'self') refuses style attributes.
  frame.style.aspectRatio = `${before.width} / ${before.height}`;
  return h(
    "figure",
    { class: "comparison" },
    frame,
    h("label", { for: id, class: "compare-label" }, "Show before or after"),
    slider,
    h(
      "div",
      { class: "compare-ends" },
      h("span", {}, h("strong", {}, "Before"), ...dateLines(before)),
      h("span", {}, h("strong", {}, "After"), ...dateLines(after)),
    ),
    h("figcaption", { class: "visually-hidden" }, `${label}: before and after`),
  );
}
