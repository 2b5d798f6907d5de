import assert from "node:assert/strict";
import { describe, it as test, type TestContext } from "node:test";
import {
  EventStreamClient,
  EventStreamContentTypeError,
  EventStreamError,
  EventStreamEventTooLargeError,
  EventStreamHttpError,
  EventStreamListenerError,
  EventStreamNetworkError,
  EventStreamPayloadError,
  EventStreamTimeoutError,
  type ConnectionState,
  type EventStreamClientOptions,
  type EventStreamItem,
  type ServerSentEvent,
  type StreamClose,
  type StreamHello,
  type StreamReset,
} from "../runtime/index.js";
import { FakeClock, hello, openStream, settle, TestServer, until, type Handler } from "./support.js";

/** Everything a client reported, in order. */
interface Log {
  states: ConnectionState[];
  events: ServerSentEvent[];
  hellos: StreamHello[];
  resets: StreamReset[];
  errors: EventStreamError[];
  closes: StreamClose[];
}

async function setup(
  t: TestContext,
  handler: Handler,
  options: Partial<EventStreamClientOptions> = {},
  path = "/stream",
): Promise<{ server: TestServer; client: EventStreamClient; log: Log }> {
  const server = await TestServer.start(handler);
  const client = new EventStreamClient({
    url: server.url(path),
    retryDelayMs: 20,
    maxRetryDelayMs: 100,
    random: () => 0,
    ...options,
  });
  const log: Log = { states: [], events: [], hellos: [], resets: [], errors: [], closes: [] };
  client.on("statechange", (state) => log.states.push(state));
  client.onAnyEvent((event) => log.events.push(event));
  client.on("hello", (value) => log.hellos.push(value));
  client.on("reset", (value) => log.resets.push(value));
  client.on("error", (error) => log.errors.push(error));
  client.on("close", (value) => log.closes.push(value));
  t.after(async () => {
    client.close();
    await server.close();
  });
  return { server, client, log };
}

/** Each test is bounded, so a regression fails instead of hanging the run. */
function it(name: string, fn: (t: TestContext) => Promise<void>): void {
  test(name, { timeout: 30_000 }, fn);
}

describe("EventStreamClient", () => {
  it("receives events, per type, for any type and through the iterator", async (t) => {
    const { server, client, log } = await setup(t, (_request, response) => {
      openStream(response);
      response.write(hello("c1"));
      response.write('event: messagePosted\nid: 1\ndata: {"user":"ada","text":"hi"}\n\n');
      response.write("event: cleared\nid: 2\ndata: \n\n");
      response.write("data: untyped\n\n");
    });
    const messages: ServerSentEvent[] = [];
    client.onEvent("messagePosted", (event) => messages.push(event));
    const items = client.events();

    await until(() => log.events.length === 3, "three events");
    assert.deepEqual(log.events, [
      { type: "messagePosted", data: '{"user":"ada","text":"hi"}', lastEventId: "1" },
      { type: "cleared", data: "", lastEventId: "2" },
      { type: "message", data: "untyped", lastEventId: "2" },
    ]);
    assert.deepEqual(messages, [log.events[0]]);
    assert.deepEqual(log.hellos, [{ connectionId: "c1", keepAliveMs: 15_000 }]);
    assert.deepEqual(client.hello, { connectionId: "c1", keepAliveMs: 15_000 });
    assert.equal(client.state, "open");
    assert.deepEqual(log.states, ["open"]);
    assert.equal(client.lastEventId, "2");
    assert.equal(server.requests[0]?.headers.accept, "text/event-stream");
    assert.equal(server.requests[0]?.headers["last-event-id"], undefined);

    const received: EventStreamItem[] = [];
    for await (const item of items) {
      received.push(item);
      if (received.length === 3) {
        break;
      }
    }
    assert.deepEqual(
      received,
      log.events.map((event) => ({ kind: "event", event })),
    );
    assert.deepEqual(log.errors, []);
  });

  it("stops calling a listener once it is removed", async (t) => {
    let sent = 0;
    let write: ((text: string) => void) | undefined;
    const { client, log } = await setup(t, (_request, response) => {
      openStream(response);
      write = (text) => response.write(text);
    });
    const seen: string[] = [];
    const listener = (event: ServerSentEvent): void => {
      seen.push(event.data);
    };
    const unsubscribe = client.onEvent("tick", listener);
    client.onEvent("tick", listener);
    await until(() => write !== undefined, "the stream");
    write?.(`event: tick\ndata: ${++sent}\n\n`);
    await until(() => log.events.length === 1, "the first tick");
    unsubscribe();
    write?.(`event: tick\ndata: ${++sent}\n\n`);
    await until(() => log.events.length === 2, "the second tick");
    assert.deepEqual(seen, ["1"]);
  });

  it("reconnects when the server ends the stream, sending Last-Event-ID", async (t) => {
    const { server, log } = await setup(t, (_request, response, index) => {
      openStream(response);
      response.write(hello(`c${index}`, 15_000, 10));
      if (index === 0) {
        response.end("event: tick\nid: 41\ndata: a\n\nevent: tick\nid: 42\ndata: b\n\nid: 43\ndata: unfinished\n");
      } else {
        response.write(`event: tick\nid: 43\ndata: c\n\n`);
      }
    });
    await until(() => log.events.length === 3, "three events");
    assert.equal(server.requests.length, 2);
    assert.equal(server.requests[1]?.headers["last-event-id"], "42");
    assert.deepEqual(
      log.events.map((event) => event.data),
      ["a", "b", "c"],
    );
    assert.deepEqual(
      log.hellos.map((value) => value.connectionId),
      ["c0", "c1"],
    );
    assert.deepEqual(log.states, ["open", "connecting", "open"]);
    assert.deepEqual(log.errors, []);
  });

  it("reconnects after a network error mid-stream", async (t) => {
    const { server, log } = await setup(t, (_request, response, index) => {
      openStream(response);
      response.write(`id: ${index + 1}\ndata: ${index}\n\n`);
      if (index === 0) {
        setTimeout(() => response.socket?.destroy(), 20);
      }
    });
    await until(() => log.events.length === 2, "an event from each connection");
    assert.equal(server.requests[1]?.headers["last-event-id"], "1");
    assert.ok(log.errors.length <= 1);
    assert.ok(log.errors.every((error) => error instanceof EventStreamNetworkError));
  });

  it("can send the last event id as a query parameter instead", async (t) => {
    const { server, log } = await setup(
      t,
      (_request, response, index) => {
        openStream(response);
        response.end(`id: ${index === 0 ? "a b&c" : "next"}\ndata: x\n\n`);
      },
      { lastEventIdIn: "query" },
      "/stream?room=general#fragment",
    );
    await server.waitForRequests(3);
    assert.equal(server.requests[0]?.url, "/stream?room=general");
    assert.equal(server.requests[1]?.url, "/stream?room=general&lastEventId=a%20b%26c");
    assert.equal(server.requests[2]?.url, "/stream?room=general&lastEventId=next");
    assert.equal(server.requests[1]?.headers["last-event-id"], undefined);
    assert.ok(log.events.length >= 2);
  });

  it("sends a non-ASCII last event id UTF-8 encoded, as EventSource does", async (t) => {
    const { server } = await setup(t, (_request, response, index) => {
      openStream(response);
      if (index === 0) {
        response.end("id: ∑ é\ndata: x\n\n");
      }
    });
    await server.waitForRequests(2);
    const header = String(server.requests[1]?.headers["last-event-id"]);
    assert.equal(Buffer.from(header, "latin1").toString("utf8"), "∑ é");
  });

  it("resumes from a last event id given in the options", async (t) => {
    const { server } = await setup(
      t,
      (_request, response) => {
        openStream(response);
      },
      { lastEventId: "1795269600000001" },
    );
    await server.waitForRequests(1);
    assert.equal(server.requests[0]?.headers["last-event-id"], "1795269600000001");
  });

  it("stops for good on 204, without an error", async (t) => {
    const clock = new FakeClock();
    const { server, client, log } = await setup(
      t,
      (_request, response) => {
        response.writeHead(204).end();
      },
      { clock },
    );
    await until(() => client.state === "closed", "the client to close");
    assert.deepEqual(log.closes, [{ reason: "server" }]);
    assert.deepEqual(client.closed, { reason: "server" });
    assert.deepEqual(log.errors, []);
    assert.deepEqual(log.states, ["closed"]);
    // A reconnect would wait on the clock: nothing is waiting, and a minute later nothing has come.
    assert.equal(clock.pending, 0);
    clock.advance(60_000);
    await settle();
    assert.equal(server.requests.length, 1);
  });

  it("stops on 404 with an HTTP error", async (t) => {
    const clock = new FakeClock();
    const { server, client, log } = await setup(
      t,
      (_request, response) => {
        response.writeHead(404, "Not Found", { "Content-Type": "text/plain" }).end("no such stream");
      },
      { clock },
    );
    await until(() => client.state === "closed", "the client to close");
    assert.equal(log.errors.length, 1);
    const error = log.errors[0];
    assert.ok(error instanceof EventStreamHttpError);
    assert.equal(error.status, 404);
    assert.equal(error.statusText, "Not Found");
    assert.deepEqual(log.closes, [{ reason: "error", error }]);
    assert.equal(clock.pending, 0);
    clock.advance(60_000);
    await settle();
    assert.equal(server.requests.length, 1);
  });

  it("stops on 401 too: every 4xx is fatal", async (t) => {
    const { client, log } = await setup(t, (_request, response) => {
      response.writeHead(401).end();
    });
    await until(() => client.state === "closed", "the client to close");
    assert.ok(log.errors[0] instanceof EventStreamHttpError && log.errors[0].status === 401);
  });

  it("stops on a 200 that is not an event stream", async (t) => {
    const { client, log } = await setup(t, (_request, response) => {
      response.writeHead(200, { "Content-Type": "text/html; charset=utf-8" }).end("<html></html>");
    });
    await until(() => client.state === "closed", "the client to close");
    const error = log.errors[0];
    assert.ok(error instanceof EventStreamContentTypeError);
    assert.equal(error.contentType, "text/html; charset=utf-8");
    assert.deepEqual(log.closes, [{ reason: "error", error }]);
    assert.deepEqual(log.events, []);
  });

  it("stops on a 200 without a content type", async (t) => {
    const { client, log } = await setup(t, (_request, response) => {
      response.removeHeader("Content-Type");
      response.writeHead(200).end("data: x\n\n");
    });
    await until(() => client.state === "closed", "the client to close");
    const error = log.errors[0];
    assert.ok(error instanceof EventStreamContentTypeError);
    assert.equal(error.contentType, null);
  });

  it("accepts the content type in any case and with parameters", async (t) => {
    const { log } = await setup(t, (_request, response) => {
      response.writeHead(200, { "Content-Type": "Text/Event-Stream ;charset=UTF-8" });
      response.write("data: x\n\n");
    });
    await until(() => log.events.length === 1, "an event");
  });

  it("retries on 5xx with growing delays, and recovers", async (t) => {
    const { server, log } = await setup(
      t,
      (_request, response, index) => {
        if (index < 3) {
          response.writeHead(index === 0 ? 500 : 503).end();
          return;
        }
        openStream(response);
        response.write("data: recovered\n\n");
      },
      { retryDelayMs: 1, maxRetryDelayMs: 50 },
    );
    await until(() => log.events.length === 1, "the event after recovering");
    assert.equal(server.requests.length, 4);
    assert.deepEqual(
      log.errors.map((error) => (error instanceof EventStreamHttpError ? error.status : error.name)),
      [500, 503, 503],
    );
    assert.deepEqual(log.states, ["open"]);
    assert.deepEqual(log.closes, []);
  });

  it("waits out its backoff on the injected clock, doubling after each consecutive failure", async (t) => {
    const clock = new FakeClock();
    const { server, log } = await setup(
      t,
      (_request, response) => {
        response.writeHead(503).end();
      },
      { clock, retryDelayMs: 1000, maxRetryDelayMs: 8000, random: () => 0.999_999 },
    );
    const waits: number[] = [];
    for (let failure = 1; failure <= 5; failure++) {
      await until(() => log.errors.length === failure && clock.pending === 1, `failure ${failure}`);
      const [wait] = clock.delays;
      waits.push(wait ?? -1);
      clock.advance((wait ?? 0) - 1);
      await settle();
      assert.equal(server.requests.length, failure, "no reconnect before the delay is over");
      clock.advance(1);
    }
    assert.deepEqual(waits, [1000, 2000, 4000, 8000, 8000]);
  });

  it("resets the backoff once a connection opens", async (t) => {
    // Jitter, and so `random`, is only used from the second consecutive failure on.
    let randomCalls = 0;
    const { server } = await setup(
      t,
      (_request, response, index) => {
        if (index < 2) {
          response.writeHead(503).end();
          return;
        }
        openStream(response);
        response.end("data: x\n\n");
      },
      {
        retryDelayMs: 1,
        random: () => {
          randomCalls++;
          return 0;
        },
      },
    );
    await server.waitForRequests(6);
    assert.equal(randomCalls, 1);
  });

  it("retries when it cannot connect at all", async (t) => {
    const unused = await TestServer.start(() => undefined);
    const url = unused.url();
    await unused.close();
    const client = new EventStreamClient({ url, retryDelayMs: 1, maxRetryDelayMs: 20 });
    t.after(() => client.close());
    const errors: EventStreamError[] = [];
    client.on("error", (error) => errors.push(error));
    await until(() => errors.length >= 3, "three failed attempts");
    assert.ok(errors.every((error) => error instanceof EventStreamNetworkError && error.cause !== undefined));
    assert.equal(client.state, "connecting");
  });

  it("calls the headers function on every connect, so tokens refresh", async (t) => {
    let calls = 0;
    const { server } = await setup(
      t,
      (_request, response) => {
        openStream(response);
        response.end("id: 1\ndata: x\n\n");
      },
      {
        headers: async () => {
          calls++;
          await Promise.resolve();
          return { Authorization: `Bearer token-${calls}`, "X-Extra": "yes" };
        },
      },
    );
    await server.waitForRequests(3);
    assert.deepEqual(
      server.requests.slice(0, 3).map((request) => request.headers.authorization),
      ["Bearer token-1", "Bearer token-2", "Bearer token-3"],
    );
    assert.equal(server.requests[0]?.headers["x-extra"], "yes");
    assert.equal(server.requests[1]?.headers["last-event-id"], "1");
  });

  it("accepts plain headers and a synchronous headers function", async (t) => {
    const first = await setup(
      t,
      (_request, response) => openStream(response),
      { headers: new Headers({ "X-Plain": "1" }) },
    );
    const second = await setup(
      t,
      (_request, response) => openStream(response),
      { headers: () => [["X-Sync", "2"]] },
    );
    await first.server.waitForRequests(1);
    await second.server.waitForRequests(1);
    assert.equal(first.server.requests[0]?.headers["x-plain"], "1");
    assert.equal(second.server.requests[0]?.headers["x-sync"], "2");
  });

  it("retries when the headers function fails", async (t) => {
    let calls = 0;
    const { server, log } = await setup(
      t,
      (_request, response) => openStream(response),
      {
        headers: () => {
          if (++calls === 1) {
            throw new Error("token service down");
          }
          return {};
        },
      },
    );
    await server.waitForRequests(1);
    assert.equal(log.errors.length, 1);
    assert.ok(log.errors[0] instanceof EventStreamError);
    assert.equal((log.errors[0].cause as Error).message, "token service down");
  });

  it("drops and reconnects a connection that went silent past the hello's keep-alive", async (t) => {
    const clock = new FakeClock();
    const { server, log } = await setup(
      t,
      (_request, response, index) => {
        openStream(response);
        response.write(hello(`c${index}`, 50, 1));
        response.write(`id: ${index + 1}\ndata: ${index}\n\n`);
        // Then nothing: the socket stays open but silent.
      },
      { clock },
    );
    await until(() => log.events.length === 1, "the first event");
    clock.advance(149);
    await settle();
    assert.equal(server.requests.length, 1, "not dropped before three keep-alive intervals");
    clock.advance(1);
    await until(() => log.errors.length === 1, "the timeout");
    clock.advance(1); // the server's retry
    await server.waitForRequests(2);
    await until(() => server.requests[0]?.closed === true, "the silent connection to be dropped");
    assert.equal(server.requests[1]?.headers["last-event-id"], "1");
    const timeout = log.errors[0];
    assert.ok(timeout instanceof EventStreamTimeoutError);
    assert.equal(timeout.timeoutMs, 150);
  });

  it("keeps a connection that gets pings", async (t) => {
    const clock = new FakeClock();
    let write: ((text: string) => void) | undefined;
    const { server, log } = await setup(
      t,
      (_request, response) => {
        openStream(response);
        response.write(hello("c0", 200, 1));
        write = (text) => response.write(text);
      },
      { keepAliveTimeoutFactor: 5, clock },
    );
    const comments: number[] = [];
    await until(() => log.hellos.length === 1, "the hello");
    // Each round: most of the 1000 ms timeout passes, then a ping (and an event, to know it was read) arrives.
    for (let round = 1; round <= 8; round++) {
      clock.advance(900);
      write?.(`: ping\n\nevent: tick\ndata: ${round}\n\n`);
      await until(() => log.events.length === round, `the event after ping ${round}`);
      comments.push(round);
    }
    assert.equal(server.requests.length, 1);
    assert.deepEqual(log.errors, []);
    // And without pings, the same connection is dropped: the test can fail.
    clock.advance(1000);
    await until(() => log.errors[0] instanceof EventStreamTimeoutError, "the timeout once the pings stop");
    assert.equal(comments.length, 8);
  });

  it("uses idleTimeoutMs for a connection without a hello", async (t) => {
    const clock = new FakeClock();
    const { server, log } = await setup(
      t,
      (_request, response) => {
        openStream(response);
      },
      { idleTimeoutMs: 100, clock },
    );
    await until(() => log.states.includes("open"), "the connection");
    clock.advance(100);
    await until(() => log.errors.length === 1, "the timeout");
    clock.advance(20); // the retry delay
    await server.waitForRequests(2);
    assert.ok(log.errors[0] instanceof EventStreamTimeoutError);
    assert.equal(log.errors[0].timeoutMs, 100);
  });

  it("times out a request whose response never comes", async (t) => {
    const clock = new FakeClock();
    const { server, log } = await setup(t, () => undefined, { idleTimeoutMs: 100, clock });
    await server.waitForRequests(1);
    clock.advance(100);
    await until(() => log.errors.length === 1, "the timeout");
    clock.advance(20);
    await server.waitForRequests(2);
    assert.ok(log.errors[0] instanceof EventStreamTimeoutError);
    assert.deepEqual(log.states, []);
  });

  it("honours the server's retry", async (t) => {
    const { server } = await setup(
      t,
      (_request, response) => {
        openStream(response);
        response.end("retry: 10\ndata: x\n\n");
      },
      // Without the server's retry this would wait a minute and the test would time out.
      { retryDelayMs: 60_000, maxRetryDelayMs: 60_000 },
    );
    await server.waitForRequests(3);
  });

  it("delivers typedsse:reset as a typed reset and continues from its id", async (t) => {
    const reset = { reason: "history-gap", lastEventId: "5", latestEventId: "950" };
    const { server, client, log } = await setup(
      t,
      (_request, response, index) => {
        openStream(response);
        response.write(hello(`c${index}`, 15_000, 10));
        if (index === 0) {
          response.end(`event: typedsse:reset\nid: 950\ndata: ${JSON.stringify(reset)}\n\n`);
        }
      },
      { lastEventId: "5" },
    );
    const items = client.events();
    await server.waitForRequests(2);
    assert.deepEqual(log.resets, [reset]);
    assert.deepEqual(log.events, []);
    assert.equal(server.requests[0]?.headers["last-event-id"], "5");
    assert.equal(server.requests[1]?.headers["last-event-id"], "950");
    assert.deepEqual((await items.next()).value, { kind: "reset", reset });
  });

  it("reports a malformed control event, delivers a reset with a reason it does not know, and carries on", async (t) => {
    const { log } = await setup(t, (_request, response) => {
      openStream(response);
      response.write("event: typedsse:hello\ndata: {nope\n\n");
      response.write('event: typedsse:reset\ndata: {"reason":42,"lastEventId":"1","latestEventId":"2"}\n\n');
      response.write('event: typedsse:reset\ndata: {"reason":"a-future-reason","lastEventId":"1","latestEventId":"2"}\n\n');
      response.write("event: typedsse:future\ndata: {}\n\n");
      response.write("data: after\n\n");
    });
    await until(() => log.events.length === 1, "the event after");
    assert.equal(log.errors.length, 2);
    assert.ok(log.errors.every((error) => error instanceof EventStreamPayloadError));
    assert.deepEqual(log.hellos, []);
    assert.deepEqual(log.resets, [{ reason: "a-future-reason", lastEventId: "1", latestEventId: "2" }]);
    assert.deepEqual(log.events[0]?.data, "after");
  });

  it("reports a throwing listener and goes on delivering", async (t) => {
    const { client, log } = await setup(t, (_request, response) => {
      openStream(response);
      response.write("event: tick\ndata: 1\n\nevent: tick\ndata: 2\n\n");
    });
    const boom = new Error("boom");
    client.onEvent("tick", () => {
      throw boom;
    });
    await until(() => log.events.length === 2, "both events");
    assert.equal(log.errors.length, 2);
    const error = log.errors[0];
    assert.ok(error instanceof EventStreamListenerError);
    assert.equal(error.eventType, "tick");
    assert.equal(error.cause, boom);
    assert.equal(client.state, "open");
  });

  it("closes: aborts the connection, stops events and reconnects", async (t) => {
    let write: ((text: string) => void) | undefined;
    const { server, client, log } = await setup(t, (_request, response) => {
      openStream(response);
      write = (text) => response.write(text);
      response.write("data: 1\n\n");
    });
    const items = client.events();
    await until(() => log.events.length === 1, "the first event");
    client.close();
    client.close();
    assert.equal(client.state, "closed");
    assert.deepEqual(log.closes, [{ reason: "client" }]);
    assert.deepEqual(log.states, ["open", "closed"]);
    await until(() => server.requests[0]?.closed === true, "the server to see the client go");
    write?.("data: 2\n\n");
    await settle();
    assert.equal(log.events.length, 1);
    assert.equal(server.requests.length, 1);
    assert.deepEqual(await items.next(), { value: { kind: "event", event: log.events[0] }, done: false });
    assert.deepEqual(await items.next(), { value: undefined, done: true });
    assert.deepEqual(await client.events().next(), { value: undefined, done: true });
  });

  it("closes from inside a listener, dropping the rest of the chunk", async (t) => {
    const { client, log } = await setup(t, (_request, response) => {
      openStream(response);
      response.write("data: 1\n\ndata: 2\n\n");
    });
    client.onAnyEvent(() => client.close());
    await until(() => client.state === "closed", "the client to close");
    await settle();
    assert.equal(log.events.length, 1);
  });

  it("closes while waiting to reconnect", async (t) => {
    const { server, client, log } = await setup(
      t,
      (_request, response) => {
        response.writeHead(503).end();
      },
      { retryDelayMs: 60_000 },
    );
    await until(() => log.errors.length === 1, "the failure");
    client.close();
    assert.equal(client.state, "closed");
    assert.equal(server.requests.length, 1);
  });

  it("closes when its signal aborts", async (t) => {
    const controller = new AbortController();
    const { server, client, log } = await setup(
      t,
      (_request, response) => {
        openStream(response);
        response.write("data: 1\n\n");
      },
      { signal: controller.signal },
    );
    await until(() => log.events.length === 1, "the first event");
    controller.abort();
    assert.equal(client.state, "closed");
    assert.deepEqual(log.closes, [{ reason: "client" }]);
    await until(() => server.requests[0]?.closed === true, "the server to see the client go");
  });

  it("never connects with an already aborted signal", async (t) => {
    const server = await TestServer.start((_request, response) => openStream(response));
    t.after(() => server.close());
    let fetches = 0;
    const client = new EventStreamClient({
      url: server.url(),
      signal: AbortSignal.abort(),
      fetch: (url, init) => {
        fetches++;
        return fetch(url, init);
      },
    });
    assert.equal(client.state, "closed");
    assert.deepEqual(client.closed, { reason: "client" });
    assert.deepEqual(await client.events().next(), { value: undefined, done: true });
    await settle();
    assert.equal(fetches, 0);
    assert.equal(server.requests.length, 0);
  });

  it("ends iterators with the fatal error after the queued items", async (t) => {
    const { client } = await setup(t, (_request, response, index) => {
      if (index === 0) {
        openStream(response);
        response.end("data: last\n\n");
      } else {
        response.writeHead(410).end();
      }
    });
    const items = client.events();
    const first = await items.next();
    assert.equal(first.done, false);
    await assert.rejects(items.next(), (error: unknown) => error instanceof EventStreamHttpError && error.status === 410);
    assert.deepEqual(await items.next(), { value: undefined, done: true });
    await assert.rejects(client.events().next(), EventStreamHttpError);
  });

  it("ends an iterator when its own signal aborts, leaving the client running", async (t) => {
    const { client } = await setup(t, (_request, response) => openStream(response));
    const controller = new AbortController();
    const items = client.events({ signal: controller.signal });
    const pending = items.next();
    controller.abort();
    assert.deepEqual(await pending, { value: undefined, done: true });
    assert.notEqual(client.state, "closed");
  });

  it("sends credentials mode and uses an injected fetch", async (t) => {
    const server = await TestServer.start((_request, response) => openStream(response));
    t.after(() => server.close());
    const seen: RequestInit[] = [];
    const client = new EventStreamClient({
      url: new URL(server.url()),
      credentials: "include",
      fetch: (url, init) => {
        seen.push(init);
        return fetch(url, init);
      },
    });
    t.after(() => client.close());
    await until(() => client.state === "open", "the connection");
    assert.equal(seen[0]?.credentials, "include");
    assert.equal(seen[0]?.method, "GET");
    assert.equal(client.url, server.url());
  });
});

describe("EventStreamClient: expiring credentials, limits and hostile streams", () => {
  it("reconnects after a typedsse:close with fresh headers and without backing off or reporting an error", async (t) => {
    const clock = new FakeClock();
    let token = 0;
    const { server, log } = await setup(
      t,
      (_request, response, index) => {
        openStream(response);
        response.end(`retry: 1000\nid: ${index + 1}\ndata: ${index}\n\nevent: typedsse:close\ndata: {"reason":"credentials-expired"}\n\n`);
      },
      { clock, headers: () => ({ Authorization: `Bearer ${++token}` }), random: () => 0.999_999 },
    );
    const waits: number[] = [];
    for (let close = 1; close <= 4; close++) {
      await until(() => server.requests.length === close && clock.pending === 1, `close ${close}`);
      waits.push(clock.delays[0] ?? -1);
      clock.advance(clock.delays[0] ?? 0);
    }
    await server.waitForRequests(5);
    assert.deepEqual(waits, [1000, 1000, 1000, 1000]);
    assert.deepEqual(
      server.requests.slice(0, 3).map((request) => [request.headers.authorization, request.headers["last-event-id"]]),
      [
        ["Bearer 1", undefined],
        ["Bearer 2", "1"],
        ["Bearer 3", "2"],
      ],
    );
    assert.deepEqual(log.errors, []);
    assert.ok(log.events.every((event) => event.type === "message"));
  });

  it("retries a 429 and a 503 after their Retry-After, in seconds or as a date", async (t) => {
    const clock = new FakeClock();
    const { server, log } = await setup(
      t,
      (_request, response, index) => {
        if (index === 0) {
          response.writeHead(429, { "Retry-After": "7" }).end("Too many event streams");
        } else if (index === 1) {
          response.writeHead(503, { "Retry-After": new Date(Date.now() + 60_000).toUTCString() }).end();
        } else {
          openStream(response);
          response.write("data: in\n\n");
        }
      },
      { clock, retryDelayMs: 1000 },
    );
    await until(() => log.errors.length === 1 && clock.pending === 1, "the 429");
    assert.equal(clock.delays[0], 7000);
    assert.equal((log.errors[0] as EventStreamHttpError).retryAfterMs, 7000);
    clock.advance(6999);
    await settle();
    assert.equal(server.requests.length, 1, "no reconnect before Retry-After");
    clock.advance(1);

    await until(() => log.errors.length === 2 && clock.pending === 1, "the 503");
    const wait = clock.delays[0] ?? 0;
    assert.ok(wait > 55_000 && wait <= 60_000, String(wait));
    clock.advance(wait);
    await until(() => log.events.length === 1, "the event once the server has room");
    assert.deepEqual(log.closes, []);
  });

  it("still treats other 4xx as fatal", async (t) => {
    const { log } = await setup(t, (_request, response) => {
      response.writeHead(403, { "Retry-After": "1" }).end();
    });
    await until(() => log.closes.length === 1, "the close");
    assert.equal((log.closes[0]?.error as EventStreamHttpError).status, 403);
  });

  it("sends an id that fetch refuses in a header in the lastEventId query parameter instead", async (t) => {
    const { server, log } = await setup(t, (_request, response, index) => {
      openStream(response);
      response.end(index === 0 ? "id: a\u0001b\u007fc\u000bd\ndata: x\n\n" : "");
    });
    await server.waitForRequests(3);
    const second = server.requests[1];
    assert.equal(second?.headers["last-event-id"], undefined);
    assert.equal(new URL(second?.url ?? "", "http://x").searchParams.get("lastEventId"), "a\u0001b\u007fc\u000bd");
    assert.deepEqual(log.errors, []);
  });

  it("fails with a clear error, and does not reconnect, when an event exceeds maxEventSize", async (t) => {
    const { server, log } = await setup(
      t,
      (_request, response) => {
        openStream(response);
        response.write("data: small\n\n");
        response.write("data: " + "x".repeat(600));
        setTimeout(() => response.write("x".repeat(600)), 5);
      },
      { maxEventSize: 1000 },
    );
    await until(() => log.closes.length === 1, "the close");
    const error = log.closes[0]?.error;
    assert.ok(error instanceof EventStreamEventTooLargeError);
    assert.equal(error.maxEventSize, 1000);
    assert.match(error.message, /maxEventSize/);
    assert.deepEqual(log.events.map((event) => event.data), ["small"]);
    await settle();
    assert.equal(server.requests.length, 1);
  });
});
