// The sample's OpenAPI and AsyncAPI documents, read from the running sample and checked by parsers that know nothing
// of TypedSse; then real events of every kind the sample sends, checked against the AsyncAPI payload schemas.
import assert from "node:assert/strict";
import { mkdirSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { after, before, test } from "node:test";
import { fileURLToPath } from "node:url";
import { Parser } from "@asyncapi/parser";
import { validate } from "@readme/openapi-parser";
import Ajv from "ajv";
import addFormats from "ajv-formats";
import { ensureBuilt, startChat } from "../Chat.BrowserTests/support/chat-app.mjs";
import { freePort } from "../Chat.BrowserTests/support/ports.mjs";
import { PATIENCE_MS, until } from "../Chat.BrowserTests/support/wait.mjs";

const here = dirname(fileURLToPath(import.meta.url));
const written = join(here, "..", "..", "samples", "Chat", "client", "src", "generated", "asyncapi.json");

// The sample's contracts, as declared in samples/Chat/Contracts.
const STREAMS = {
  Room: { address: "/api/rooms/{room}/events", path: "/api/rooms/lobby/events", events: ["messagePosted", "memberJoined", "memberLeft", "typing"] },
  Lobby: { address: "/api/lobby/events", path: "/api/lobby/events", events: ["roomUpdated"] },
  Inbox: { address: "/api/me/events", path: "/api/me/events", events: ["mentioned", "waved"] },
};
const CONTROL = ["typedsse:hello", "typedsse:reset", "typedsse:close"];

let app;
before(async () => {
  ensureBuilt();
  const results = join(here, "test-results");
  mkdirSync(results, { recursive: true });
  app = await startChat({ port: await freePort(), log: join(results, "chat.log") });
});
after(() => app?.stop());

async function getJson(path) {
  const response = await fetch(app.url + path);
  assert.equal(response.status, 200, `GET ${path}`);
  return response.json();
}

test("the OpenAPI document validates and describes every stream with its events", async () => {
  const document = await getJson("/openapi/v1.json");
  const result = await validate(structuredClone(document));
  assert.ok(result.valid, JSON.stringify(result.errors, null, 2));

  const itemOf = (operation) => operation.responses["200"].content["text/event-stream"]["x-itemSchema"];
  const eventsOf = (item) => item.oneOf.map((c) => c.properties.event.const ?? c.properties.event.pattern);
  for (const [name, stream] of Object.entries(STREAMS)) {
    const operation = document.paths[stream.address]?.get;
    assert.ok(operation, `${stream.address} is in the document`);
    assert.deepEqual(eventsOf(itemOf(operation)), [...CONTROL, ...stream.events], name);
    assert.ok(operation.summary, `${name} has its contract's summary`);
  }
  assert.deepEqual(document.paths["/api/rooms/{room}/events"].get.parameters.find((p) => p.in === "path")?.name, "room");
  assert.ok(document.paths["/api/me/events"].get.responses["401"], "the inbox requires sign-in");
  // It says how: the sample's sign-in cookie, a security scheme declared from the app's cookie authentication.
  assert.deepEqual(document.paths["/api/me/events"].get.security, [{ Cookies: [] }]);
  assert.equal(document.paths["/api/lobby/events"].get.security, undefined);
  const cookie = document.components.securitySchemes.Cookies;
  assert.deepEqual([cookie.type, cookie.in], ["apiKey", "cookie"]);
  const signedIn = await signIn("ada");
  assert.equal(signedIn.split("=")[0], cookie.name, "the scheme names the cookie that signing in sets");

  // The payload is the component schema the rest of the document uses for ChatMessage.
  const posted = itemOf(document.paths["/api/rooms/{room}/events"].get).oneOf.find((c) => c.properties.event.const === "messagePosted");
  assert.deepEqual(posted.properties.data.contentSchema, { $ref: "#/components/schemas/ChatMessage" });
  assert.deepEqual(Object.keys(document.components.schemas.ChatMessage.properties), ["id", "room", "author", "text", "sentAt"]);

  const multiplexed = document.paths["/api/events"]?.get;
  assert.ok(multiplexed, "the multiplexed endpoint is described");
  assert.equal(multiplexed.parameters.find((p) => p.name === "s")?.required, true);
  // Anyone may connect; a subscription to the inbox needs the cookie.
  assert.deepEqual(multiplexed.security, [{}, { Cookies: [] }]);
  const patterns = eventsOf(itemOf(multiplexed));
  for (const stream of Object.values(STREAMS)) {
    for (const event of stream.events) {
      assert.ok(patterns.includes(`^[0-9]+:${event}$`), `${event} on the multiplexed endpoint`);
    }
  }
});

// What the app adds to the file the build wrote when it serves it: its server, and the multiplexed endpoint.
function withoutWhatTheAppAdds(document) {
  const built = structuredClone(document);
  delete built.servers;
  delete built.channels.multiplexed;
  delete built.operations.streamMultiplexed;
  for (const key of Object.keys(built.components.messages).filter((k) => k.startsWith("multiplexed."))) {
    delete built.components.messages[key];
  }
  return built;
}

test("the AsyncAPI document validates, is the file the build wrote with the app's server and multiplexed endpoint, and describes every event", async () => {
  const document = await getJson("/api/asyncapi.json");
  assert.deepEqual(withoutWhatTheAppAdds(document), JSON.parse(readFileSync(written, "utf8")));
  assert.deepEqual(document.servers, { app: { host: new URL(app.url).host, protocol: "http", description: document.servers.app.description } });

  const { document: parsed, diagnostics } = await new Parser().parse(JSON.stringify(document));
  const errors = diagnostics.filter((d) => d.severity === 0);
  assert.deepEqual(errors, []);
  assert.ok(parsed);

  for (const [name, stream] of Object.entries(STREAMS)) {
    const channel = parsed.channels().get(name);
    assert.ok(channel, `channel ${name}`);
    assert.equal(channel.address(), stream.address);
    const messages = channel.messages().all().map((m) => m.name());
    assert.deepEqual(messages, [...CONTROL, ...stream.events]);
    for (const message of channel.messages().all()) {
      assert.ok(message.hasPayload(), `${name} ${message.name()} has a payload schema`);
    }
  }
  assert.deepEqual(parsed.channels().get("Room").parameters().all().map((p) => p.id()), ["room"]);
  assert.equal(parsed.operations().all().every((o) => o.action() === "send"), true);

  // The multiplexed endpoint, as the OpenAPI document describes it: each stream's events after the subscription's index.
  const multiplexed = parsed.channels().get("multiplexed");
  assert.equal(multiplexed.address(), "/api/events");
  const names = multiplexed.messages().all().map((m) => m.name());
  assert.deepEqual(names.slice(0, 4), ["typedsse:hello", "typedsse:close", "<i>:typedsse:reset", "<i>:typedsse:refused"]);
  assert.deepEqual(names.slice(4).sort(), Object.values(STREAMS).flatMap((s) => s.events.map((e) => `<i>:${e}`)).sort());
  const query = parsed.operations().get("streamMultiplexed").bindings().get("http").value().query;
  assert.deepEqual(query.required, ["s"]);
});

test("real events of every kind validate against their AsyncAPI payload schemas", async () => {
  const document = await getJson("/api/asyncapi.json");
  const ajv = new Ajv({ strict: false, allErrors: true });
  addFormats(ajv);
  for (const [format, range] of Object.entries({ int32: 2 ** 31, int64: 2 ** 63 })) {
    ajv.addFormat(format, { type: "number", validate: (n) => Number.isInteger(n) && n >= -range && n < range });
  }
  ajv.addFormat("double", { type: "number", validate: () => true });
  ajv.addSchema(document, "asyncapi.json");
  const payloadOf = (channel, eventName) => {
    eventName = channel === "multiplexed" ? eventName.replace(/^\d+:/, "<i>:") : eventName;
    for (const ref of Object.values(document.channels[channel].messages)) {
      const key = ref.$ref.split("/").pop();
      if (document.components.messages[key].name === eventName) {
        return ajv.compile({ $ref: `asyncapi.json#/components/messages/${key}/payload` });
      }
    }
    assert.fail(`${channel} has no message ${eventName}`);
  };

  const ada = await signIn("ada");
  const grace = await signIn("grace");
  const channels = Object.keys(STREAMS);
  const query = channels.map((c) => `s=${encodeURIComponent(STREAMS[c].path)}`).join("&");
  const adaEvents = openStream(`/api/events?${query}`, ada);
  await until(() => adaEvents.seen.some((e) => e.event === "typedsse:hello"), "ada's hello");

  const graceRoom = openStream(STREAMS.Room.path, grace);
  await until(() => graceRoom.seen.some((e) => e.event === "typedsse:hello"), "grace's hello");
  await post("/api/rooms/lobby/typing", grace);
  await post("/api/rooms/lobby/messages", grace, { text: "hi @ada" });
  await post("/api/rooms/lobby/wave", grace, { to: "ada" });
  graceRoom.close();

  const expected = channels.flatMap((c, i) => STREAMS[c].events.map((e) => `${i}:${e}`));
  await until(() => expected.every((name) => adaEvents.seen.some((e) => e.event === name)), `every event (${expected.join(", ")})`);
  adaEvents.close();

  let checked = 0;
  for (const event of adaEvents.seen) {
    const [, index, name] = /^(?:(\d+):)?(.*)$/.exec(event.event);
    const channel = index === undefined ? "Room" : channels[Number(index)];
    const data = event.data === "" ? "" : JSON.parse(event.data);
    for (const check of [payloadOf(channel, name), payloadOf("multiplexed", event.event)]) {
      assert.ok(check(data), `${event.event} ${event.data}: ${ajv.errorsText(check.errors)}`);
    }
    checked++;
  }
  assert.ok(checked > expected.length);

  // The schemas say no to what a stream never sends.
  assert.equal(payloadOf("Room", "messagePosted")({ id: "1", room: "lobby", author: "ada", text: 5, sentAt: "2026-01-01T00:00:00Z" }), false);
  assert.equal(payloadOf("Room", "memberJoined")({ name: "ada" }), false);
  assert.equal(payloadOf("multiplexed", "typedsse:hello")({ connectionId: "c", keepAliveMs: 1, retryMs: 1 }), false, "the connection's hello lists the subscriptions");
});

async function signIn(name) {
  const response = await fetch(app.url + "/api/session", {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ name }),
  });
  assert.equal(response.status, 200);
  return response.headers.getSetCookie().map((c) => c.split(";")[0]).join("; ");
}

async function post(path, cookie, body = {}) {
  const response = await fetch(app.url + path, {
    method: "POST",
    headers: { cookie, "content-type": "application/json" },
    body: JSON.stringify(body),
  });
  assert.ok(response.ok, `POST ${path}: ${response.status}`);
}

/** Reads a stream's events as they come, with a minimal text/event-stream parser (every event here has data). */
function openStream(path, cookie) {
  const controller = new AbortController();
  const seen = [];
  const timer = setTimeout(() => controller.abort(), PATIENCE_MS);
  (async () => {
    const response = await fetch(app.url + path, { headers: { cookie, accept: "text/event-stream" }, signal: controller.signal });
    assert.equal(response.status, 200, `GET ${path}`);
    const decoder = new TextDecoder();
    let buffer = "";
    for await (const chunk of response.body) {
      buffer += decoder.decode(chunk, { stream: true }).replace(/\r\n?/g, "\n");
      let end;
      while ((end = buffer.indexOf("\n\n")) >= 0) {
        const block = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        const fields = { event: "message", data: [] };
        for (const line of block.split("\n")) {
          const [, field, value] = /^([^:]*):? ?(.*)$/.exec(line);
          if (field === "event") fields.event = value;
          else if (field === "data") fields.data.push(value);
        }
        if (fields.data.length > 0) seen.push({ event: fields.event, data: fields.data.join("\n") });
      }
    }
  })().catch((error) => {
    if (error.name !== "AbortError") throw error;
  });
  return {
    seen,
    close() {
      clearTimeout(timer);
      controller.abort();
    },
  };
}
