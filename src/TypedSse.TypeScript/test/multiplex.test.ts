import assert from "node:assert/strict";
import type { IncomingMessage, ServerResponse } from "node:http";
import { describe, test, type TestContext } from "node:test";
import {
  configureClients,
  ContractClient,
  EventStreamHttpError,
  EventStreamRefusedError,
  type ConnectionState,
  type ContractClientOptions,
  type ContractDefinition,
  type ContractResetEvent,
  type StreamClose,
  type StreamReset,
} from "../runtime/index.js";
import { MuxStream } from "./mux-server.js";
import { hello, openStream, settle, TestServer, until } from "./support.js";

// A contract client as the generator writes one: a room's stream at /rooms/{room}/events.
interface RoomArgs {
  posted: [text: string];
  cleared: [];
}

type RoomEvent =
  | { readonly type: "posted"; readonly id: string; readonly text: string }
  | { readonly type: "cleared"; readonly id: string }
  | ContractResetEvent;

const definition: ContractDefinition<RoomArgs, RoomEvent> = {
  posted: { read: (data) => [data as string], event: (args, id) => ({ type: "posted", id, text: args[0] }) },
  cleared: { read: () => [], event: (_args, id) => ({ type: "cleared", id }) },
};

class RoomClient extends ContractClient<RoomArgs, RoomEvent> {
  readonly log: { posts: string[]; ids: string[]; states: ConnectionState[]; resets: StreamReset[]; closes: StreamClose[]; hellos: string[] } = {
    posts: [],
    ids: [],
    states: [],
    resets: [],
    closes: [],
    hellos: [],
  };

  constructor(room: string, options: ContractClientOptions = {}) {
    super(`/rooms/${encodeURIComponent(room)}/events`, options, definition);
    this.on("posted", (text) => {
      this.log.posts.push(text);
      this.log.ids.push(this.lastEventId);
    });
    this.on("typedsse:reset", (reset) => this.log.resets.push(reset));
    this.source.on("statechange", (state) => this.log.states.push(state));
    this.source.on("close", (close) => this.log.closes.push(close));
    this.source.on("hello", (value) => this.log.hellos.push(value.connectionId));
  }
}

const A = "/rooms/a/events";
const B = "/rooms/b/events";
const C = "/rooms/c/events";

async function setup(t: TestContext, handler: (stream: MuxStream, index: number, request: IncomingMessage, response: ServerResponse) => void): Promise<{ server: TestServer; streams: MuxStream[]; connect: (room: string, options?: ContractClientOptions) => RoomClient }> {
  const streams: MuxStream[] = [];
  let mux = 0;
  const server = await TestServer.start((request, response) => {
    const stream = new MuxStream(request, response);
    if (request.url?.startsWith("/events") === true) {
      streams.push(stream);
    }
    handler(stream, request.url?.startsWith("/events") === true ? mux++ : -1, request, response);
  });
  const clients: RoomClient[] = [];
  t.after(async () => {
    clients.forEach((client) => client.close());
    await server.close();
  });
  return {
    server,
    streams,
    connect: (room, options = {}) => {
      const client = new RoomClient(room, { baseUrl: server.url(""), retryDelayMs: 10, share: "page", ...options });
      clients.push(client);
      return client;
    },
  };
}

function muxRequests(server: TestServer): number {
  return server.requests.filter((request) => request.url.startsWith("/events")).length;
}

function it(name: string, fn: (t: TestContext) => Promise<void>): void {
  test(name, { timeout: 30_000 }, fn);
}

describe("clients sharing a multiplexed connection", () => {
  it("share one request that names every subscription; each client gets its own events, ids and hello", async (t) => {
    const { server, streams, connect } = await setup(t, (stream) => {
      stream.hello(["10", "20", "30"]).post(A, "11", "a1").post(B, "21", "b1").event(C, "31", "cleared", "").post(A, "12", "a2");
    });
    const a = connect("a");
    const b = connect("b");
    const c = connect("c");
    const items: RoomEvent[] = [];
    void (async () => {
      for await (const item of a) {
        items.push(item);
      }
    })();
    await until(() => a.log.posts.length === 2 && b.log.posts.length === 1, "the posts");

    assert.equal(server.requests.length, 1);
    assert.deepEqual(streams[0]?.paths, [A, B, C]);
    assert.equal(server.requests[0]?.url, `/events?s=${encodeURIComponent(A)}&s=${encodeURIComponent(B)}&s=${encodeURIComponent(C)}`);
    assert.equal(server.requests[0]?.headers["last-event-id"], undefined);
    assert.equal(server.requests[0]?.headers.accept, "text/event-stream");
    assert.deepEqual(a.log.posts, ["a1", "a2"]);
    assert.deepEqual(a.log.ids, ["11", "12"]);
    assert.deepEqual(b.log.posts, ["b1"]);
    assert.deepEqual(items, [
      { type: "posted", id: "11", text: "a1" },
      { type: "posted", id: "12", text: "a2" },
    ]);
    assert.equal(c.lastEventId, "31");
    assert.deepEqual([a.log.hellos, b.log.hellos, c.log.hellos], [["mux-0"], ["mux-1"], ["mux-2"]]);
    assert.equal(a.source.hello?.keepAliveMs, 15_000);
    assert.deepEqual([a.state, b.state, c.state], ["open", "open", "open"]);
    assert.equal(a.url, server.url(A), "a client's url is still its stream's own");
  });

  it("batch set changes of one tick into one reconnect, with a cursor composed for the new set", async (t) => {
    const { server, streams, connect } = await setup(t, (stream, index) => {
      if (index === 0) {
        stream.hello(["10", "20"]).post(A, "11", "a1").post(B, "21", "b1");
      } else {
        stream.hello(["", "", "40"]);
      }
    });
    const a = connect("a");
    const b = connect("b");
    await until(() => a.log.posts.length === 1 && b.log.posts.length === 1, "the first posts");

    a.close();
    const c = connect("c");
    const d = connect("d");
    await server.waitForRequests(2);
    await settle();
    assert.equal(server.requests.length, 2, "one reconnect for three changes");
    assert.deepEqual(streams[1]?.paths, [B, C, "/rooms/d/events"]);
    assert.equal(server.requests[1]?.headers["last-event-id"], "21,,");
    assert.ok(server.requests[0]?.closed, "the old request is closed");

    streams[1]?.post(B, "22", "b2").post(C, "41", "c1");
    await until(() => b.log.posts.length === 2 && c.log.posts.length === 1, "the posts after the change");
    assert.deepEqual(b.log.posts, ["b1", "b2"]);
    assert.deepEqual(a.log.posts, ["a1"]);
    assert.deepEqual(b.log.states, ["open"], "the set change is not a reconnect its clients see");
    assert.deepEqual(a.log.closes, [{ reason: "client" }]);
    assert.equal(d.state, "open");
  });

  it("resume every subscription from the hello's cursor when cut before any event", async (t) => {
    const { server, connect } = await setup(t, (stream, index) => {
      stream.hello(["10", "20"]);
      if (index === 0) {
        stream.response.end();
      }
    });
    connect("a");
    connect("b");
    await server.waitForRequests(2);
    assert.equal(server.requests[1]?.headers["last-event-id"], "10,20");
  });

  it("resume from each subscription's last id after the stream ends, and drop what a client already had", async (t) => {
    const { server, connect } = await setup(t, (stream, index) => {
      if (index === 0) {
        stream.hello(["10", "20"]).post(A, "11", "a1").post(B, "21", "b1");
        stream.response.end();
      } else {
        // A replay that overlaps what was delivered: the client drops what it already has.
        stream.hello().post(A, "11", "a1 again").post(A, "12", "a2").post(B, "21", "b1 again").post(B, "22", "b2");
      }
    });
    const a = connect("a");
    const b = connect("b");
    await until(() => a.log.posts.length >= 2 && b.log.posts.length >= 2, "the posts after the reconnect");
    assert.equal(server.requests[1]?.headers["last-event-id"], "11,21");
    assert.deepEqual(a.log.posts, ["a1", "a2"]);
    assert.deepEqual(b.log.posts, ["b1", "b2"]);
    assert.deepEqual(a.log.states, ["open", "connecting", "open"]);
  });

  it("send the cursor in the query when asked to", async (t) => {
    const { server, connect } = await setup(t, (stream, index) => {
      stream.hello(["10", "20"]);
      if (index === 0) {
        stream.response.end();
      }
    });
    connect("a", { lastEventIdIn: "query" });
    connect("b", { lastEventIdIn: "query" });
    await server.waitForRequests(2);
    assert.equal(server.requests[1]?.url, `/events?s=${encodeURIComponent(A)}&s=${encodeURIComponent(B)}&lastEventId=10%2C20`);
  });

  it("subscribe once to a stream that two clients read, and reconnect only when its last client closes", async (t) => {
    const { server, streams, connect } = await setup(t, (stream, index) => {
      stream.hello(["10", "20"]);
      if (index === 0) {
        stream.post(A, "11", "a1");
      }
    });
    const first = connect("a");
    const second = connect("a", { lastEventId: "5" });
    const b = connect("b");
    await until(() => first.log.posts.length === 1 && second.log.posts.length === 1, "the post in both");
    assert.deepEqual(streams[0]?.paths, [A, B]);
    assert.equal(server.requests[0]?.headers["last-event-id"], "5,", "a client's own lastEventId resumes its subscription");

    first.close();
    await settle();
    assert.equal(server.requests.length, 1, "the stream still has a reader: no reconnect");
    assert.equal(second.state, "open");
    second.close();
    await server.waitForRequests(2);
    assert.deepEqual(streams[1]?.paths, [B]);
    assert.equal(server.requests[1]?.headers["last-event-id"], "20");
    assert.equal(b.state, "open");
  });

  it("carry a set larger than the server's cap on as many requests as it needs, and change only the request a client is on", async (t) => {
    const { server, streams, connect } = await setup(t, (stream) => {
      stream.hello(stream.paths.map(() => "10"));
      stream.paths.forEach((path) => stream.post(path, "11", `first on ${path}`));
    });
    const rooms = Array.from({ length: 40 }, (_, i) => `r${i}`);
    const clients = rooms.map((room) => connect(room));
    await until(() => clients.every((client) => client.log.posts.length === 1), "a post in every client");

    assert.deepEqual(streams.map((stream) => stream.paths.length), [32, 8], "the server's default cap of 32 a request");
    assert.deepEqual(new Set(streams.flatMap((stream) => stream.paths)).size, 40, "each path on one request");
    assert.ok(clients.every((client, i) => client.log.posts[0] === `first on /rooms/r${i}/events` && client.state === "open"));

    // A client of the second request leaves, another joins: the first request is left alone.
    clients[35]?.close();
    const joined = connect("late");
    await server.waitForRequests(3);
    await settle();
    assert.equal(server.requests.length, 3);
    assert.ok(!server.requests[0]?.closed, "the first request stays");
    assert.ok(server.requests[1]?.closed, "the second request is replaced");
    assert.equal(streams[2]?.paths.length, 8);
    assert.ok(streams[2]?.paths.includes("/rooms/late/events") && !streams[2]?.paths.includes("/rooms/r35/events"));
    await until(() => joined.state === "open", "the joined client");
    assert.deepEqual(clients[0]?.log.states, ["open"], "a client of the first request saw no reconnect");
  });

  it("take the server's cap from maxSubscriptionsPerConnection, and refuse one that is not a whole number", async (t) => {
    const { streams, connect } = await setup(t, (stream) => {
      stream.hello(stream.paths.map(() => "10"));
    });
    const clients = ["a", "b", "c"].map((room) => connect(room, { maxSubscriptionsPerConnection: 2 }));
    await until(() => clients.every((client) => client.state === "open"), "every client");
    assert.deepEqual(streams.map((stream) => stream.paths), [[A, B], [C]]);
    assert.throws(() => connect("d", { multiplexUrl: "/other", maxSubscriptionsPerConnection: 0 }), /maxSubscriptionsPerConnection must be a whole number of at least 1, not 0/);
  });

  it("open a client at once, with the stream's hello, when its stream is already on the connection", async (t) => {
    const { server, connect } = await setup(t, (stream) => {
      stream.hello(["10"]);
    });
    const first = connect("a");
    await until(() => first.state === "open", "the connection");
    const second = connect("a");
    await until(() => second.state === "open", "the second client");
    assert.deepEqual(second.log.hellos, ["mux-0"]);
    await settle();
    assert.equal(server.requests.length, 1);
  });

  it("deliver a subscription's reset to its client alone, and resume from the reset's id", async (t) => {
    const reset: StreamReset = { reason: "history-gap", lastEventId: "3", latestEventId: "25" };
    const { server, connect } = await setup(t, (stream, index) => {
      if (index === 0) {
        stream.hello(["10"]).event(B, "25", "typedsse:reset", JSON.stringify(reset)).post(A, "11", "a1");
        stream.response.end();
      } else {
        stream.hello();
      }
    });
    const a = connect("a");
    const b = connect("b", { lastEventId: "3" });
    const items: RoomEvent[] = [];
    void (async () => {
      for await (const item of b) {
        items.push(item);
      }
    })();
    await server.waitForRequests(2);
    assert.deepEqual(b.log.resets, [reset]);
    assert.deepEqual(a.log.resets, []);
    assert.deepEqual(items, [{ type: "typedsse:reset", id: "25", reset }]);
    assert.equal(b.lastEventId, "25");
    assert.equal(server.requests[0]?.headers["last-event-id"], ",3");
    assert.equal(server.requests[1]?.headers["last-event-id"], "11,25");
  });

  it("close a refused subscription's client alone, with the status, while the others stream on", async (t) => {
    const { server, connect } = await setup(t, (stream) => {
      stream.hello(["10", "", "30"], new Map([[1, 403]])).post(A, "11", "a1").post(C, "31", "c1");
    });
    const a = connect("a");
    const b = connect("b");
    const c = connect("c");
    await until(() => a.log.posts.length === 1 && c.log.posts.length === 1, "the others' posts");

    assert.equal(b.state, "closed");
    assert.equal(b.log.closes.length, 1);
    const close = b.log.closes[0];
    assert.equal(close?.reason, "refused");
    assert.equal(close?.status, 403);
    assert.ok(close?.error instanceof EventStreamRefusedError);
    assert.equal(close.error.status, 403);
    assert.equal(close.error.path, B);
    assert.deepEqual(b.closed, close);
    assert.deepEqual(b.log.posts, []);
    assert.equal(a.state, "open");
    await settle();
    assert.equal(server.requests.length, 1, "a refusal does not make the others reconnect");
  });

  it("give each client its own refusal when every subscription is refused", async (t) => {
    const { server, connect } = await setup(t, (stream, _index, _request, response) => {
      response.writeHead(401, { "Content-Type": "application/json" });
      response.end(
        JSON.stringify({
          refused: [
            { subscription: 0, path: stream.paths[0], status: 401 },
            { subscription: 1, path: stream.paths[1], status: 403 },
          ],
        }),
      );
    });
    const a = connect("a");
    const b = connect("b");
    await until(() => a.state === "closed" && b.state === "closed", "both clients to close");
    assert.equal(a.closed?.reason, "refused");
    assert.equal(a.closed?.status, 401);
    assert.equal(b.closed?.status, 403);
    await settle();
    assert.equal(server.requests.length, 1);
  });

  it("stop its clients on a 204, as a 204 stops a client of its own", async (t) => {
    const { connect } = await setup(t, (_stream, _index, _request, response) => {
      response.writeHead(204).end();
    });
    const a = connect("a");
    await until(() => a.state === "closed", "the client to close");
    assert.deepEqual(a.closed, { reason: "server" });
  });

  it("fall back to a connection per client, with one warning, where the app does not map the endpoint", async (t) => {
    const warnings: unknown[] = [];
    t.mock.method(console, "warn", (...args: unknown[]) => warnings.push(args));
    const { server, connect } = await setup(t, (_stream, index, request, response) => {
      if (index >= 0) {
        response.writeHead(404, { "Content-Type": "text/plain" }).end("Not Found");
        return;
      }
      openStream(response);
      response.write(hello(`own ${request.url}`));
      response.write(`event: posted\nid: 7\ndata: ${JSON.stringify(request.url)}\n\n`);
    });
    const a = connect("a");
    const b = connect("b");
    await until(() => a.log.posts.length === 1 && b.log.posts.length === 1, "each client's post over its own connection");
    assert.deepEqual(a.log.posts, [A]);
    assert.deepEqual(b.log.posts, [B]);
    assert.deepEqual(a.log.hellos, [`own ${A}`]);
    assert.equal(muxRequests(server), 1);
    assert.equal(warnings.length, 1);
    assert.match(String((warnings[0] as unknown[])[0]), /MapEventStreams/);

    const c = connect("c");
    await until(() => c.log.posts.length === 1, "a later client's post");
    assert.equal(muxRequests(server), 1, "a later client goes straight to its own connection");
    assert.equal(warnings.length, 1);
  });

  it("use the contract's own endpoint with share: none, and a page-wide multiplexUrl from configureClients", async (t) => {
    const { server, connect } = await setup(t, (stream, _index, request, response) => {
      if (request.url?.startsWith("/sse") === true) {
        stream.hello(["1"]);
      } else {
        openStream(response);
      }
    });
    t.after(() => configureClients({}));
    const own = connect("own", { share: "none" });
    configureClients({ multiplexUrl: server.url("/sse"), retryDelayMs: 10 });
    const shared = new RoomClient("shared", { baseUrl: server.url(""), share: "page" });
    t.after(() => shared.close());
    await until(() => own.state === "open" && shared.state === "open", "both connections");
    const urls = server.requests.map((request) => request.url).sort();
    assert.deepEqual(urls, ["/rooms/own/events", `/sse?s=${encodeURIComponent("/rooms/shared/events")}`]);
  });

  it("share per page by default where the platform has no Web Locks (Node)", async (t) => {
    const { server, streams, connect } = await setup(t, (stream) => {
      stream.hello(["10", "20"]).post(B, "21", "b1");
    });
    connect("a", { share: "browser" });
    const b = connect("b", { share: "browser" });
    await until(() => b.log.posts.length === 1, "the post");
    assert.equal(server.requests.length, 1);
    assert.deepEqual(streams[0]?.paths, [A, B]);
  });

  it("close every client with the endpoint's own words when it rejects the request itself", async (t) => {
    const { server, connect } = await setup(t, (_stream, _index, _request, response) => {
      response.writeHead(400, { "Content-Type": "text/plain" }).end("More than 32 subscriptions.");
    });
    const a = connect("a");
    const b = connect("b");
    await until(() => a.state === "closed" && b.state === "closed", "both clients to close");
    assert.equal(a.closed?.reason, "error");
    assert.ok(a.closed?.error instanceof EventStreamHttpError);
    assert.equal(a.closed.error.status, 400);
    assert.match(a.closed.error.message, /More than 32 subscriptions/);
    await settle();
    assert.equal(server.requests.length, 1);
  });
});
