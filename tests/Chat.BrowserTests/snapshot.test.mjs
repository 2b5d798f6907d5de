// State and stream that agree: the page shows a snapshot (GET /api/rooms, GET /api/rooms/{room}) and reads each
// stream from the position the snapshot was taken at (EventStream.SnapshotAsync, the runtime's SnapshotStream).
// Switching rooms during a steady publish, every switch shows the user in "Here now", every message of the room
// once and in order, and the room list's counts match what was posted. The sample runs with its history in memory.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { mkdirSync } from "node:fs";
import { dirname, join } from "node:path";
import { setTimeout as delay } from "node:timers/promises";
import { fileURLToPath } from "node:url";
import { ensureBuilt, startChat } from "./support/chat-app.mjs";
import {
  apiSession, connection, launchChromium, messageTexts, numbered, openChat, range, received, requestsTo, say,
} from "./support/chat-page.mjs";
import { freePort } from "./support/ports.mjs";
import { PATIENCE_MS, until } from "./support/wait.mjs";

const output = join(dirname(fileURLToPath(import.meta.url)), "test-results");
// The switches re-render the room each time; on a loaded machine 100 of them take minutes, each bounded on its own.
const TEST_TIMEOUT_MS = 8 * PATIENCE_MS;
const SWITCHES = Number(process.env.SNAPSHOT_SWITCHES ?? 100);

describe("samples/Chat: snapshots and streams agree", { timeout: 12 * PATIENCE_MS }, () => {
  let app;
  let browser;

  before(async () => {
    mkdirSync(output, { recursive: true });
    ensureBuilt();
    app = await startChat({ port: await freePort(), log: join(output, "snapshot.log") });
    browser = await launchChromium();
  });

  after(async () => {
    await browser?.close();
    await app?.stop();
  });

  test(`${SWITCHES} room switches during a steady publish: the user is here, every message once, the counts right`, { timeout: TEST_TIMEOUT_MS }, async (t) => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 760 } });
    let publishing = true;
    let publisher;
    try {
      const tab = await openChat(context, { url: app.url, room: "snap-a", name: "hana" });
      const ivan = await apiSession(app.url, "ivan");
      const posted = { "snap-a": 0, "snap-b": 0 };
      publisher = (async () => {
        while (publishing) {
          for (const room of ["snap-a", "snap-b"]) {
            await ivan.post(room, `${room} ${++posted[room]}`);
          }
          await delay(25); // steady: a busy room, not a flood that starves the page
        }
      })();
      await until(() => posted["snap-b"] >= 3, "the first messages");

      // One switch at a time, from here: a switch that never settles says which one and in what state.
      const pageErrors = [];
      tab.on("pageerror", (error) => pageErrors.push(error.message));
      tab.on("console", (message) => message.type() === "error" && pageErrors.push(message.text()));
      const requests = requestsTo(context, (path) => path === "/api/events" || path.startsWith("/api/rooms"));
      const started = Date.now();
      const failures = [];
      for (let i = 1; i <= SWITCHES; i++) {
        const room = i % 2 === 1 ? "snap-b" : "snap-a";
        await tab.evaluate((name) => { location.hash = name; }, room);
        await tab.waitForFunction((name) => document.getElementById("room-name").textContent === `#${name}`
          && document.getElementById("connection-room").dataset.status === "open"
          && [...document.querySelectorAll("[data-testid=member] .name")].some((item) => item.textContent === "hana (you)")
          && document.querySelector("[data-testid=message]") !== null, room, { polling: 10, timeout: PATIENCE_MS / 2 })
          .catch(async (error) => {
            const shown = await tab.evaluate(() => ({
              hash: location.hash,
              name: document.getElementById("room-name").textContent,
              streams: ["room", "lobby", "inbox"].map((stream) => `${stream} ${document.getElementById(`connection-${stream}`).dataset.status}`),
              members: [...document.querySelectorAll("[data-testid=member] .name")].map((item) => item.textContent),
              messages: document.querySelectorAll("[data-testid=message]").length,
            }));
            throw new Error(`switch ${i} to #${room}: after ${PATIENCE_MS / 2} ms the page shows ${JSON.stringify(shown)}; `
              + `page errors: ${JSON.stringify(pageErrors)}; the last requests: ${JSON.stringify(requests.slice(-6).map((request) => ({
                path: new URL(request.url).pathname, s: new URL(request.url).searchParams.getAll("s"), ago: Date.now() - request.at, outcome: request.outcome })))} `
              + `(${error.message})`);
          });
        if (process.env.SNAPSHOT_PROGRESS) {
          console.error(`switch ${i} settled after ${Date.now() - started} ms`);
        }
        // What this switch shows: each message once, of this room only, numbered without a hole; hana here once.
        const { ids, texts, here } = await tab.evaluate(() => ({
          ids: [...document.querySelectorAll("[data-testid=message]")].map((item) => item.dataset.id),
          texts: [...document.querySelectorAll("[data-testid=message] .text")].map((item) => item.textContent),
          here: [...document.querySelectorAll("[data-testid=member] .name")].map((item) => item.textContent),
        }));
        const numbers = texts.map((text) => Number(text.split(" ")[1]));
        if (new Set(ids).size !== ids.length) {
          failures.push(`switch ${i}: a message shown twice`);
        }
        if (!texts.every((text) => text.startsWith(`${room} `))) {
          failures.push(`switch ${i}: a message of another room in #${room}`);
        }
        if (!numbers.every((n, k) => k === 0 || n === numbers[k - 1] + 1)) {
          failures.push(`switch ${i}: a hole in #${room}: ${numbers.join(",")}`);
        }
        if (here.filter((name) => name === "hana (you)").length !== 1) {
          failures.push(`switch ${i}: "Here now" is ${here.join(", ")}`);
        }
      }
      t.diagnostic(`${SWITCHES} room switches took ${Date.now() - started} ms`);
      publishing = false;
      await publisher;
      assert.deepEqual(failures, [], "what the switches showed");
      assert.ok(posted["snap-a"] > 5, "the publish went on while the tab switched");

      // The room it ended in (#snap-a) shows its newest messages up to the last one posted, each once.
      const last = posted["snap-a"];
      const texts = () => tab.locator("[data-testid=message] .text").allInnerTexts();
      await until(async () => numbered(await texts(), "snap-a").at(-1) === last, "the last message in #snap-a");
      const numbers = numbered(await texts(), "snap-a");
      assert.deepEqual(numbers, range(numbers[0], last), "#snap-a's messages, each once and in order");
      assert.ok(numbers[0] <= Math.max(1, last - 49), "#snap-a shows its 50 recent messages and every one after");

      // The room list: the counts of what was posted, hana here in #snap-a and gone from #snap-b.
      const counts = (room) => tab.locator("#rooms li").filter({ hasText: `#${room}` }).locator(".counts").innerText();
      await until(async () => await counts("snap-a") === `1 here · ${posted["snap-a"]} msgs`
        && await counts("snap-b") === `0 here · ${posted["snap-b"]} msgs`, "the room list's counts");
      await tab.screenshot({ path: join(output, "snapshot-switched.png") });
    } finally {
      publishing = false;
      await publisher?.catch(() => {});
      await context.close();
    }
  });

  test("after a restart with the history in memory, the page reloads the room and the list: nothing stale stays", { timeout: TEST_TIMEOUT_MS }, async () => {
    const port = await freePort();
    let memoryApp = await startChat({ port, log: join(output, "snapshot-restart.log") });
    const context = await browser.newContext({ viewport: { width: 1280, height: 760 } });
    try {
      const page = await openChat(context, { url: memoryApp.url, room: "snap-r", name: "jo" });
      await say(page, "Before the restart");
      await until(() => messageTexts(page).then((texts) => texts.includes("Before the restart")), "jo's message");

      await memoryApp.stop();
      await until(() => connection(page, "room").then((c) => c.status === "reconnecting"), "the page to show it is reconnecting");
      memoryApp = await startChat({ port, log: join(output, "snapshot-restart.log") });

      await until(() => received(page).then((events) => ["room", "lobby"].every((stream) =>
        events.some((event) => event.stream === stream && event.type === "typedsse:reset"))), "the resets of the room and the lobby");
      const counts = () => page.locator("#rooms li").filter({ hasText: "#snap-r" }).locator(".counts").innerText();
      await until(async () => (await messageTexts(page)).length === 0 && await counts() === "1 here · 0 msgs",
        "the room reloaded empty, and the list saying so");
      await say(page, "After the restart");
      await until(async () => await counts() === "1 here · 1 msgs", "the list counting the new message");
      assert.deepEqual(await messageTexts(page), ["After the restart"], "only what the new server holds");
    } finally {
      await context.close();
      await memoryApp.stop();
    }
  });
});
