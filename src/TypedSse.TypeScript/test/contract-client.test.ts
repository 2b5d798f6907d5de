import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import type { ServerResponse } from "node:http";
import { describe, test, type TestContext } from "node:test";
import {
  ContractClient,
  EventStreamHttpError,
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

  it("closes when a loop over the client breaks, and its request with it", async (t) => {
    const { server, client } = await setup(t, (response) => {
      openStream(response);
      response.write(hello("c1"));
      response.write('event: posted\nid: 1\ndata: {"user":"ada","count":2}\n\n');
    });
    for await (const item of client) {
      assert.equal(item.type, "posted");
      break;
    }
    assert.equal(client.state, "closed");
    assert.deepEqual(client.closed, { reason: "client" });
    await until(() => server.requests[0]?.closed === true, "the server to see the request end");
  });

  it("keeps running when a loop over events() breaks", async (t) => {
    let write: ((text: string) => void) | undefined;
    const { client } = await setup(t, (response) => {
      openStream(response);
      response.write(hello("c1"));
      write = (text) => response.write(text);
    });
    const users: string[] = [];
    client.on("posted", (user) => users.push(user));
    await until(() => write !== undefined, "the stream");
    write?.('event: posted\nid: 1\ndata: {"user":"ada","count":1}\n\n');
    for await (const item of client.events()) {
      assert.equal(item.type, "posted");
      break;
    }
    assert.equal(client.state, "open");
    write?.('event: posted\nid: 2\ndata: {"user":"bob","count":2}\n\n');
    await until(() => users.length === 2, "the event after the loop");
    assert.deepEqual(users, ["ada", "bob"]);
  });

  it("closes at the end of an await using scope", async (t) => {
    const { server, client } = await setup(t, (response) => {
      openStream(response);
      response.write(hello("c1"));
    });
    await server.waitForRequests(1);
    {
      await using scoped = client;
      assert.equal(scoped.closed, undefined);
    }
    assert.deepEqual(client.closed, { reason: "client" });
    await until(() => server.requests[0]?.closed === true, "the server to see the request end");
  });

  it("connects to the path option instead of the contract's route", async (t) => {
    const server = await TestServer.start((_request, response) => openStream(response));
    const client = new DemoClient("a b", { baseUrl: server.url("/app/"), share: "none", path: "/room/a%20b/events" });
    t.after(async () => {
      client.close();
      await server.close();
    });
    assert.equal(client.url, server.url("/app/room/a%20b/events"));
    await server.waitForRequests(1);
    assert.equal(server.requests[0]?.url, "/app/room/a%20b/events");
    assert.throws(() => new DemoClient("a", { path: "room/a" }), /must start with "\/"/);
  });

  it("stops on a 404 with an error that names the path option", async (t) => {
    const { client } = await setup(t, (response) => {
      response.writeHead(404);
      response.end();
    });
    const errors: unknown[] = [];
    client.source.on("error", (error) => errors.push(error));
    await until(() => client.state === "closed", "the client to stop");
    const error = errors[0];
    assert.ok(error instanceof EventStreamHttpError);
    assert.equal(error.status, 404);
    assert.match(error.message, /answered 404 .*at http:\/\/127\.0\.0\.1:\d+\/app\/rooms\/a%20b/);
    assert.match(error.message, /path option/);
  });

  it("lets a Node process that breaks out of its loop exit by itself", async (t) => {
    // The client as a Node script uses it: the default, shared connection, which falls back from a 404 on /events.
    const server = await TestServer.start((request, response) => {
      if (request.url?.startsWith("/events") === true) {
        response.writeHead(404);
        response.end();
        return;
      }
      openStream(response);
      response.write(hello("c1"));
      response.write('event: posted\nid: 1\ndata: {"user":"ada","count":2}\n\n');
    });
    t.after(() => server.close());
    const runtime = new URL("../runtime/index.js", import.meta.url).href;
    const script = `
      import { ContractClient } from ${JSON.stringify(runtime)};
      class Demo extends ContractClient {
        constructor(options) {
          super("/rooms/a", options, { posted: { read: (d) => [d.user], event: (a, id) => ({ type: "posted", id, user: a[0] }) } });
        }
      }
      for await (const event of new Demo({ baseUrl: ${JSON.stringify(server.url("/"))} })) {
        console.log(event.type, event.user);
        break;
      }`;
    const child = spawn(process.execPath, ["--input-type=module", "-e", script], { stdio: ["ignore", "pipe", "pipe"] });
    let output = "";
    child.stdout.on("data", (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on("data", (chunk: Buffer) => (output += chunk.toString()));
    const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
    const bound = new Promise<"running">((resolve) => setTimeout(() => resolve("running"), 15_000).unref());
    const outcome = await Promise.race([exited, bound]);
    if (outcome === "running") {
      child.kill();
    }
    assert.equal(outcome, 0, `The process did not exit by itself within 15 s:\n${output}`);
    assert.match(output, /^posted ada$/m);
  });
});
