import assert from "node:assert/strict";
import { mkdirSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { after, before, test } from "node:test";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";
import { chromium, type Browser, type BrowserContext, type Page } from "playwright-core";
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
  for (const name of ["page", "shared"]) {
    await build({
      entryPoints: [join(projectDirectory, "browser", `${name}.ts`)],
      bundle: true,
      format: "esm",
      target: "es2020",
      outfile: join(root, `${name}.js`),
      logLevel: "error",
    });
  }
  writeFileSync(join(root, "index.html"), '<!doctype html>\n<meta charset="utf-8">\n<title>TypedSse</title>\n<script type="module" src="page.js"></script>\n');
  writeFileSync(join(root, "shared.html"), '<!doctype html>\n<meta charset="utf-8">\n<title>TypedSse tabs</title>\n<script type="module" src="shared.js"></script>\n');
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

/** The event-stream responses the server has open, by path and query. */
async function openStreams(): Promise<string[]> {
  return (await server.get("streams", {})) as string[];
}

function range(from: number, to: number): number[] {
  return Array.from({ length: to - from + 1 }, (_, i) => from + i);
}

async function openTab(context: BrowserContext, rooms: readonly string[]): Promise<Page> {
  const page = await context.newPage();
  await page.goto(`${server.url}/browser/shared.html?rooms=${encodeURIComponent(rooms.join(","))}`);
  await waitFor(`the clients of ${rooms.join(", ")} to open`, () =>
    page.evaluate((names) => names.every((name) => window.shared?.rooms[name]?.hello !== undefined), rooms),
  );
  return page;
}

async function values(page: Page, room: string): Promise<number[]> {
  return page.evaluate((name) => [...(window.shared.rooms[name]?.values ?? [])], room);
}

test("two tabs of one origin share one event-stream connection; each tab gets only its own rooms' events", async () => {
  const context = await browser.newContext();
  try {
    const first = await openTab(context, ["tabs a"]);
    const second = await openTab(context, ["tabs b", "tabs a"]);
    await waitFor("one connection for both tabs", async () => (await openStreams()).length === 1);
    const [stream] = await openStreams();
    assert.match(stream ?? "", /^\/events\?/);
    assert.equal(new URLSearchParams((stream ?? "").slice("/events?".length)).getAll("s").length, 2, "the union, each room once");

    await server.post("count", { room: "tabs a", from: "1", to: "3" });
    await server.post("count", { room: "tabs b", from: "1", to: "2" });
    await waitFor("every count in both tabs", async () => (await values(second, "tabs a")).length === 3 && (await values(second, "tabs b")).length === 2 && (await values(first, "tabs a")).length === 3);
    assert.deepEqual(await values(first, "tabs a"), [1, 2, 3]);
    assert.deepEqual(await values(second, "tabs a"), [1, 2, 3]);
    assert.deepEqual(await values(second, "tabs b"), [1, 2]);
    assert.equal(await first.evaluate(() => window.shared.rooms["tabs b"]), undefined, "the first tab never sees the second tab's room");
    assert.deepEqual(await first.evaluate(() => window.shared.rooms["tabs a"]?.states), ["open"]);
    assert.deepEqual(await second.evaluate(() => window.shared.rooms["tabs b"]?.states), ["open"], "a follower tab sees the state too");
    assert.equal((await openStreams()).length, 1);
  } finally {
    await context.close();
  }
});

test("closing the leading tab during a steady publish: another takes over, and each room's events arrive exactly once", async () => {
  const context = await browser.newContext();
  try {
    const leader = await openTab(context, ["takeover x"]);
    const follower = await openTab(context, ["takeover x", "takeover y"]);
    const other = await openTab(context, ["takeover y"]);
    await waitFor("one connection for the three tabs", async () => (await openStreams()).length === 1);
    await server.post("count", { room: "takeover x", from: "1", to: "20" });
    await server.post("count", { room: "takeover y", from: "1", to: "20" });
    await waitFor("the first counts", async () => (await values(follower, "takeover x")).length === 20 && (await values(other, "takeover y")).length === 20);

    // The leader goes while the server publishes: what it had not relayed is replayed to the tab that takes over.
    const publishing = Promise.all([
      server.post("count", { room: "takeover x", from: "21", to: "400" }),
      server.post("count", { room: "takeover y", from: "21", to: "400" }),
    ]);
    await leader.close();
    await publishing;
    await server.post("count", { room: "takeover x", from: "401", to: "420" });
    await server.post("count", { room: "takeover y", from: "401", to: "420" });

    await waitFor("every count in the tabs that stayed", async () =>
      (await values(follower, "takeover x")).length >= 420 && (await values(follower, "takeover y")).length >= 420 && (await values(other, "takeover y")).length >= 420,
    );
    assert.deepEqual(await values(follower, "takeover x"), range(1, 420));
    assert.deepEqual(await values(follower, "takeover y"), range(1, 420));
    assert.deepEqual(await values(other, "takeover y"), range(1, 420));
    await waitFor("one connection again", async () => (await openStreams()).length === 1);
    const attempts = (await server.get("attempts", { room: "takeover y" })) as { lastEventId: string | null }[];
    assert.ok(attempts.slice(1).some((attempt) => attempt.lastEventId !== null), "the tab that took over resumed with a cursor");
  } finally {
    await context.close();
  }
});

test("a native EventSource on the multiplexed URL, cut and reconnected by the browser itself, resumes every subscription exactly", async () => {
  const context = await browser.newContext();
  try {
    const page = await openTab(context, []);
    const paths = ["native a", "native b"].map((room) => `/tenants/0f8fad5b-d9cb-469f-a165-70867728950e/rooms/${encodeURIComponent(room)}/7/9007199254740991/true`);
    await page.evaluate((subscriptions) => {
      const state = { a: [] as number[], b: [] as number[], opens: 0 };
      (window as unknown as { native: typeof state }).native = state;
      const source = new EventSource(`/events?${subscriptions.map((path) => `s=${encodeURIComponent(path)}`).join("&")}`);
      source.addEventListener("0:counted", (event) => state.a.push(JSON.parse((event as MessageEvent<string>).data) as number));
      source.addEventListener("1:counted", (event) => state.b.push(JSON.parse((event as MessageEvent<string>).data) as number));
      source.onopen = () => state.opens++;
    }, paths);
    const native = (): Promise<{ a: number[]; b: number[]; opens: number }> =>
      page.evaluate(() => (window as unknown as { native: { a: number[]; b: number[]; opens: number } }).native);
    await waitFor("the EventSource to open", async () => (await native()).opens === 1);

    await server.post("count", { room: "native a", from: "1", to: "5" });
    await server.post("count", { room: "native b", from: "1", to: "5" });
    await waitFor("the first counts", async () => (await native()).a.length === 5 && (await native()).b.length === 5);
    assert.equal(await server.post("drop", { room: "native a" }), 1, "the server closes the whole response");
    await server.post("count", { room: "native a", from: "6", to: "10" });
    await server.post("count", { room: "native b", from: "6", to: "10" });

    await waitFor("the browser's own reconnect and every count", async () => {
      const state = await native();
      return state.opens === 2 && state.a.length >= 10 && state.b.length >= 10;
    });
    const state = await native();
    assert.deepEqual(state.a, range(1, 10));
    assert.deepEqual(state.b, range(1, 10));
  } finally {
    await context.close();
  }
});
