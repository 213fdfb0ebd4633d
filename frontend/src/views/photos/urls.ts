// Where a photo's image is served. The API answers these with `Cache-Control: private,
// no-store` and the service worker never caches them (sw.ts): photos are health data and
// must never be kept in the browser. Same-origin, so the session cookie goes with them.
import type { Schemas } from "../../types";

export type PhotoOut = Schemas["PhotoOut"];
export type PhotoSize = "thumb" | "full";

/** thumb: 480 px on the long side (lists); full: up to 2,048 px (comparisons). */
export function photoUrl(id: string, size: PhotoSize): string {
  return `/api/photos/${encodeURIComponent(id)}/image?size=${size}`;
}
