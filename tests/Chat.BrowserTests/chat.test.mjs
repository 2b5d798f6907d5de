// The chat sample in headless Chromium: two users see each other live, user-targeted events reach only their user,
// and after a server restart the page resumes with exactly the events it missed (the sample runs with the
// PostgreSQL backplane, so its event history survives the restart). Without PostgreSQL, a restart loses the history
// and the page resyncs on typedsse:reset. Screenshots and the app's logs go to test-results/.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { mkdirSync, rmSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { ensureBuilt, startChat } from "./support/chat-app.mjs";
import {
  apiSession as apiSessionAt, connection, launchChromium, memberNames, messageIds, messageTexts, notifications, received, say, STREAMS,
} from "./support/chat-page.mjs";
import { freePort } from "./support/ports.mjs";
import { startPostgres } from "./support/postgres.mjs";
import { PATIENCE_MS, until } from "./support/wait.mjs";

const output = join(dirname(fileURLToPath(import.meta.url)), "test-results");
const TEST_TIMEOUT_MS = 5 * PATIENCE_MS;

describe("samples/Chat in a browser", { timeout: 10 * PATIENCE_MS }, () => {
  let postgres;
  let app;
  let port;
  let browser;
  let ada;
  let bob;

  const log = join(output, "chat.log");

  before(async () => {
    rmSync(output, { recursive: true, force: true });
    mkdirSync(output, { recursive: true });
    ensureBuilt();
    postgres = await startPostgres();
    port = await freePort();
    app = await startChat({ port, connectionString: postgres.connectionString, log });
    browser = await launchChromium();
  });

  after(async () => {
    await browser?.close();
    await app?.stop().catch(() => {});
    await postgres?.stop();
  });

  test("two users see each other's messages, presence and mentions live", { timeout: TEST_TIMEOUT_MS }, async () => {
    ada = await signIn("ada");
    await until(() => memberNames(ada).then((names) => names.includes("ada (you)")), "ada to see herself in #general");

    await say(ada, "Hello from ada");
    await until(() => messageTexts(ada).then((texts) => texts.includes("Hello from ada")), "ada's own message to arrive");

    bob = await signIn("bob");
    // Bob opened the room after ada wrote: her message comes from the room snapshot, bob's presence reaches ada live.
    await until(() => messageTexts(bob).then((texts) => texts.includes("Hello from ada")), "bob to see ada's message");
    await until(() => memberNames(ada).then((names) => names.includes("bob")), "ada to see bob arrive");

    await say(bob, "Hi @ada, welcome");
    await until(() => messageTexts(ada).then((texts) => texts.includes("Hi @ada, welcome")), "ada to see bob's message");
    await until(() => notifications(ada).then((items) => items.some((text) => text.includes("@bob mentioned you"))),
      "the mention in ada's inbox");

    await bob.getByTitle("Wave at ada").click();
    await until(() => notifications(ada).then((items) => items.some((text) => text.includes("bob waved at you"))),
      "bob's wave in ada's inbox");
    // Inbox events are targeted at one user: bob's own inbox got neither.
    assert.deepEqual(await notifications(bob), []);
    assert.equal((await received(bob)).filter((event) => event.stream === "inbox").length, 0);

    await ada.screenshot({ path: join(output, "chat.png") });
  });

  test("after a server restart the page resumes with exactly the events it missed", { timeout: TEST_TIMEOUT_MS }, async () => {
    await bob.context().close();
    await until(() => memberNames(ada).then((names) => !names.includes("bob")), "ada to see bob leave");
    await until(() => connection(ada, "room").then((c) => c.status === "open"), "ada's room stream to be open");
    const before = await messageIds(ada);
    const lastIdBefore = lastRoomEventId(await received(ada));

    // Hold ada's streams back while the server restarts, so that events are published that she misses. Her page's
    // three clients share one connection, to the multiplexed endpoint.
    await ada.context().route((url) => url.pathname === "/api/events", (route) => route.abort());
    await app.stop();
    await until(() => connection(ada, "room").then((c) => c.status === "reconnecting"), "ada's page to show it is reconnecting");
    assert.match(await ada.locator("#live").innerText(), /reconnecting/);
    await ada.screenshot({ path: join(output, "chat-reconnecting.png") });

    app = await startChat({ port, connectionString: postgres.connectionString, log });
    const carol = await apiSession("carol");
    const missed = [];
    for (const text of ["Missed one", "Missed two", "Missed three"]) {
      missed.push((await carol.post("general", text)).id);
    }

    await ada.context().unrouteAll();
    await until(() => messageIds(ada).then((ids) => missed.every((id) => ids.includes(id))), "the missed messages on ada's page");
    await until(() => connection(ada, "room").then((c) => c.status === "open" && c.reconnects >= 1),
      "ada's room stream to show it reconnected");

    // The page shows every message once, in order: what it had, then what it missed.
    assert.deepEqual(await messageIds(ada), [...before, ...missed]);
    // Its room stream got each event once, nothing before its last id again, no reset, and the missed messages as
    // the first events after that id (replayed from PostgreSQL, before anything new).
    const events = await received(ada);
    const room = events.filter((event) => event.stream === "room");
    assert.equal(new Set(room.map((event) => event.id)).size, room.length, "an event arrived twice");
    const resets = events.filter((event) => event.type === "typedsse:reset");
    assert.equal(resets.length, 0, `the server could not replay: ${JSON.stringify(resets)}`);
    const afterRestart = room.filter((event) => BigInt(event.id) > BigInt(lastIdBefore));
    assert.deepEqual(afterRestart.slice(0, 3).map((event) => event.type), ["messagePosted", "messagePosted", "messagePosted"]);
    assert.equal(room.indexOf(afterRestart[0]), room.length - afterRestart.length, "an event from before the restart came again");

    await ada.screenshot({ path: join(output, "chat-resumed.png") });
  });

  test("without PostgreSQL a restart loses the history, and the page reloads the room on typedsse:reset", { timeout: TEST_TIMEOUT_MS }, async () => {
    const memoryPort = await freePort();
    let memoryApp = await startChat({ port: memoryPort, log: join(output, "chat-in-memory.log") });
    try {
      const page = await signIn("grace", memoryApp.url);
      await say(page, "Before the restart");
      await until(() => messageTexts(page).then((texts) => texts.includes("Before the restart")), "grace's message");

      await memoryApp.stop();
      await until(() => connection(page, "room").then((c) => c.status === "reconnecting"), "grace's page to show it is reconnecting");
      const reloaded = page.waitForRequest((request) => request.url().endsWith("/api/rooms/general"), { timeout: PATIENCE_MS });
      memoryApp = await startChat({ port: memoryPort, log: join(output, "chat-in-memory.log") });

      // The new server's history starts after grace's last id: it cannot replay and says so, and the page reloads.
      await reloaded;
      await until(() => received(page).then((events) => events.some((event) => event.stream === "room" && event.type === "typedsse:reset")),
        "the reset on grace's room stream");
      await until(() => connection(page, "room").then((c) => c.status === "open" && c.reconnects >= 1), "grace's room stream to reconnect");
      await say(page, "After the restart");
      await until(() => messageTexts(page).then((texts) => texts.includes("After the restart")), "a message after the restart");
    } finally {
      await memoryApp.stop();
    }
  });

  async function signIn(name, url = app.url) {
    const context = await browser.newContext({ viewport: { width: 1280, height: 760 } });
    const page = await context.newPage();
    page.setDefaultTimeout(PATIENCE_MS);
    await page.goto(`${url}/#general`);
    await page.locator("#sign-in-name").fill(name);
    await page.locator("#sign-in button").click();
    for (const stream of STREAMS) {
      await until(() => connection(page, stream).then((c) => c.status === "open"), `${name}'s ${stream} stream to open`);
    }
    return page;
  }

  const apiSession = (name) => apiSessionAt(app.url, name);
});

function lastRoomEventId(events) {
  const room = events.filter((event) => event.stream === "room" && event.id);
  return room[room.length - 1].id;
}
