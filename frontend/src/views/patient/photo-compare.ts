// One area's before and after, full width: its first photo against its latest.
import { api } from "../../api";
import { h } from "../../dom";
import { areaLabel } from "../../words";
import { comparison } from "../photos/compare";
import type { PhotoOut } from "../photos/urls";

export async function photoCompareView(params: Record<string, string>): Promise<HTMLElement> {
  const label = areaLabel(params.area);
  const photos = (await api<PhotoOut[]>("GET", "/api/me/photos")).filter((photo) => photo.area === params.area);
  const first = photos[0];
  const latest = photos.at(-1);
  return h(
    "main",
    { class: "screen compare-screen" },
    h("p", { class: "back" }, h("a", { href: "#/photos" }, "Back to photos")),
    h("h1", { tabindex: -1 }, `${label}: before and after`),
    ...(first && latest && photos.length >= 2
      ? [
          h("p", { class: "lead" }, "Move the slider to see your first photo and your latest one in the same place."),
          comparison(first, latest, label),
        ]
      : [h("p", {}, "A comparison needs two photos of this area. ", h("a", { href: `#/photos/${encodeURIComponent(params.area)}/new` }, "Add a photo"))]),
  );
}
