/// <reference lib="webworker" />
// The service worker: the app shell from the precache (so it opens offline), the API always
// from the network (never a stale clinical record), and Web Push reminders shown as
// notifications that open the check-in.

import { cleanupOutdatedCaches, createHandlerBoundToURL, precacheAndRoute } from "workbox-precaching";
import { NavigationRoute, registerRoute } from "workbox-routing";

declare const self: ServiceWorkerGlobalScope;

precacheAndRoute(self.__WB_MANIFEST);
cleanupOutdatedCaches();
registerRoute(new NavigationRoute(createHandlerBoundToURL("/index.html"), { denylist: [/^\/api\//, /^\/schema/] }));

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
