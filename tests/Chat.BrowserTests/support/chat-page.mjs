// What the tests read from and do on the chat page, on a native EventSource in a page, and on the sample's HTTP API
// from Node.
import assert from "node:assert/strict";
import { chromium } from "playwright-core";
import { PATIENCE_MS, until } from "./wait.mjs";

export function launchChromium() {
  return chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
      "--disable-component-update", "--disable-sync"],
  });
}

export const STREAMS = ["room", "lobby", "inbox"];

/** Opens the chat in a new tab of `context` at `#room`, signing in as `name` if the context is not signed in yet. */
export async function openChat(context, { url, room = "general", name }) {
  const page = await context.newPage();
  page.setDefaultTimeout(PATIENCE_MS);
  await page.goto(`${url}/#${room}`);
  await until(() => page.evaluate(() => document.body.dataset.view !== "loading"), "the page to load");
  if (await page.evaluate(() => document.body.dataset.view === "sign-in")) {
    assert.ok(name, "the context is not signed in and no name was given");
    await page.locator("#sign-in-name").fill(name);
    await page.locator("#sign-in button").click();
  }
  for (const stream of STREAMS) {
    await until(() => connection(page, stream).then((c) => c.status === "open"), `the ${stream} stream of a tab in #${room} to open`);
  }
  return page;
}

export async function say(page, text) {
  await page.locator("#composer-text").fill(text);
  await page.locator("#composer button").click();
}

export const messageTexts = (page) => page.locator("[data-testid=message] .text").allInnerTexts();
export const messageIds = (page) => page.locator("[data-testid=message]").evaluateAll((items) => items.map((item) => item.dataset.id));
export const memberNames = (page) => page.locator("[data-testid=member] .name").allInnerTexts();
export const notifications = (page) => page.locator("[data-testid=notification]").allInnerTexts();
/** Every event the page's clients received, in order: `{ stream, type, id, data }`, `id` the stream's own. */
export const received = (page) => page.evaluate(() => window.typedSseChat.received.slice());
export const connection = (page, stream) => page.locator(`#connection-${stream}`).evaluate((row) =>
  ({ status: row.dataset.status, reconnects: Number(row.dataset.reconnects ?? 0), closedBecause: row.dataset.closedBecause ?? "" }));

/** Signs in as `name` through the API, from Node; its calls are the page's actions, as another user. */
export async function apiSession(url, name) {
  const response = await fetch(`${url}/api/session`, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ name }),
  });
  assert.equal(response.status, 200);
  const cookie = response.headers.getSetCookie().map((header) => header.split(";")[0]).join("; ");
  const send = async (path, body, status) => {
    const answer = await fetch(`${url}/api/rooms/${path}`, {
      method: "POST",
      headers: { "Content-Type": "application/json", Cookie: cookie },
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: AbortSignal.timeout(PATIENCE_MS),
    });
    assert.equal(answer.status, status, `POST /api/rooms/${path}`);
    return status === 204 ? undefined : answer.json();
  };
  return {
    post: (room, text) => send(`${room}/messages`, { text }, 202),
    typing: (room) => send(`${room}/typing`, undefined, 204),
    wave: (room, to) => send(`${room}/wave`, { to }, 204),
  };
}

/** What the app says it holds open: `{ eventStreamConnections, subscriptions: { lobby, rooms, inboxes } }`. */
export async function serverState(url) {
  const response = await fetch(`${url}/api/server`);
  assert.equal(response.status, 200);
  return response.json();
}

/** Cuts an event-stream connection on the server, by a connection id of its hello; the client reconnects. */
export async function cutConnection(url, connectionId) {
  const response = await fetch(`${url}/api/server/connections/${encodeURIComponent(connectionId)}`, { method: "DELETE" });
  assert.equal(response.status, 204, `closing connection ${connectionId}`);
}

/**
 * Opens a browser's own `EventSource` on the multiplexed URL in `page`, for `subscriptions` (paths), and records in
 * `window.native` every hello, every event of the given types (`"0:messagePosted"`, …) with its data, and each
 * open and error. Control events of every subscription (`i:typedsse:reset`, `i:typedsse:refused`) are recorded too.
 */
export async function openEventSource(page, { subscriptions, types, lastEventId }) {
  await page.evaluate(({ subscriptions, types, lastEventId }) => {
    const query = new URLSearchParams(subscriptions.map((path) => ["s", path]));
    if (lastEventId !== undefined) {
      query.set("lastEventId", lastEventId);
    }
    const source = new EventSource(`/api/events?${query}`);
    const native = { source, hellos: [], events: [], opens: 0, errors: 0 };
    window.native = native;
    source.addEventListener("open", () => native.opens++);
    source.addEventListener("error", () => native.errors++);
    source.addEventListener("typedsse:hello", (event) => native.hellos.push({ id: event.lastEventId, ...JSON.parse(event.data) }));
    const control = subscriptions.flatMap((_, i) => [`${i}:typedsse:reset`, `${i}:typedsse:refused`]);
    for (const type of [...types, ...control]) {
      source.addEventListener(type, (event) => native.events.push({ type, id: event.lastEventId, data: JSON.parse(event.data) }));
    }
    // Anything of another type (an unexpected event name) is recorded as well: `message` catches unnamed events only.
    source.addEventListener("message", (event) => native.events.push({ type: "message", id: event.lastEventId, data: event.data }));
  }, { subscriptions, types, lastEventId });
  return {
    hellos: () => page.evaluate(() => window.native.hellos.slice()),
    events: () => page.evaluate(() => window.native.events.map(({ type, id, data }) => ({ type, id, data }))),
    counts: () => page.evaluate(() => ({ opens: window.native.opens, errors: window.native.errors, readyState: window.native.source.readyState })),
    close: () => page.evaluate(() => window.native.source.close()),
  };
}

/** Signs the page's context in as `name` without starting the chat (the page stays at its sign-in form). */
export async function signInQuietly(page, name) {
  const status = await page.evaluate(async (name) => (await fetch("/api/session", {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ name }),
  })).status, name);
  assert.equal(status, 200);
}

/** The numbers in texts like `"steady 7 …"` with the given prefix, in order. */
export function numbered(texts, prefix) {
  return texts.flatMap((text) => {
    const match = new RegExp(`^${prefix} (\\d+)\\b`).exec(text ?? "");
    return match ? [Number(match[1])] : [];
  });
}

export function range(from, to) {
  return Array.from({ length: to - from + 1 }, (_, i) => from + i);
}

/** Every request of the context's tabs to the multiplexed endpoint, with the tab that sent it and (a promise of) its cursor. */
export const eventStreamRequests = (context) => requestsTo(context, (path) => path === "/api/events");

/**
 * Every request of the context's tabs whose path `wanted` accepts, in order: `{ page, at, lastEventId, url, outcome }`,
 * the outcome kept up to date (`pending`, `answered 200 after 12 ms`, `failed after …: net::ERR_ABORTED`).
 */
export function requestsTo(context, wanted) {
  const requests = [];
  const entries = new Map();
  context.on("requestfailed", (request) => {
    const entry = entries.get(request);
    if (entry !== undefined) {
      entry.outcome = `failed after ${Date.now() - entry.at} ms: ${request.failure()?.errorText}`;
    }
  });
  context.on("request", (request) => {
    if (wanted(new URL(request.url()).pathname)) {
      // allHeaders: an EventSource's Last-Event-ID is added below the page, after what headers() reports.
      const lastEventId = request.allHeaders().then((headers) => headers["last-event-id"] ?? "", () => "");
      const entry = { page: request.frame().page(), at: Date.now(), lastEventId, url: request.url(), outcome: "pending" };
      requests.push(entry);
      entries.set(request, entry);
      request.response().then((response) => { entry.outcome = `answered ${response?.status()} after ${Date.now() - entry.at} ms`; }, () => {});
    }
  });
  return requests;
}
