/// <reference types="vitest/config" />
// The PWA: built into dist/, served by the API at `/` (hash routes, so deep links work).
import { defineConfig } from "vite";
import { VitePWA } from "vite-plugin-pwa";

export default defineConfig({
  build: { outDir: "dist", emptyOutDir: true, sourcemap: false },
  server: { proxy: { "/api": "http://127.0.0.1:8000" } },
  plugins: [
    VitePWA({
      // The page registers the worker itself (src/pwa.ts) so it can report "updated".
      injectRegister: false,
      registerType: "autoUpdate",
      strategies: "injectManifest",
      srcDir: "src",
      filename: "sw.ts",
      includeAssets: ["apple-touch-icon.png"],
      manifest: {
        name: "Afterline",
        short_name: "Afterline",
        description: "Your recovery after vein treatment: daily check-in, advice and progress.",
        theme_color: "#0d6e6e",
        background_color: "#ffffff",
        display: "standalone",
        start_url: "/#/",
        scope: "/",
        icons: [
          { src: "icon-192.png", sizes: "192x192", type: "image/png", purpose: "any" },
          { src: "icon-512.png", sizes: "512x512", type: "image/png", purpose: "any" },
          { src: "icon-512.png", sizes: "512x512", type: "image/png", purpose: "maskable" },
        ],
      },
      injectManifest: { globPatterns: ["**/*.{js,css,html,png,svg,webmanifest}"] },
    }),
  ],
  test: { environment: "node", include: ["src/**/*.test.ts"] },
});
