// What a new user meets first: a send that fails keeps its text, says why and can be retried; typing and wave
// failures are shown; the page works in a 420 px window; the page loads without a 404 (a favicon); and "No messages
// yet" comes after the room's join notices. The sample runs as the README starts it, with its history in memory.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { mkdirSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { ensureBuilt, startChat } from "./support/chat-app.mjs";
import { launchChromium, messageTexts, openChat } from "./support/chat-page.mjs";
import { freePort } from "./support/ports.mjs";
import { PATIENCE_MS, until } from "./support/wait.mjs";

const output = join(dirname(fileURLToPath(import.meta.url)), "test-results");
const TEST_TIMEOUT_MS = 3 * PATIENCE_MS;

describe("samples/Chat: the first five minutes", { timeout: 10 * PATIENCE_MS }, () => {
  let app;
  let browser;

  before(async () => {
    mkdirSync(output, { recursive: true });
    ensureBuilt();
    app = await startChat({ port: await freePort(), log: join(output, "composer.log") });
    browser = await launchChromium();
  });

  after(async () => {
    await browser?.close();
    await app?.stop();
  });

  test("a send that fails keeps its text and says why, and Send tries again; typing and wave failures are shown", { timeout: TEST_TIMEOUT_MS }, async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 760 } });
    try {
      const page = await openChat(context, { url: app.url, room: "send-fail", name: "kim" });
      const composer = page.locator("#composer-text");
      const error = page.locator("#composer-error");

      // The server answers 503 (a connection limit, an overloaded instance).
      await page.route("**/api/rooms/send-fail/messages", (route) => route.fulfill({ status: 503, body: "busy" }));
      await composer.fill("Hello, is this on?");
      await page.locator("#composer-send").click();
      await until(async () => (await error.innerText()).includes("503"), "the error of the 503");
      assert.equal(await composer.inputValue(), "Hello, is this on?", "the text stays in the box");
      assert.match(await error.innerText(), /Not sent: the server answered 503.*press Send to try again/);
      assert.deepEqual(await messageTexts(page), [], "nothing was posted");

      // The server cannot be reached at all.
      await page.unrouteAll();
      await page.route("**/api/rooms/send-fail/messages", (route) => route.abort("connectionrefused"));
      await page.locator("#composer-send").click();
      await until(async () => (await error.innerText()).includes("cannot be reached"), "the error of the refused connection");
      assert.equal(await composer.inputValue(), "Hello, is this on?");

      // Back again: Send posts the text that stayed, once, and the box and the error clear.
      await page.unrouteAll();
      await page.locator("#composer-send").click();
      await until(async () => (await messageTexts(page)).includes("Hello, is this on?"), "the retried message");
      await until(async () => await composer.inputValue() === "" && !(await error.isVisible()), "the box and the error to clear");
      assert.deepEqual(await messageTexts(page), ["Hello, is this on?"]);

      // Typing and waving that fail say so, below the messages.
      const actionError = page.locator("#action-error");
      await page.route("**/api/rooms/send-fail/typing", (route) => route.fulfill({ status: 500 }));
      // The page sends typing at most every two seconds, so keep typing until it does.
      let keys = 0;
      await until(async () => {
        await composer.fill(`typing ${++keys}`);
        return (await actionError.innerText()).includes("Typing not shown to others: the server answered 500");
      }, "the typing failure");
      const other = await openChat(await browser.newContext(), { url: app.url, room: "send-fail", name: "lou" });
      try {
        await page.route("**/api/rooms/send-fail/wave", (route) => route.abort("connectionrefused"));
        await page.getByTitle("Wave at lou").click();
        await until(async () => (await actionError.innerText()).includes("Wave at lou not sent: the server cannot be reached"), "the wave failure");
      } finally {
        await other.context().close();
      }
      await page.screenshot({ path: join(output, "composer-failed.png") });
    } finally {
      await context.close();
    }
  });

  test("a send the server never answers gives up after 10 s (on the page's clock), keeps its text and says so", { timeout: TEST_TIMEOUT_MS }, async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 760 } });
    try {
      await context.clock.install();
      const page = await openChat(context, { url: app.url, room: "send-hang", name: "mia" });
      const composer = page.locator("#composer-text");
      const error = page.locator("#composer-error");
      const held = [];
      await page.route("**/api/rooms/send-hang/messages", (route) => { held.push(route); }); // never answered
      await composer.fill("Anyone there?");
      await page.locator("#composer-send").click();
      await until(() => held.length === 1, "the send to reach the server");
      await page.clock.fastForward(9_000);
      assert.equal(await error.isVisible(), false, "no error before the 10 s are up");
      await page.clock.fastForward(1_001);
      await until(async () => (await error.innerText()).includes("did not answer within 10 s"), "the error of the hung send");
      assert.match(await error.innerText(), /Not sent: the server did not answer within 10 s.*press Send to try again/);
      assert.equal(await composer.inputValue(), "Anyone there?", "the text stays in the box");

      await page.unrouteAll({ behavior: "ignoreErrors" });
      await page.locator("#composer-send").click();
      await until(async () => (await messageTexts(page)).includes("Anyone there?"), "the retried message");
      assert.deepEqual(await messageTexts(page), ["Anyone there?"], "posted once");
    } finally {
      await context.close();
    }
  });

  test("in a 420 px window the columns do not overlap and the message box is on screen and works", { timeout: TEST_TIMEOUT_MS }, async () => {
    const viewport = { width: 420, height: 760 };
    const context = await browser.newContext({ viewport });
    try {
      const page = await openChat(context, { url: app.url, room: "narrow", name: "max" });
      const boxes = {};
      for (const selector of ["header", ".sidebar", "main", "aside"]) {
        boxes[selector] = await page.locator(selector).boundingBox();
        assert.ok(boxes[selector] && boxes[selector].width > 0 && boxes[selector].height > 0, `${selector} is shown`);
        assert.ok(boxes[selector].x >= 0 && boxes[selector].x + boxes[selector].width <= viewport.width + 0.5, `${selector} fits the width`);
      }
      const names = Object.keys(boxes);
      for (const [i, a] of names.entries()) {
        for (const b of names.slice(i + 1)) {
          assert.ok(!overlap(boxes[a], boxes[b]), `${a} ${JSON.stringify(boxes[a])} and ${b} ${JSON.stringify(boxes[b])} overlap`);
        }
      }
      const composer = await page.locator("#composer-text").boundingBox();
      const send = await page.locator("#composer-send").boundingBox();
      for (const [name, box] of [["the message box", composer], ["Send", send]]) {
        assert.ok(box && box.height > 0 && box.width > 0, `${name} is shown`);
        assert.ok(box.y >= 0 && box.y + box.height <= viewport.height && box.x >= 0 && box.x + box.width <= viewport.width,
          `${name} ${JSON.stringify(box)} is in the 420 × 760 viewport`);
        assert.ok(inside(box, boxes.main), `${name} is in the room's column`);
      }
      assert.ok(composer.width >= 200, `the message box is wide enough to type in (${composer.width} px)`);
      await page.locator("#composer-text").fill("from a narrow window");
      await page.locator("#composer-send").click();
      await until(async () => (await messageTexts(page)).includes("from a narrow window"), "the message");
      await page.screenshot({ path: join(output, "narrow.png") });
    } finally {
      await context.close();
    }
  });

  test("the page loads without a 404, its favicon included", { timeout: TEST_TIMEOUT_MS }, async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 760 } });
    try {
      const failed = [];
      context.on("response", (response) => response.status() >= 400 && failed.push(`${response.status()} ${response.url()}`));
      const page = await openChat(context, { url: app.url, room: "favicon", name: "ned" });
      await page.reload();
      await until(() => page.evaluate(() => document.body.dataset.view === "chat"), "the page to load again");
      const icon = await page.evaluate(async () => {
        const link = document.querySelector("link[rel=icon]");
        const response = link && await fetch(link.href);
        return link && { href: link.getAttribute("href"), status: response.status, type: response.headers.get("content-type") };
      });
      assert.ok(icon, "the page names its icon");
      assert.equal(icon.status, 200, `the icon ${icon.href}`);
      assert.match(icon.type, /^image\//);
      assert.deepEqual(failed, [], "no request of the page failed");
    } finally {
      await context.close();
    }
  });

  test('"No messages yet" comes after the join notices, and goes with the first message', { timeout: TEST_TIMEOUT_MS }, async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 760 } });
    try {
      const page = await openChat(context, { url: app.url, room: "empty-state", name: "oda" });
      const notice = page.locator("[data-testid=notice]").filter({ hasText: "oda joined" });
      await until(() => notice.isVisible(), "oda's join notice");
      const empty = page.locator("#empty-room");
      assert.ok(await empty.isVisible(), "the empty state is shown");
      const noticeBox = await notice.boundingBox();
      const emptyBox = await empty.boundingBox();
      assert.ok(emptyBox.y >= noticeBox.y + noticeBox.height,
        `"No messages yet" ${JSON.stringify(emptyBox)} is below the join notice ${JSON.stringify(noticeBox)}`);
      await page.locator("#composer-text").fill("first");
      await page.locator("#composer-send").click();
      await until(async () => (await messageTexts(page)).includes("first") && !(await empty.isVisible()), "the empty state to go");
    } finally {
      await context.close();
    }
  });
});

function overlap(a, b) {
  const tolerance = 0.5;
  return a.x + a.width - tolerance > b.x && b.x + b.width - tolerance > a.x
    && a.y + a.height - tolerance > b.y && b.y + b.height - tolerance > a.y;
}

function inside(box, outer) {
  return box.x >= outer.x - 0.5 && box.y >= outer.y - 0.5
    && box.x + box.width <= outer.x + outer.width + 0.5 && box.y + box.height <= outer.y + outer.height + 0.5;
}
