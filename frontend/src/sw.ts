/// <reference lib="webworker" />
// The service worker: the app shell from the precache (so it opens offline), the API always
// from the network (never a stale clinical record), and Web Push reminders shown as
// notifications that open the check-in.

import { cleanupOutdatedCaches, createHandlerBoundToURL, precacheAndRoute } from "workbox-precaching";
import { Queue } from "workbox-background-sync";
import { NavigationRoute, registerRoute } from "workbox-routing";
import { NetworkOnly } from "workbox-strategies";
import { queueWithOwner, replayCheckinRequest, replayOwnedQueue, replayReportRequest } from "./offline/background-sync";
import { SignedInNote } from "./offline/signed-in";

declare const self: ServiceWorkerGlobalScope;

precacheAndRoute(self.__WB_MANIFEST);
cleanupOutdatedCaches();
registerRoute(new NavigationRoute(createHandlerBoundToURL("/index.html"), { denylist: [/^\/api\//, /^\/schema/] }));

// Photos are health data: never stored in the browser. Nothing here caches API responses at
// run time (the precache holds only the built app), and the images are sent with
// `Cache-Control: private, no-store`. This route, registered before any other API route,
// keeps it so: Workbox uses the first route that matches, so a cache added below for the
// rest of the API can never match a photo or a list of photos.
const PHOTO_PATHS = [/^\/api\/photos\//, /^\/api\/me\/photos(\/|$)/, /^\/api\/patients\/[^/]+\/photos(\/|$)/];
registerRoute(({ url }) => PHOTO_PATHS.some((path) => path.test(url.pathname)), new NetworkOnly());

// Who is signed in, as the page last said (offline/signed-in.ts, session.ts).
const signedIn = new SignedInNote();
self.addEventListener("message", (event) => {
  event.waitUntil(signedIn.receive(event.data));
});

// Where the browser has Background Sync, a check-in PUT or a warning-sign POST that fails
// for want of a network is also replayed by the worker, even with the app closed. The
// page's own IndexedDB queue holds the same entries and sends them too; replaying twice is
// harmless (same body: "unchanged"; an older one: "stale"; reports are idempotent by their
// `recorded_at`). Each request is queued with its owner and replayed only while the server
// says that same user is signed in; anyone else's is dropped here and left to the page's
// queue, which sends it when its owner signs in again (offline/background-sync.ts). A
// check-in refused for good (4xx, not 401) still sends its warning signs, and one entry that
// keeps failing never holds back the others.
const RETENTION_MINUTES = 7 * 24 * 60;
const checkins = new Queue("checkins", {
  maxRetentionTime: RETENTION_MINUTES,
  onSync: ({ queue }) => replayOwnedQueue(queue, self.location.origin, (request) => replayCheckinRequest(request)),
});
registerRoute(
  ({ url }) => url.pathname.startsWith("/api/me/checkins/"),
  new NetworkOnly({ plugins: [queueWithOwner(checkins, () => signedIn.get())] }),
  "PUT",
);
const reports = new Queue("warning-signs", {
  maxRetentionTime: RETENTION_MINUTES,
  onSync: ({ queue }) => replayOwnedQueue(queue, self.location.origin, (request) => replayReportRequest(request)),
});
registerRoute(
  ({ url }) => url.pathname === "/api/me/warning-signs",
  new NetworkOnly({ plugins: [queueWithOwner(reports, () => signedIn.get())] }),
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
