// Before and after: the two photos of one area stacked in one frame, the "after" photo
// uncovered from the left by a real range input. A native <input type="range"> works by
// touch, mouse and keyboard (arrows, Home/End, Page Up/Down) and says its value to screen
// readers, with no pointer code of our own.
//
// Value 0 shows only the before photo, 100 only the after one; the line between them sits
// right above the slider's thumb, so dragging the thumb drags the line.
import { formatDate, h } from "../../dom";
import { photoUrl, type PhotoOut } from "./urls";
import "./photos.css";

let counter = 0;

/** "Thu, 3 Dec 2026 · Day 28" (no day before the first session). */
export function photoDate(photo: PhotoOut): string {
  const date = formatDate(photo.local_date);
  return photo.day === null ? date : `${date} · Day ${photo.day}`;
}

/** Words for the slider's position, read out instead of a bare number. */
export function positionWords(value: number): string {
  if (value <= 0) return "Before only";
  if (value >= 100) return "After only";
  return `${value}% after, ${100 - value}% before`;
}

export function comparison(before: PhotoOut, after: PhotoOut, label: string): HTMLElement {
  const id = `comparison-${++counter}`;
  const afterImage = h("img", {
    class: "after",
    src: photoUrl(after.id, "full"),
    alt: `After: ${label}, ${photoDate(after)}`,
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
    afterImage.style.clipPath = `inset(0 ${100 - value}% 0 0)`;
    divider.style.left = `${value}%`;
    slider.setAttribute("aria-valuetext", positionWords(value));
  };
  slider.addEventListener("input", () => show(Number(slider.value)));
  show(50);
  const frame = h(
    "div",
    { class: "compare-frame" },
    h("img", { class: "before", src: photoUrl(before.id, "full"), alt: `Before: ${label}, ${photoDate(before)}` }),
    afterImage,
    divider,
    h("span", { class: "tag tag-after", "aria-hidden": "true" }, "After"),
    h("span", { class: "tag tag-before", "aria-hidden": "true" }, "Before"),
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
      h("span", {}, h("strong", {}, "Before"), " ", photoDate(before)),
      h("span", {}, h("strong", {}, "After"), " ", photoDate(after)),
    ),
    h("figcaption", { class: "visually-hidden" }, `${label}: before and after`),
  );
}
