// Registers the service worker built by vite-plugin-pwa (Workbox).
import { Workbox } from "workbox-window";

export function registerPwa(): void {
  if (!("serviceWorker" in navigator) || import.meta.env.DEV) return;
  const workbox = new Workbox("/sw.js", { scope: "/" });
  void workbox.register();
}
