import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import type { Clock } from "../runtime/index.js";

/** What the test server saw of one request. */
export interface SeenRequest {
  readonly url: string;
  readonly headers: IncomingMessage["headers"];
  /** Whether the client has gone (the request's socket closed). */
  closed: boolean;
}

/** Handles the n-th request (0-based) to a {@link TestServer}. */
export type Handler = (request: IncomingMessage, response: ServerResponse, index: number) => void;

/** A real HTTP server on 127.0.0.1 and a random port, recording the requests it gets. */
export class TestServer {
  readonly requests: SeenRequest[] = [];
  private readonly server: Server;

  private constructor(server: Server) {
    this.server = server;
  }

  static async start(handler: Handler): Promise<TestServer> {
    const server = createServer();
    const testServer = new TestServer(server);
    server.on("request", (request: IncomingMessage, response: ServerResponse) => {
      const seen: SeenRequest = { url: request.url ?? "", headers: request.headers, closed: false };
      const index = testServer.requests.push(seen) - 1;
      response.on("close", () => {
        seen.closed = true;
      });
      handler(request, response, index);
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    return testServer;
  }

  /** The URL of `path` on this server. */
  url(path = "/stream"): string {
    const { port } = this.server.address() as AddressInfo;
    return `http://127.0.0.1:${port}${path}`;
  }

  /** Waits until the server has seen `count` requests. */
  async waitForRequests(count: number): Promise<void> {
    await until(() => this.requests.length >= count, `${count} requests (saw ${this.requests.length})`);
  }

  /** Stops listening and drops every open connection. */
  async close(): Promise<void> {
    const closed = new Promise<void>((resolve) => this.server.close(() => resolve()));
    this.server.closeAllConnections();
    await closed;
  }
}

/** Starts a 200 event stream response, headers flushed at once as the TypedSse server does. */
export function openStream(response: ServerResponse): void {
  response.writeHead(200, {
    "Content-Type": "text/event-stream; charset=utf-8",
    "Cache-Control": "no-cache",
  });
  response.flushHeaders();
}

/** The hello a TypedSse server sends first on every connection. */
export function hello(connectionId: string, keepAliveMs = 15_000, retryMs = 3000): string {
  return `retry: ${retryMs}\nevent: typedsse:hello\ndata: ${JSON.stringify({ connectionId, keepAliveMs, retryMs })}\n\n`;
}

/** Polls `condition` until it holds; fails after a bound generous enough for a loaded machine. */
export async function until(condition: () => boolean, what: string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) {
      throw new Error(`Timed out waiting for ${what}.`);
    }
    await delay(5);
  }
}

export function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Lets the event loop run everything already queued (I/O callbacks included), without waiting for any time. */
export async function settle(rounds = 5): Promise<void> {
  for (let i = 0; i < rounds; i++) {
    await new Promise<void>((resolve) => setImmediate(resolve));
  }
}

/** A clock that stands still until a test advances it: timers fire in order, synchronously, within advance. */
export class FakeClock implements Clock {
  private time = 0;
  private nextId = 1;
  private readonly timers = new Map<number, { readonly at: number; readonly callback: () => void }>();

  now(): number {
    return this.time;
  }

  setTimeout(callback: () => void, ms: number): unknown {
    const id = this.nextId++;
    this.timers.set(id, { at: this.time + Math.max(0, ms), callback });
    return id;
  }

  clearTimeout(handle: unknown): void {
    this.timers.delete(handle as number);
  }

  /** How many timers are waiting. */
  get pending(): number {
    return this.timers.size;
  }

  /** The delays of the waiting timers, from now. */
  get delays(): number[] {
    return [...this.timers.values()].map((timer) => timer.at - this.time).sort((a, b) => a - b);
  }

  /** Moves time forward by `ms`, firing every timer that falls due on the way, those they set included. */
  advance(ms: number): void {
    const end = this.time + ms;
    for (;;) {
      let due: [number, { readonly at: number; readonly callback: () => void }] | undefined;
      for (const entry of this.timers) {
        if (entry[1].at <= end && (due === undefined || entry[1].at < due[1].at)) {
          due = entry;
        }
      }
      if (due === undefined) {
        break;
      }
      this.timers.delete(due[0]);
      this.time = due[1].at;
      due[1].callback();
    }
    this.time = end;
  }
}
