// `npm run screenshots -- [--phone] [--dark] [BASE_URL] [PATH…]`: PNGs of the main pages for the
// README (public/screenshots/). --phone takes them at 390 × 844 (name-phone.png), --dark in the
// dark theme (name-dark.png). Signs in first with LOCKBOARD_EMAIL / LOCKBOARD_PASSWORD (any role
// can read every page).
import { mkdirSync } from "node:fs";
import { chromium } from "@playwright/test";

const flags = new Set(process.argv.slice(2).filter((a) => a.startsWith("--")));
const args = process.argv.slice(2).filter((a) => !a.startsWith("--"));
const phone = flags.has("--phone");
const dark = flags.has("--dark");
const base = args[0] ?? "http://127.0.0.1:3000";
const pages = args.slice(1).length ? args.slice(1) : ["/", "/incidents"];
const suffix = `${dark ? "-dark" : ""}${phone ? "-phone" : ""}`;
mkdirSync("public/screenshots", { recursive: true });
const browser = await chromium.launch({
  executablePath: process.env.LOCKBOARD_CHROMIUM ?? "/usr/bin/chromium",
  args: [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
  ],
});
const context = await browser.newContext(
  phone ? { viewport: { width: 390, height: 844 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true } : { viewport: { width: 1440, height: 900 } },
);
// The theme the layout's first script reads, set before any page runs.
await context.addInitScript((theme) => localStorage.setItem("lockboard-theme", theme), dark ? "dark" : "light");
const page = await context.newPage();
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
  const name = `${pathname === "/" ? "overview" : pathname.slice(1).replace(/\//g, "-")}${suffix}`;
  await page.screenshot({ path: `public/screenshots/${name}.png`, fullPage: phone });
  console.log(`public/screenshots/${name}.png`);
}
await browser.close();
