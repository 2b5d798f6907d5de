import assert from "node:assert/strict";
import type { ServerResponse } from "node:http";
import { describe, test, type TestContext } from "node:test";
import {
  ContractClient,
  EventStreamListenerError,
  type ContractClientOptions,
  type ContractDefinition,
  type ContractResetEvent,
  type StreamReset,
} from "../runtime/index.js";
import { hello, openStream, TestServer, until } from "./support.js";

// A client as the generator writes one, for a contract with three events.
interface DemoArgs {
  posted: [user: string, count: number];
  cleared: [];
  "raw-named": [value: string | null];
}

type DemoEvent =
  | { readonly type: "posted"; readonly id: string; readonly user: string; readonly count: number }
  | { readonly type: "cleared"; readonly id: string }
  | { readonly type: "raw-named"; readonly id: string; readonly value: string | null }
  | ContractResetEvent;

const definition: ContractDefinition<DemoArgs, DemoEvent> = {
  posted: {
    read: (data) => {
      const payload = data as { user: string; count: number };
      return [payload.user, payload.count];
    },
    event: (args, id) => ({ type: "posted", id, user: args[0], count: args[1] }),
  },
  cleared: { read: () => [], event: (_args, id) => ({ type: "cleared", id }) },
  "raw-named": { read: (data) => [data as string | null], event: (args, id) => ({ type: "raw-named", id, value: args[0] }) },
};

class DemoClient extends ContractClient<DemoArgs, DemoEvent> {
  constructor(room: string, options: ContractClientOptions = {}) {
    super("/rooms/" + encodeURIComponent(room), options, definition);
  }
}

async function setup(t: TestContext, handler: (response: ServerResponse, index: number) => void): Promise<{ server: TestServer; client: DemoClient }> {
  const server = await TestServer.start((_request, response, index) => handler(response, index));
  // A connection of its own, as every client had before they shared one: test/multiplex.test.ts covers sharing.
  const client = new DemoClient("a b", { baseUrl: server.url("/app/"), retryDelayMs: 10, share: "none" });
  t.after(async () => {
    client.close();
    await server.close();
  });
  return { server, client };
}

function it(name: string, fn: (t: TestContext) => Promise<void>): void {
  test(name, { timeout: 30_000 }, fn);
}

describe("ContractClient", () => {
  it("appends the path to the base URL's path", async (t) => {
    const { server, client } = await setup(t, (response) => openStream(response));
    assert.equal(client.url, server.url("/app/rooms/a%20b"));
    await server.waitForRequests(1);
    assert.equal(server.requests[0]?.url, "/app/rooms/a%20b");
  });

  it("calls handlers with each event's arguments; off and the returned function remove them", async (t) => {
    let write: ((text: string) => void) | undefined;
    const { client } = await setup(t, (response) => {
      openStream(response);
      response.write(hello("c1"));
      write = (text) => response.write(text);
    });
    const posts: [string, number][] = [];
    const onPost = (user: string, count: number): void => {
      posts.push([user, count]);
    };
    client.on("posted", onPost);
    client.on("posted", onPost);
    let clears = 0;
    const stop = client.on("cleared", () => clears++);
    const values: (string | null)[] = [];
    client.on("raw-named", (value) => values.push(value));
    await until(() => write !== undefined, "the stream");

    write?.('event: posted\nid: 1\ndata: {"user":"ada","count":2}\n\nevent: cleared\nid: 2\ndata: \n\nevent: raw-named\nid: 3\ndata: null\n\n');
    await until(() => values.length === 1, "the third event");
    assert.deepEqual(posts, [["ada", 2]]);
    assert.equal(clears, 1);
    assert.deepEqual(values, [null]);

    client.off("posted", onPost);
    stop();
    write?.('event: posted\nid: 4\ndata: {"user":"bob","count":1}\n\nevent: cleared\nid: 5\ndata: \n\nevent: raw-named\nid: 6\ndata: "x"\n\n');
    await until(() => values.length === 2, "the last event");
    assert.deepEqual(posts, [["ada", 2]]);
    assert.equal(clears, 1);
  });

  it("iterates the contract's events as a union and skips undeclared ones", async (t) => {
    const { client } = await setup(t, (response) => {
      openStream(response);
      response.write(hello("c1"));
      response.write('event: posted\nid: 1\ndata: {"user":"ada","count":2}\n\n');
      response.write("event: unknown\nid: 2\ndata: {}\n\n");
      response.write("event: toString\nid: 3\ndata: {}\n\n");
      response.write("event: cleared\nid: 4\ndata: \n\n");
    });
    const items: (DemoEvent | ContractResetEvent)[] = [];
    for await (const item of client) {
      items.push(item);
      if (items.length === 2) {
        break;
      }
    }
    assert.deepEqual(items, [
      { type: "posted", id: "1", user: "ada", count: 2 },
      { type: "cleared", id: "4" },
    ]);
  });

  it("delivers the server's reset to typedsse:reset handlers and the iterator", async (t) => {
    const reset: StreamReset = { reason: "history-gap", lastEventId: "1", latestEventId: "9" };
    const { client } = await setup(t, (response) => {
      openStream(response);
      response.write(hello("c1"));
      response.write(`event: typedsse:reset\nid: 9\ndata: ${JSON.stringify(reset)}\n\n`);
    });
    const resets: StreamReset[] = [];
    client.on("typedsse:reset", (value) => resets.push(value));
    const iterator = client.events();

    const first = await iterator.next();
    assert.deepEqual(first.value, { type: "typedsse:reset", id: "9", reset });
    assert.deepEqual(resets, [reset]);
    assert.equal(client.lastEventId, "9");
    await iterator.return();
  });

  it("reports data that is not JSON as a listener error, and goes on", async (t) => {
    const { client } = await setup(t, (response) => {
      openStream(response);
      response.write(hello("c1"));
      response.write("event: posted\nid: 1\ndata: {not json\n\n");
      response.write("event: cleared\nid: 2\ndata: \n\n");
    });
    const errors: unknown[] = [];
    client.source.on("error", (error) => errors.push(error));
    let clears = 0;
    client.on("posted", () => assert.fail("a handler got unreadable data"));
    client.on("cleared", () => clears++);

    await until(() => clears === 1, "the event after the broken one");
    assert.equal(errors.length, 1);
    assert.ok(errors[0] instanceof EventStreamListenerError);
    assert.equal(client.state, "open");
  });
});
