// One connection for every stream and every tab: the chat's three clients share one connection to the multiplexed
// endpoint (/api/events), and the tabs of one browser share that one, over plain HTTP/1.1, where a browser allows
// six connections per origin. The server counts what it holds open (GET /api/server); every check of "exactly once"
// is against a sequence the test published (numbered messages). The sample runs as the README starts it, with its
// history in memory; screenshots and the app's log go to test-results/.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { mkdirSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { ensureBuilt, startChat } from "./support/chat-app.mjs";
import {
  apiSession, connection, cutConnection, eventStreamRequests, launchChromium, memberNames, messageTexts, notifications, numbered, openChat,
  openEventSource, range, received, say, serverState, signInQuietly,
} from "./support/chat-page.mjs";
import { freePort } from "./support/ports.mjs";
import { PATIENCE_MS, until } from "./support/wait.mjs";

const output = join(dirname(fileURLToPath(import.meta.url)), "test-results");
const TEST_TIMEOUT_MS = 3 * PATIENCE_MS;

describe("samples/Chat: one event-stream connection per browser", { timeout: 12 * PATIENCE_MS }, () => {
  let app;
  let browser;
  let url;

  before(async () => {
    mkdirSync(output, { recursive: true });
    ensureBuilt();
    app = await startChat({ port: await freePort(), log: join(output, "tabs.log") });
    url = app.url;
    browser = await launchChromium();
  });

  after(async () => {
    await browser?.close();
    await app?.stop();
  });

  test("eight tabs hold one event-stream connection, and every action works in every tab", { timeout: TEST_TIMEOUT_MS }, async (t) => {
    await noConnections();
    const started = Date.now();
    const step = (what) => t.diagnostic(`${what} after ${Date.now() - started} ms`);
    const context = await newContext();
    const carolContext = await newContext();
    try {
      const rooms = ["eight-a", "eight-b", "eight-c", "eight-d"];
      const roomOf = (i) => rooms[i % rooms.length];
      const requests = eventStreamRequests(context);
      // The first tab leads; the others load together.
      const tabs = [await openChat(context, { url, room: roomOf(0), name: "ada" })];
      tabs.push(...await Promise.all(range(1, 7).map((i) => openChat(context, { url, room: roomOf(i) }))));
      const eachTab = (action) => Promise.all(tabs.map((tab, i) => action(tab, i)));
      const union = { eventStreamConnections: 1, subscriptions: { lobby: 1, rooms: 4, inboxes: 1 } };
      await until(async () => equal(await serverState(url), union), "one connection for the union of the tabs' streams");
      step("eight tabs open");
      assert.ok(requests.every((request) => request.page === tabs[0]), "a tab other than the leading one requested /api/events");

      // Typing, from every tab: the page sends it as the composer changes, at most every two seconds.
      await eachTab(async (tab, i) => {
        const typed = tab.waitForResponse((response) => response.url().endsWith(`/api/rooms/${roomOf(i)}/typing`));
        await tab.locator("#composer-text").fill("typing…");
        assert.equal((await typed).status(), 204, `typing in tab ${i}`);
      });

      // Posts, from every tab: each tab shows exactly its room's messages.
      await eachTab((tab, i) => say(tab, `post ${i} in ${roomOf(i)}`));
      const posted = (room) => range(0, 7).filter((i) => roomOf(i) === room).map((i) => `post ${i} in ${room}`);
      await eachTab(async (tab, i) => {
        await until(() => messageTexts(tab).then((texts) => texts.length === 2), `tab ${i}'s two messages`);
        assert.deepEqual((await messageTexts(tab)).sort(), posted(roomOf(i)), `tab ${i}`);
      });

      step("posted and typed");
      // Carol reads along in all four rooms and her inbox, on a browser's own EventSource (another browser context,
      // so a connection of its own): she is listed in every room, so every tab can wave at her.
      const carolPage = await carolContext.newPage();
      await carolPage.goto(`${url}/`);
      await signInQuietly(carolPage, "carol");
      const carolStream = await openEventSource(carolPage, {
        subscriptions: ["/api/me/events", ...rooms.map((room) => `/api/rooms/${room}/events`)],
        types: ["0:waved", "0:mentioned"],
      });
      await until(() => carolStream.hellos().then((hellos) => hellos.length === 1), "carol's stream to open");
      await eachTab(async (tab, i) => {
        await until(() => memberNames(tab).then((names) => names.includes("carol")), `carol in tab ${i}'s member list`);
        await tab.getByTitle("Wave at carol").click();
      });
      await until(() => carolStream.events().then((events) => events.filter((event) => event.type === "0:waved").length === 8),
        "a wave from each of the eight tabs");
      const waves = (await carolStream.events()).filter((event) => event.type === "0:waved").map((event) => event.data);
      assert.deepEqual(waves.map((wave) => wave.room).sort(), range(0, 7).map(roomOf).sort());
      assert.ok(waves.every((wave) => wave.from === "ada"));

      step("waved");
      // Typing from carol, in one room; a mention and a wave for ada, which reach every tab.
      const carol = await apiSession(url, "carol");
      await carol.typing("eight-b");
      await carol.post("eight-c", "@ada look at this");
      await carol.wave("eight-c", "ada");
      const typingOf = async (tab, name) => (await received(tab)).filter((event) => event.stream === "room" && event.type === "typing" && event.data === name);
      await eachTab(async (tab, i) => {
        await until(async () => (await typingOf(tab, "ada")).length >= 1, `ada's typing in tab ${i}`);
        await until(() => notifications(tab).then((items) =>
          items.some((text) => text.includes("@carol mentioned you")) && items.some((text) => text.includes("carol waved at you"))),
        `the mention and the wave in tab ${i}`);
        if (roomOf(i) === "eight-b") {
          await until(async () => (await typingOf(tab, "carol")).length === 1, `carol's typing in tab ${i}`);
        }
      });
      // The mention went to eight-c after the typing went to eight-b: a tab elsewhere that has the mention would have
      // had the typing too.
      await eachTab(async (tab, i) => {
        assert.equal((await typingOf(tab, "carol")).length, roomOf(i) === "eight-b" ? 1 : 0, `tab ${i} sees only its room's typing`);
      });
      await tabs[2].screenshot({ path: join(output, "tabs-eight.png") });

      step("typing, a mention, a wave");
      // A new room, then a switch back to one of the four, in every tab at once; each posts and reads there.
      await eachTab(async (tab, i) => {
        await tab.locator("#new-room-name").fill(`fresh-${i}`);
        await tab.locator("#new-room-name").press("Enter");
        await inRoom(tab, `fresh-${i}`);
        await say(tab, `hello fresh ${i}`);
        await until(() => messageTexts(tab).then((texts) => texts.includes(`hello fresh ${i}`)), `tab ${i}'s message in #fresh-${i}`);
      });
      await eachTab(async (tab, i) => {
        const next = roomOf(i + 1);
        await tab.locator(`#rooms a[href="#${next}"]`).click();
        await inRoom(tab, next);
        await say(tab, `back ${i} in ${next}`);
      });
      await eachTab(async (tab, i) => {
        const room = roomOf(i + 1);
        const expected = range(0, 7).filter((j) => roomOf(j + 1) === room).map((j) => `back ${j} in ${room}`);
        await until(() => messageTexts(tab).then((texts) => expected.every((text) => texts.includes(text))), `the switched tabs' messages in tab ${i}`)
          .catch(async (error) => {
            const roomEvents = (await received(tab)).filter((event) => event.stream === "room").map((event) => `${event.type}@${event.id}`);
            const last = await Promise.all(requests.slice(-3).map(async (request) => {
              const query = new URL(request.url).searchParams.getAll("s").map((path) => path.replace("/api/rooms/", "").replace("/events", ""));
              return `${query.join("+")} from ${await request.lastEventId} ${request.outcome}`;
            }));
            const leaderEvents = (await received(tabs[0])).filter((event) => event.stream === "room").slice(-6).map((event) => `${event.type}@${event.id}`);
            error.message += `; expected ${JSON.stringify(expected)}, shown ${JSON.stringify(await messageTexts(tab))}, room events ${roomEvents.join(" ")}, room stream ${JSON.stringify(await connection(tab, "room"))}; the last requests: ${last.join("; ")}; the leading tab's last room events: ${leaderEvents.join(" ")}`;
            throw error;
          });
        assert.ok(!(await messageTexts(tab)).some((text) => text.startsWith("hello fresh")), `tab ${i} still shows a room it left`);
      });
      step("switched rooms");
      await carolContext.close();
      await until(async () => equal(await serverState(url), union), "one connection again, for the tabs' new union");
      for (let i = 0; i < tabs.length; i++) {
        for (const stream of ["room", "lobby", "inbox"]) {
          assert.equal((await connection(tabs[i], stream)).status, "open", `tab ${i}'s ${stream} stream`);
        }
      }
      assert.ok(requests.every((request) => request.page === tabs[0]), "a tab other than the leading one requested /api/events");
    } finally {
      await carolContext.close();
      await context.close();
    }
  });

  test("closing the leading tab during a steady publish: another takes over, and every tab gets each event once", { timeout: TEST_TIMEOUT_MS }, async (t) => {
    await noConnections();
    const context = await newContext();
    const observerContext = await newContext();
    try {
      const requests = eventStreamRequests(context);
      const leader = await openChat(context, { url, room: "take-x", name: "dave" });
      const tabs = [
        await openChat(context, { url, room: "take-x" }),
        await openChat(context, { url, room: "take-y" }),
        await openChat(context, { url, room: "take-y" }),
      ];
      await until(async () => (await serverState(url)).eventStreamConnections === 1, "one connection for the four tabs");
      assert.ok(requests.every((request) => request.page === leader));

      // The lobby also carries presence, so its reference is an EventSource of another browser that nobody closes.
      const observerPage = await observerContext.newPage();
      await observerPage.goto(`${url}/`);
      const observer = await openEventSource(observerPage, { subscriptions: ["/api/lobby/events"], types: ["0:roomUpdated"] });
      await until(() => observer.hellos().then((hellos) => hellos.length === 1), "the observer's stream to open");

      // Odd numbers go to #take-x, even ones to #take-y, each mentioning dave: a room event, a lobby event and an
      // inbox event per message.
      const erin = await apiSession(url, "erin");
      const publish = async (from, to) => {
        for (let n = from; n <= to; n++) {
          await erin.post(n % 2 === 1 ? "take-x" : "take-y", `take ${n} @dave`);
        }
      };
      const publishing = publish(1, 60);
      await until(async () => numbered(await roomTexts(tabs[0]), "take").length >= 5, "the first messages");
      const closing = Date.now();
      await leader.close();
      const closed = Date.now();
      const takeover = await until(() => requests.find((request) => request.at >= closing && request.page !== leader), "another tab to connect");
      t.diagnostic(`the tab in ${takeover.page === tabs[0] ? "#take-x" : "#take-y"} connected ${takeover.at - closing} ms after the close began, `
        + `${takeover.at - closed} ms after it ended`);
      assert.match(await takeover.lastEventId, /^[\d,]*\d[\d,]*$/, "the new leader resumes from a cursor");
      await publishing;
      await publish(61, 70);

      const inRoomX = range(1, 70).filter((n) => n % 2 === 1);
      const inRoomY = range(1, 70).filter((n) => n % 2 === 0);
      const expectations = [[tabs[0], inRoomX], [tabs[1], inRoomY], [tabs[2], inRoomY]];
      for (const [tab, numbers] of expectations) {
        await until(async () => numbered(await roomTexts(tab), "take").length >= numbers.length
          && numbered(await inboxTexts(tab), "take").length >= 70
          && publishedWindow((await received(tab)).filter((event) => event.stream === "lobby"), 1, 70).length > 0,
        "every message in the tabs that stayed");
      }
      await until(async () => publishedWindow(await observer.events(), 1, 70).length > 0, "the last message in the observer's lobby");
      const reference = await observer.events();
      for (const [tab, numbers] of expectations) {
        assert.deepEqual(numbered(await roomTexts(tab), "take"), numbers, "the room's messages, each once");
        assert.deepEqual(numbered(await inboxTexts(tab), "take"), range(1, 70), "the mentions, each once");
        const lobby = (await received(tab)).filter((event) => event.stream === "lobby");
        assert.deepEqual(publishedWindow(lobby, 1, 70), publishedWindow(reference, 1, 70), "the lobby's events, each once");
        assert.ok(!(await received(tab)).some((event) => event.type === "typedsse:reset"), "a stream was reset");
      }
      assert.deepEqual([...new Set(reference.flatMap((event) => numbered([event.data.lastMessage?.text], "take")))].sort((a, b) => a - b),
        range(1, 70), "the observer saw every message in the lobby");
      await until(async () => (await serverState(url)).eventStreamConnections === 2, "one connection for the tabs, one for the observer");
    } finally {
      await observerContext.close();
      await context.close();
    }
  });

  test("a leading tab that crashes (no goodbye, no pagehide): the other tab takes over and loses nothing", { timeout: TEST_TIMEOUT_MS }, async () => {
    await noConnections();
    const context = await newContext();
    try {
      const requests = eventStreamRequests(context);
      const leader = await openChat(context, { url, room: "crash-x", name: "fay" });
      const follower = await openChat(context, { url, room: "crash-x" });
      await until(async () => (await serverState(url)).eventStreamConnections === 1, "one connection for the two tabs");
      assert.ok(requests.every((request) => request.page === leader));

      const erin = await apiSession(url, "erin");
      const publish = async (from, to) => {
        for (let n = from; n <= to; n++) {
          await erin.post("crash-x", `crash ${n} @fay`);
        }
      };
      await publish(1, 5);
      await until(async () => numbered(await roomTexts(follower), "crash").length === 5, "the first messages in the follower");

      // The renderer dies: the browser frees its Web Lock, and nothing of the page runs to say goodbye.
      const cdp = await context.newCDPSession(leader);
      void cdp.send("Page.crash").catch(() => {});
      await publish(6, 10);
      await until(() => requests.find((request) => request.page === follower), "the follower to connect");
      await publish(11, 15);

      await until(async () => numbered(await roomTexts(follower), "crash").length >= 15 && numbered(await inboxTexts(follower), "crash").length >= 15,
        "every message in the follower");
      assert.deepEqual(numbered(await roomTexts(follower), "crash"), range(1, 15), "the room's messages, each once");
      assert.deepEqual(numbered(await inboxTexts(follower), "crash"), range(1, 15), "the mentions, each once");
      assert.ok(!(await received(follower)).some((event) => event.type === "typedsse:reset"), "a stream was reset");
      await until(async () => (await serverState(url)).eventStreamConnections === 1, "the crashed tab's connection gone, the follower's open");
    } finally {
      await context.close();
    }
  });

  test("a browser's own EventSource on the multiplexed URL, cut by the server, resumes every subscription exactly", { timeout: TEST_TIMEOUT_MS }, async () => {
    await noConnections();
    const context = await newContext();
    try {
      const requests = eventStreamRequests(context);
      const page = await context.newPage();
      await page.goto(`${url}/`);
      const rooms = ["native-a", "native-b"];
      const stream = await openEventSource(page, {
        subscriptions: ["/api/lobby/events", ...rooms.map((room) => `/api/rooms/${room}/events`)],
        types: ["0:roomUpdated", ...[1, 2].flatMap((i) => ["messagePosted", "memberJoined", "memberLeft", "typing"].map((type) => `${i}:${type}`))],
      });
      await until(() => stream.hellos().then((hellos) => hellos.length === 1), "the stream to open");
      const [hello] = await stream.hellos();
      assert.deepEqual(hello.subscriptions.map((subscription) => subscription.path), ["/api/lobby/events", "/api/rooms/native-a/events", "/api/rooms/native-b/events"]);

      const erin = await apiSession(url, "erin");
      const publish = async (from, to) => {
        for (let n = from; n <= to; n++) {
          await erin.post(rooms[n % 2], `native ${n}`);
        }
      };
      const roomNumbers = async (i) => numbered((await stream.events()).filter((event) => event.type === `${i}:messagePosted`).map((event) => event.data.text), "native");
      const lobbyNumbers = async () => numbered((await stream.events())
        .filter((event) => event.type === "0:roomUpdated" && rooms.includes(event.data.name)).map((event) => event.data.lastMessage?.text), "native");
      await publish(1, 10);
      await until(async () => (await roomNumbers(1)).length + (await roomNumbers(2)).length === 10 && (await lobbyNumbers()).length === 10,
        "the first ten messages");

      // Hold the browser's reconnect back until more was published, so that those events can only come by replay.
      let release;
      const held = new Promise((resolve) => { release = resolve; });
      await context.route((address) => address.pathname === "/api/events", async (route) => {
        await held;
        await route.continue();
      });
      await cutConnection(url, hello.subscriptions[0].connectionId);
      await until(() => stream.counts().then((counts) => counts.errors === 1 && counts.readyState === 0), "the EventSource to see the cut");
      // Read once the stream is cut, not before: a lobby event (a leave from an earlier test's tab) may still arrive.
      const lastIdBeforeCut = (await stream.events()).at(-1).id;
      await publish(11, 20);
      release();
      await until(() => stream.hellos().then((hellos) => hellos.length === 2), "the browser to reconnect");
      await context.unrouteAll();
      await publish(21, 30);
      await until(async () => (await roomNumbers(1)).length + (await roomNumbers(2)).length === 30 && (await lobbyNumbers()).length === 30,
        "every message");

      const events = await stream.events();
      assert.deepEqual(await roomNumbers(1), range(1, 30).filter((n) => n % 2 === 0), "#native-a, each message once");
      assert.deepEqual(await roomNumbers(2), range(1, 30).filter((n) => n % 2 === 1), "#native-b, each message once");
      // Nobody signed in reads these rooms, so the lobby's events about them are the posts' alone.
      assert.deepEqual(await lobbyNumbers(), range(1, 30), "the lobby, each event once");
      assert.ok(!events.some((event) => event.type.endsWith(":typedsse:reset") || event.type === "message"));
      // The browser reconnected by itself, once, and the server resumed from the cursor of the last event it had
      // (the new hello's id; Playwright does not report the Last-Event-ID header that the EventSource adds).
      assert.equal((await stream.counts()).opens, 2);
      assert.equal(requests.length, 2);
      assert.equal((await stream.hellos())[1].id, lastIdBeforeCut);
      const firstAfter = events.findIndex((event) => event.id === lastIdBeforeCut) + 1;
      const replayed = numbered(events.slice(firstAfter).filter((event) => event.type !== "0:roomUpdated").map((event) => event.data.text), "native");
      assert.deepEqual(replayed.slice(0, 10).sort((a, b) => a - b), range(11, 20), "the messages published while it was away came first, replayed");
      await stream.close();
    } finally {
      await context.close();
    }
  });

  test("a subscription the user may not have is refused alone, and nothing of it is ever delivered", { timeout: TEST_TIMEOUT_MS }, async () => {
    await noConnections();
    const frankContext = await newContext();
    const context = await newContext();
    try {
      // Frank's own inbox, so that there is something to leak: mentions of frank, live and in the history.
      const frankPage = await frankContext.newPage();
      await frankPage.goto(`${url}/`);
      await signInQuietly(frankPage, "frank");
      const frank = await openEventSource(frankPage, { subscriptions: ["/api/me/events"], types: ["0:mentioned", "0:waved"] });
      await until(() => frank.hellos().then((hellos) => hellos.length === 1), "frank's inbox to open");
      const erin = await apiSession(url, "erin");
      await erin.post("refuse-a", "refuse 1 @frank");
      await until(() => frank.events().then((events) => events.length === 1), "frank's first mention");
      const inboxId = (await frank.events())[0].id;
      await erin.post("refuse-a", "refuse 2 @frank");
      await erin.wave("refuse-a", "frank");

      // Signed out, with a cursor that would replay frank's inbox from his first mention: the inbox needs sign-in
      // (its RequireAuthorization policy fails: 401), and OnConnecting rejects a room name that is not one (404).
      const page = await context.newPage();
      await page.goto(`${url}/`);
      const subscriptions = ["/api/lobby/events", "/api/me/events", "/api/rooms/refuse-a/events", "/api/rooms/Not_A_Room/events"];
      const stream = await openEventSource(page, {
        subscriptions,
        types: ["0:roomUpdated", "1:mentioned", "1:waved", "2:messagePosted", "3:messagePosted", "3:typing"],
        lastEventId: `,${inboxId},,`,
      });
      await until(() => stream.hellos().then((hellos) => hellos.length === 1), "the stream to open");
      const refusals = (hello) => hello.subscriptions.map((subscription) => subscription.refused ?? null);
      assert.deepEqual(refusals((await stream.hellos())[0]), [null, 401, null, 404]);
      await until(() => stream.events().then((events) => events.length === 2), "the refusals");
      assert.deepEqual((await stream.events()).map((event) => [event.type, event.data.status]),
        [["1:typedsse:refused", 401], ["3:typedsse:refused", 404]]);

      await erin.post("refuse-a", "refuse 3 @frank");
      await erin.post("refuse-a", "refuse 4 @frank");
      const roomNumbers = async () => numbered((await stream.events()).filter((event) => event.type === "2:messagePosted").map((event) => event.data.text), "refuse");
      await until(async () => (await roomNumbers()).length === 2, "the room's messages while the others are refused");

      // Cut by the server, the browser reconnects with its cursor (empty for the refused ones): refused again, alone.
      const [hello] = await stream.hellos();
      await cutConnection(url, hello.subscriptions[0].connectionId);
      await until(() => stream.hellos().then((hellos) => hellos.length === 2), "the browser to reconnect");
      assert.deepEqual(refusals((await stream.hellos())[1]), [null, 401, null, 404]);
      await erin.post("refuse-a", "refuse 5 @frank");
      await until(async () => (await roomNumbers()).length === 3, "the room's message after the reconnect");
      await until(() => frank.events().then((events) => events.length === 6), "frank's mentions and wave");

      const events = await stream.events();
      assert.deepEqual(await roomNumbers(), [3, 4, 5]);
      assert.deepEqual(numbered(events.filter((event) => event.type === "0:roomUpdated").map((event) => event.data.lastMessage?.text), "refuse"), [3, 4, 5]);
      assert.deepEqual(events.filter((event) => /^[13]:/.test(event.type)).map((event) => event.type),
        ["1:typedsse:refused", "3:typedsse:refused", "1:typedsse:refused", "3:typedsse:refused"], "only the refusals of the refused ones");
      assert.ok(!events.some((event) => event.type === "message"));
      assert.deepEqual(numbered((await frank.events()).filter((event) => event.type === "0:mentioned").map((event) => event.data.text), "refuse"), range(1, 5));
      await stream.close();
      await frank.close();
    } finally {
      await context.close();
      await frankContext.close();
    }
  });

  test("switching rooms 100 times during a steady publish loses and repeats nothing on the lobby and the inbox", { timeout: 5 * PATIENCE_MS }, async (t) => {
    await noConnections();
    const context = await newContext();
    const requests = eventStreamRequests(context);
    let switching = true;
    let publishing;
    try {
      const tab = await openChat(context, { url, room: "switch-a", name: "gina" });
      const pageErrors = [];
      tab.on("pageerror", (error) => pageErrors.push(error.message));
      tab.on("console", (message) => message.type() === "error" && pageErrors.push(message.text()));
      const erin = await apiSession(url, "erin");
      let published = 0;
      const post = () => erin.post("steady", `steady ${++published} @gina`);
      // Steady, not a flood: a page that gets hundreds of mentions a second is starved of its main thread, and a
      // switch then waits on rendering, not on the stream.
      publishing = (async () => {
        while (switching) {
          await post();
          await new Promise((resolve) => setTimeout(resolve, 20));
        }
      })();
      await until(async () => numbered(await inboxTexts(tab), "steady").length >= 3, "the first messages");

      // One switch at a time from here, so that a switch that never opens says which one and in what state.
      const started = Date.now();
      for (let i = 1; i <= 100; i++) {
        const room = i % 2 === 1 ? "switch-b" : "switch-a";
        await tab.evaluate((name) => { location.hash = name; }, room);
        await tab.waitForFunction((name) => document.getElementById("room-name").textContent === `#${name}`
          && document.getElementById("connection-room").dataset.status === "open", room, { polling: 10, timeout: PATIENCE_MS / 2 })
          .catch(async (error) => {
            const shown = await tab.evaluate(() => ({
              hash: location.hash, name: document.getElementById("room-name").textContent, status: document.getElementById("connection-room").dataset.status,
            }));
            throw new Error(`switch ${i} to #${room}: after ${PATIENCE_MS / 2} ms the page at ${shown.hash} shows ${shown.name}, whose stream is ${shown.status}; page errors: ${JSON.stringify(pageErrors)}; the last requests: ${JSON.stringify(requests.slice(-3).map((request) => ({
              paths: new URL(request.url).searchParams.getAll("s"), ago: Date.now() - request.at, outcome: request.outcome })))} (${error.message})`);
          });
      }
      t.diagnostic(`100 room switches, each until the new room's stream was open, took ${Date.now() - started} ms`);
      switching = false;
      await publishing;
      assert.ok(published > 5, "the publish went on while the tab switched");
      for (let i = 0; i < 5; i++) {
        await post();
      }

      await until(async () => numbered(await inboxTexts(tab), "steady").length >= published
        && numbered(await lobbyTexts(tab, "steady"), "steady").length >= published, "every message in the lobby and the inbox")
        .catch(async (error) => {
          throw new Error(`${error.message}: the inbox ${gaps(numbered(await inboxTexts(tab), "steady"), published)}; `
            + `the lobby ${gaps(numbered(await lobbyTexts(tab, "steady"), "steady"), published)}; `
            + `${(await received(tab)).filter((event) => event.type === "typedsse:reset").map((event) => `a reset of ${event.stream}`).join(", ") || "no reset"}`);
        });
      assert.deepEqual(numbered(await inboxTexts(tab), "steady"), range(1, published), "the inbox, each mention once");
      assert.deepEqual(numbered(await lobbyTexts(tab, "steady"), "steady"), range(1, published), "the lobby, each update once");
      const events = await received(tab);
      assert.ok(!events.some((event) => event.stream !== "room" && event.type === "typedsse:reset"), "the lobby or the inbox was reset");

      // The room it ended in works, on the same one connection.
      await inRoom(tab, "switch-a");
      await say(tab, "after switching");
      await until(() => messageTexts(tab).then((texts) => texts.includes("after switching")), "a message in the last room");
      await until(async () => equal(await serverState(url), { eventStreamConnections: 1, subscriptions: { lobby: 1, rooms: 1, inboxes: 1 } }),
        "one connection with the tab's three subscriptions");
      await tab.screenshot({ path: join(output, "tabs-switched.png") });
    } finally {
      switching = false;
      await publishing?.catch(() => {});
      await context.close();
    }
  });

  test("signing out in a tab that does not hold the connection ends the user's streams: the leading tab signs out at once", { timeout: TEST_TIMEOUT_MS }, async () => {
    await noConnections();
    const context = await newContext();
    try {
      const leader = await openChat(context, { url, room: "sign-out", name: "sam" });
      const other = await openChat(context, { url, room: "sign-out" });
      await until(async () => (await serverState(url)).eventStreamConnections === 1, "one shared connection");

      // The leading tab's connection was authorized by the cookie that the other tab now clears: the server closes
      // it (typedsse:close), it reconnects without the cookie, the inbox is refused with 401, and the tab signs out.
      await other.locator("#sign-out").click();
      await until(() => leader.evaluate(() => document.body.dataset.view === "sign-in"), "the leading tab to sign out");
      await until(async () => (await serverState(url)).subscriptions.inboxes === 0, "no inbox left on the server");
    } finally {
      await context.close();
    }
  });

  function newContext() {
    return browser.newContext({ viewport: { width: 1280, height: 760 } });
  }

  /** Waits until the server holds no event-stream connection: the previous test's browsers are gone. */
  async function noConnections() {
    await until(async () => (await serverState(url)).eventStreamConnections === 0, "no event-stream connection from an earlier test");
  }
});

async function inRoom(page, room) {
  await until(async () => (await page.locator("#room-name").innerText()) === `#${room}`
    && (await connection(page, "room")).status === "open", `the tab to be in #${room}`);
}

const roomTexts = async (page) => (await received(page)).filter((event) => event.stream === "room" && event.type === "messagePosted").map((event) => event.data.text);
/** What a list of the numbers 1..`count` lacks and repeats. */
function gaps(numbers, count) {
  const missing = range(1, count).filter((n) => !numbers.includes(n));
  const repeated = [...new Set(numbers.filter((n, i) => numbers.indexOf(n) !== i))];
  return `lacks [${missing.join(", ")}] and repeats [${repeated.join(", ")}] of 1..${count}`;
}

const inboxTexts = async (page) => (await received(page)).filter((event) => event.stream === "inbox" && event.type === "mentioned").map((event) => event.data.text);
const lobbyTexts = async (page, room) => (await received(page))
  .filter((event) => event.stream === "lobby" && event.type === "roomUpdated" && event.data.name === room)
  .map((event) => event.data.lastMessage?.text);

/**
 * The ids of the lobby events from the first that shows message `first` as a room's last to the first that shows
 * `last`: an event lost or repeated in between changes the list.
 */
function publishedWindow(lobbyEvents, first, last) {
  const number = (event) => numbered([event.data?.lastMessage?.text], "take")[0];
  const start = lobbyEvents.findIndex((event) => number(event) === first);
  const end = lobbyEvents.findIndex((event) => number(event) === last);
  return start < 0 || end < 0 ? [] : lobbyEvents.slice(start, end + 1).map((event) => event.id);
}

function equal(actual, expected) {
  try {
    assert.deepEqual(actual, expected);
    return true;
  } catch {
    return false;
  }
}
