// Lighthouse (mobile, the default settings) on the main screens of a running Afterline,
// signed in where the screen needs it. Run through scripts/lighthouse.sh.
//
// Why not the CLI's --extra-headers for the session: the service worker takes the page over
// during the run, and requests through it do not carry DevTools' extra headers, so the
// screens would fall back to Sign in. A real cookie in a fresh browser profile per screen
// (cold caches, no worker yet) is what a patient has; Lighthouse's own storage reset would
// delete that cookie, so it is turned off (the profile is new anyway).
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import * as chromeLauncher from "chrome-launcher";
import lighthouse from "lighthouse";
import puppeteer from "puppeteer-core";

const base = (process.argv[2] ?? "http://127.0.0.1:8000").replace(/\/$/, "");
const out = process.argv[3] ?? ".";
const env = process.env;
const accounts = {
  patient: [env.PATIENT_EMAIL ?? "farid@demo.afterline.test", env.PATIENT_PASSWORD ?? "demo-patient-pass"],
  practitioner: [
    env.PRACTITIONER_EMAIL ?? "practitioner@demo.afterline.test",
    env.PRACTITIONER_PASSWORD ?? "demo-practitioner",
  ],
};
const screens = [
  ["sign-in", "#/sign-in", null],
  ["today", "#/today", "patient"],
  ["history", "#/history", "patient"],
  ["recovery", "#/recovery", "patient"],
  ["patients", "#/patients", "practitioner"],
  ["alerts", "#/alerts", "practitioner"],
];

/** Signs in through the API (the CSRF cookie first); the cookies, name → value. */
async function signIn([email, password]) {
  const jar = {};
  const keep = (response) => {
    for (const line of response.headers.getSetCookie()) {
      const [pair] = line.split(";");
      const at = pair.indexOf("=");
      jar[pair.slice(0, at)] = pair.slice(at + 1);
    }
  };
  keep(await fetch(`${base}/api/health`));
  const response = await fetch(`${base}/api/auth/login`, {
    method: "POST",
    headers: {
      "Content-Type": "application/json",
      "X-CSRFToken": jar.csrftoken,
      Cookie: `csrftoken=${jar.csrftoken}`,
    },
    body: JSON.stringify({ email, password }),
  });
  if (!response.ok) throw new Error(`signing in as ${email}: ${response.status} ${await response.text()}`);
  keep(response);
  return jar;
}

async function audit(name, route, role) {
  const chrome = await chromeLauncher.launch({
    chromePath: env.CHROME_PATH ?? "/usr/bin/chromium",
    chromeFlags: ["--headless=new", "--no-sandbox", "--disable-gpu"],
  });
  try {
    const browser = await puppeteer.connect({ browserURL: `http://127.0.0.1:${chrome.port}` });
    if (role) {
      const cookies = await signIn(accounts[role]);
      await browser.setCookie(
        ...Object.entries(cookies).map(([cookieName, value]) => ({ name: cookieName, value, url: base })),
      );
    }
    const result = await lighthouse(`${base}/${route}`, {
      port: chrome.port,
      output: "json",
      logLevel: "error",
      disableStorageReset: true,
    });
    await browser.disconnect();
    const report = result.lhr;
    await writeFile(join(out, `${name}.json`), result.report);
    const landed = new URL(report.finalDisplayedUrl).hash;
    if (landed !== route) throw new Error(`${name}: landed on ${landed}, not ${route}`);
    const scores = Object.values(report.categories).map((c) => `${c.title} ${Math.round(c.score * 100)}`);
    const js = report.audits["network-requests"].details.items
      .filter((item) => item.resourceType === "Script")
      .reduce((sum, item) => sum + item.transferSize, 0);
    console.log(`${name.padEnd(9)} ${scores.join(", ")}; JS transferred ${(js / 1024).toFixed(1)} KB`);
  } finally {
    chrome.kill();
  }
}

for (const [name, route, role] of screens) await audit(name, route, role);
