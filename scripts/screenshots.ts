// `npm run screenshots -- [BASE_URL] [PATH…]`: PNGs of the main pages for the README (public/screenshots/).
// Signs in first with LOCKBOARD_EMAIL / LOCKBOARD_PASSWORD (any role can read every page).
import { mkdirSync } from "node:fs";
import { chromium } from "@playwright/test";

const base = process.argv[2] ?? "http://127.0.0.1:3000";
const pages = process.argv.slice(3).length ? process.argv.slice(3) : ["/", "/incidents"];
mkdirSync("public/screenshots", { recursive: true });
const browser = await chromium.launch({
  executablePath: process.env.LOCKBOARD_CHROMIUM ?? "/usr/bin/chromium",
  args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic"],
});
const page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
if (process.env.LOCKBOARD_EMAIL && process.env.LOCKBOARD_PASSWORD) {
  await page.goto(`${base}/sign-in`);
  await page.getByLabel("E-mail").fill(process.env.LOCKBOARD_EMAIL);
  await page.getByLabel("Password").fill(process.env.LOCKBOARD_PASSWORD);
  await page.getByRole("button", { name: "Sign in", exact: true }).click();
  await page.getByTestId("user-menu").waitFor();
}
for (const p of pages) {
  await page.goto(base + p, { waitUntil: "networkidle" });
  const pathname = p.split("?")[0]!;
  const name = pathname === "/" ? "overview" : pathname.slice(1).replace(/\//g, "-");
  await page.screenshot({ path: `public/screenshots/${name}.png` });
  console.log(`public/screenshots/${name}.png`);
}
await browser.close();
