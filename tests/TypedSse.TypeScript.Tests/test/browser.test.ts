import assert from "node:assert/strict";
import { mkdirSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { after, before, test } from "node:test";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";
import { chromium, type Browser } from "playwright-core";
import type { BroadEventsEvent } from "../generated/broad-events.js";
import { sampleArgs, sampleEvents } from "./samples.js";
import { TestServer, waitFor } from "./server.js";

const projectDirectory = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
const root = join(projectDirectory, "dist", "browser-root");

// Debian's Chromium, installed by eng/install-prerequisites.sh; never a downloaded browser.
const chromiumPath = "/usr/bin/chromium";

let server: TestServer;
let browser: Browser;

before(async () => {
  mkdirSync(root, { recursive: true });
  await build({
    entryPoints: [join(projectDirectory, "browser", "page.ts")],
    bundle: true,
    format: "esm",
    target: "es2020",
    outfile: join(root, "page.js"),
    logLevel: "error",
  });
  writeFileSync(join(root, "index.html"), '<!doctype html>\n<meta charset="utf-8">\n<title>TypedSse</title>\n<script type="module" src="page.js"></script>\n');
  server = await TestServer.start({ TYPEDSSE_BROWSER_ROOT: root });
  browser = await chromium.launch({
    executablePath: chromiumPath,
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
  });
});

after(async () => {
  await browser?.close();
  await server?.stop();
});

test("in headless Chromium, a page using the bundled generated client receives the typed events", async () => {
  const page = await browser.newPage();
  const room = "in the browser";
  await page.goto(`${server.url}/browser/index.html?room=${encodeURIComponent(room)}`);
  await waitFor("the page's client to connect", () => page.evaluate(() => window.typedsse?.hello === true));

  await server.post("samples", { room });
  await waitFor("every sample event in the page", () => page.evaluate((count) => window.typedsse.items.length === count, sampleEvents.length));

  const { args, items } = await page.evaluate(() => ({ args: window.typedsse.args, items: window.typedsse.items }));
  assert.deepEqual(args, [
    ["primitivesSent", sampleArgs.primitivesSent],
    ["messagePosted", sampleArgs.messagePosted],
    ["userJoined", sampleArgs.userJoined],
    ["shapesDrawn", sampleArgs.shapesDrawn],
    ["collectionsChanged", sampleArgs.collectionsChanged],
  ]);
  assert.deepEqual(
    items.map(({ id: _, ...item }: BroadEventsEvent) => item),
    sampleEvents,
  );
  await page.close();
});
