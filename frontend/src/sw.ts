/// <reference lib="webworker" />
// The service worker: the app shell from the precache (so it opens offline), the API always
// from the network (never a stale clinical record), and Web Push reminders shown as
// notifications that open the check-in.

import { cleanupOutdatedCaches, createHandlerBoundToURL, precacheAndRoute } from "workbox-precaching";
import { BackgroundSyncPlugin } from "workbox-background-sync";
import { NavigationRoute, registerRoute } from "workbox-routing";
import { NetworkOnly } from "workbox-strategies";
import { replayCheckinQueue } from "./offline/background-sync";

declare const self: ServiceWorkerGlobalScope;

precacheAndRoute(self.__WB_MANIFEST);
cleanupOutdatedCaches();
registerRoute(new NavigationRoute(createHandlerBoundToURL("/index.html"), { denylist: [/^\/api\//, /^\/schema/] }));

// Where the browser has Background Sync, a check-in PUT that fails for want of a network is
// also replayed by the worker, even with the app closed. The page's own IndexedDB queue
// does the same where it has not; replaying twice is harmless (same body: "unchanged"; an
// older one: "stale"), so the two never make a second check-in. The replay is ours, not
// Workbox's default: a check-in refused for good (4xx, not 401) still sends its warning
// signs to POST /api/me/warning-signs, and an entry is kept (and the sync retried) while
// the network, or the server (5xx), fails (offline/background-sync.ts).
const RETENTION_MINUTES = 7 * 24 * 60;
registerRoute(
  ({ url, request }) => request.method === "PUT" && url.pathname.startsWith("/api/me/checkins/"),
  new NetworkOnly({
    plugins: [
      new BackgroundSyncPlugin("checkins", {
        maxRetentionTime: RETENTION_MINUTES,
        onSync: ({ queue }) => replayCheckinQueue(queue),
      }),
    ],
  }),
  "PUT",
);
// Warning signs reported on their own (Today): replayed as they are (idempotent by their
// `recorded_at`); the page's report queue sends them too.
registerRoute(
  ({ url, request }) => request.method === "POST" && url.pathname === "/api/me/warning-signs",
  new NetworkOnly({ plugins: [new BackgroundSyncPlugin("warning-signs", { maxRetentionTime: RETENTION_MINUTES })] }),
  "POST",
);

self.addEventListener("install", () => {
  void self.skipWaiting();
});
self.addEventListener("activate", (event) => {
  event.waitUntil(self.clients.claim());
});

interface PushPayload {
  title: string;
  body: string;
  url: string;
  kind: string;
  local_date: string | null;
}

self.addEventListener("push", (event) => {
  const data = (event.data?.json() ?? {}) as Partial<PushPayload>;
  const title = data.title ?? "Afterline";
  event.waitUntil(
    self.registration.showNotification(title, {
      body: data.body ?? "",
      icon: "/icon-192.png",
      badge: "/icon-192.png",
      // One notification per day and kind: a repeat replaces rather than stacks.
      tag: `${data.kind ?? "afterline"}:${data.local_date ?? ""}`,
      data: { url: data.url ?? "/#/today" },
    }),
  );
});

self.addEventListener("notificationclick", (event) => {
  event.notification.close();
  const url = (event.notification.data as { url?: string } | null)?.url ?? "/#/today";
  event.waitUntil(
    (async () => {
      const windows = await self.clients.matchAll({ type: "window", includeUncontrolled: true });
      for (const client of windows) {
        if ("focus" in client) {
          await client.navigate(url);
          return client.focus();
        }
      }
      return self.clients.openWindow(url);
    })(),
  );
});
