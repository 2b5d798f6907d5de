import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import {
  BroadEventsClient,
  type BroadEventsEvent,
  type BroadEventsEventArgs,
  type BroadEventsHandlers,
} from "../generated/broad-events.js";
import { ClockEventsClient, type ClockEventsEvent } from "../generated/clock-events.js";
import { EventStreamTimeoutError, type StreamReset } from "../generated/typedsse/index.js";
import { sampleArgs, sampleEvents } from "./samples.js";
import { TestServer, waitFor } from "./server.js";
import { collect, route, type Attempt } from "./support.js";

describe("the generated client against the test server on Kestrel", () => {
  let server: TestServer;
  const clients: { close(): void }[] = [];

  before(async () => {
    server = await TestServer.start();
  });

  after(async () => {
    clients.forEach((client) => client.close());
    await server?.stop();
  });

  function connect(room: string, options: Omit<ConstructorParameters<typeof BroadEventsClient>[1], "baseUrl"> = {}): BroadEventsClient {
    const client = new BroadEventsClient(route(room), { ...options, baseUrl: server.url });
    clients.push(client);
    return client;
  }

  async function opened(client: BroadEventsClient): Promise<void> {
    await waitFor("the server's hello", () => client.source.hello !== undefined);
  }

  async function attempts(room: string): Promise<Attempt[]> {
    return (await server.get("attempts", { room })) as Attempt[];
  }

  test("typed events arrive with the values the server sent, to handlers and to the iterator", async () => {
    const room = "samples a b&ü?#%+";
    const client = connect(room);
    const items: BroadEventsEvent[] = [];
    const iterating = collect(client, items);
    const received: [string, readonly unknown[]][] = [];
    const types = Object.keys(sampleArgs) as (keyof BroadEventsEventArgs)[];
    for (const type of types) {
      const handler = (...args: readonly unknown[]): void => {
        received.push([type, args]);
      };
      client.on(type, handler as BroadEventsHandlers[typeof type]);
    }
    await opened(client);

    // Every route value is URL-encoded into the template, and the server matched the room it decoded.
    assert.equal(
      client.url,
      `${server.url}/tenants/0f8fad5b-d9cb-469f-a165-70867728950e/rooms/samples%20a%20b%26%C3%BC%3F%23%25%2B/7/9007199254740991/true`,
    );
    await server.post("samples", { room });

    await waitFor("every sample event at the handlers", () => received.length === types.length);
    assert.deepEqual(received, Object.entries(sampleArgs));

    await waitFor("every sample event from the iterator", () => items.length === sampleEvents.length);
    assert.deepEqual(
      items.map(({ id: _, ...item }) => item),
      sampleEvents,
    );
    const ids = items.map((item) => BigInt(item.id));
    assert.deepEqual(ids, [...ids].sort((a, b) => (a < b ? -1 : 1)));
    assert.equal(new Set(ids).size, ids.length);
    client.close();
    assert.equal(await iterating, undefined, "the iteration ends without an error when the client closes");
  });

  test("handlers get the C# method's arguments, typed", async () => {
    const room = "typed";
    const client = connect(room);
    const joins: string[] = [];
    client.on("userJoined", (user, at, mood) => joins.push(`${user} ${new Date(at).toISOString()} ${mood}`));
    let pings = 0;
    client.on("pinged", () => pings++);
    await opened(client);
    await server.post("samples", { room });

    await waitFor("the join", () => joins.length === 1);
    assert.deepEqual(joins, ["grace 2024-05-06T07:08:09.000Z Calm"]);
    assert.equal(pings, 1);
  });

  test("off removes a handler; adding one twice has no effect", async () => {
    const room = "off";
    const client = connect(room);
    const kept: number[] = [];
    const removed: number[] = [];
    const remove = (value: number): void => {
      removed.push(value);
    };
    client.on("counted", remove);
    client.on("counted", remove);
    const unsubscribe = client.on("counted", (value) => kept.push(value));
    await opened(client);

    await server.post("count", { room, from: "1", to: "1" });
    await waitFor("the first count", () => kept.length === 1);
    assert.deepEqual(removed, [1]);

    client.off("counted", remove);
    await server.post("count", { room, from: "2", to: "3" });
    await waitFor("the next counts", () => kept.length === 3);
    assert.deepEqual(kept, [1, 2, 3]);
    assert.deepEqual(removed, [1]);

    unsubscribe();
    client.on("counted", remove);
    await server.post("count", { room, from: "4", to: "4" });
    await waitFor("the last count", () => removed.length === 2);
    assert.deepEqual(kept, [1, 2, 3]);
  });

  test("after the server drops the connection, the client resumes with Last-Event-ID: nothing lost, nothing twice", async () => {
    const room = "resume";
    const client = connect(room);
    const items: BroadEventsEvent[] = [];
    void collect(client, items);
    const values: number[] = [];
    client.on("counted", (value) => values.push(value));
    await opened(client);

    await server.post("count", { room, from: "1", to: "5" });
    await waitFor("the first five", () => values.length === 5);
    const lastBeforeDrop = client.lastEventId;

    assert.equal(await server.post("drop", { room }), 1);
    await server.post("count", { room, from: "6", to: "10" });

    await waitFor("all ten", () => values.length >= 10);
    assert.deepEqual(values, [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    assert.deepEqual(
      items.map((item) => (item.type === "counted" ? item.value : item.type)),
      [1, 2, 3, 4, 5, 6, 7, 8, 9, 10],
    );
    const seen = await attempts(room);
    assert.equal(seen.length, 2);
    assert.equal(seen[0]?.lastEventId, null);
    assert.equal(seen[1]?.lastEventId, lastBeforeDrop);
    assert.equal(lastBeforeDrop, items[4]?.id);
  });

  test("a 204 stops the client for good", async () => {
    const client = connect("stop");
    const closes: string[] = [];
    client.source.on("close", (close) => closes.push(close.reason));

    await waitFor("the client to close", () => client.state === "closed");
    assert.deepEqual(closes, ["server"]);
    assert.equal((await attempts("stop")).length, 1);
  });

  test("the headers function runs again on reconnect, so the server sees a fresh token", async () => {
    const room = "auth";
    let issued = 0;
    const client = connect(room, { headers: () => ({ Authorization: `Bearer token-${++issued}` }) });
    let hellos = 0;
    client.source.on("hello", () => hellos++);
    await waitFor("the first hello", () => hellos === 1);

    await server.post("drop", { room });
    await waitFor("the hello of the reconnect", () => hellos === 2);

    assert.deepEqual(
      (await attempts(room)).map((attempt) => attempt.authorization),
      ["Bearer token-1", "Bearer token-2"],
    );
  });

  test("the watchdog reconnects a connection on which the server went silent", async () => {
    const room = "silent";
    const client = connect(room);
    const errors: unknown[] = [];
    client.source.on("error", (error) => errors.push(error));
    let hellos = 0;
    client.source.on("hello", () => hellos++);
    const values: number[] = [];
    client.on("counted", (value) => values.push(value));
    await waitFor("the first hello", () => hellos === 1);
    await server.post("count", { room, from: "1", to: "1" });
    await waitFor("the first count", () => values.length === 1);

    // From now on the server writes nothing to this connection, not even pings; its connection stays open.
    assert.equal(await server.post("mute", { room }), 1);
    await server.post("count", { room, from: "2", to: "2" });

    await waitFor("the missed count, replayed after the reconnect", () => values.length === 2);
    assert.deepEqual(values, [1, 2]);
    assert.equal(hellos, 2);
    assert.ok(errors.some((error) => error instanceof EventStreamTimeoutError), "the silence was reported as a timeout");
  });

  test("the server's reset reaches handlers and the iterator as a typed event", async () => {
    await server.post("count", { room: "elsewhere", from: "1", to: "1" });
    const client = connect("reset", { lastEventId: "1" });
    const resets: StreamReset[] = [];
    client.on("typedsse:reset", (reset) => resets.push(reset));
    const items: BroadEventsEvent[] = [];
    void collect(client, items);

    await waitFor("the reset", () => resets.length === 1 && items.length === 1);
    const reset = resets[0]!;
    assert.ok(reset.reason === "history-gap" || reset.reason === "unknown-id");
    assert.equal(reset.lastEventId, "1");
    assert.deepEqual(items, [{ type: "typedsse:reset", id: reset.latestEventId, reset }]);
    assert.equal(client.lastEventId, reset.latestEventId);
  });

  test("a contract without route parameters takes only options; the base URL may end with a slash", async () => {
    const client = new ClockEventsClient({ baseUrl: `${server.url}/` });
    clients.push(client);
    assert.equal(client.url, `${server.url}/clock`);
    const ticks: number[] = [];
    client.on("ticked", (now) => ticks.push(now));
    await waitFor("the server's hello", () => client.source.hello !== undefined);

    await server.post("clock/tick", { now: "1700000000000" });
    await waitFor("the tick", () => ticks.length === 1);
    assert.deepEqual(ticks, [1700000000000]);
  });

  test("an event and a payload key named __proto__ are delivered like any other", async () => {
    const client = new ClockEventsClient({ baseUrl: server.url });
    clients.push(client);
    const received: [string, number][] = [];
    client.on("__proto__", (proto, count) => received.push([proto, count]));
    const items: ClockEventsEvent[] = [];
    const iterating = (async () => {
      for await (const item of client) {
        items.push(item);
        break;
      }
    })();
    await waitFor("the server's hello", () => client.source.hello !== undefined);

    await server.post("clock/proto", { note: "not a prototype", count: "2" });
    await waitFor("the event", () => received.length === 1 && items.length === 1);
    await iterating;
    assert.deepEqual(received, [["not a prototype", 2]]);
    const item = items[0]!;
    assert.ok(item.type === "__proto__");
    assert.ok(Object.prototype.hasOwnProperty.call(item, "__proto__"), "the key is the event's own property");
    assert.equal(item.__proto__, "not a prototype");
    assert.equal(item.count, 2);
    assert.equal(Object.getPrototypeOf(item), Object.prototype);
  });
});
