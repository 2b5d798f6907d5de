import assert from "node:assert/strict";
import type { IncomingMessage, ServerResponse } from "node:http";
import { openStream, TestServer } from "./support.js";

/** One request to the fake multiplexed endpoint, and a writer that speaks its side of docs/protocol.md. */
export class MuxStream {
  readonly paths: string[];
  /** The cursor the client sent, entry per subscription. */
  readonly sent: string[];
  readonly response: ServerResponse;
  private readonly cursor: string[];

  constructor(request: IncomingMessage, response: ServerResponse) {
    const url = new URL(request.url ?? "", "http://localhost");
    this.paths = url.searchParams.getAll("s");
    const header = request.headers["last-event-id"];
    const lastEventId = typeof header === "string" ? header : (url.searchParams.get("lastEventId") ?? "");
    this.sent = this.paths.map((_path, i) => (lastEventId === "" ? [] : lastEventId.split(","))[i] ?? "");
    this.cursor = [...this.sent];
    this.response = response;
  }

  /** The hello; `newest` gives, for the subscriptions that start now, the newest id of their stream. */
  hello(newest: readonly string[] = [], refused: ReadonlyMap<number, number> = new Map()): this {
    this.paths.forEach((_path, i) => {
      if (refused.has(i)) {
        this.cursor[i] = "";
      } else if (this.cursor[i] === "") {
        this.cursor[i] = newest[i] ?? "";
      }
    });
    const subscriptions = this.paths.map((path, i) =>
      refused.has(i) ? { path, stream: "Room", refused: refused.get(i) } : { path, stream: "Room", connectionId: `mux-${i}` },
    );
    openStream(this.response);
    this.response.write(
      `retry: 10\nevent: typedsse:hello\nid: ${this.cursor.join(",")}\ndata: ${JSON.stringify({ connectionId: "mux", keepAliveMs: 15_000, retryMs: 10, subscriptions })}\n\n`,
    );
    for (const [i, status] of refused) {
      this.response.write(`event: ${i}:typedsse:refused\ndata: ${JSON.stringify({ path: this.paths[i], status })}\n\n`);
    }
    return this;
  }

  /** An event of subscription `i`, by the path it names. */
  event(path: string, id: string, type: string, data: string): this {
    const i = this.paths.indexOf(path);
    assert.ok(i >= 0, `${path} is subscribed`);
    this.cursor[i] = id;
    this.response.write(`event: ${i}:${type}\nid: ${this.cursor.join(",")}\ndata: ${data}\n\n`);
    return this;
  }

  post(path: string, id: string, text: string): this {
    return this.event(path, id, "posted", JSON.stringify(text));
  }
}

/**
 * A multiplexed endpoint with a history per stream, as docs/protocol.md describes the real one: a request resumes
 * each subscription from its cursor entry (replaying what it missed), or starts it at the stream's newest id.
 */
export class FakeMuxServer {
  readonly server: TestServer;
  readonly streams: MuxStream[] = [];
  private readonly history = new Map<string, { readonly id: string; readonly text: string }[]>();
  private readonly live = new Set<MuxStream>();
  private nextId = 1000;

  private constructor(server: TestServer) {
    this.server = server;
  }

  static async start(): Promise<FakeMuxServer> {
    let mux: FakeMuxServer | undefined;
    const server = await TestServer.start((request, response) => mux?.accept(request, response));
    mux = new FakeMuxServer(server);
    return mux;
  }

  /** Publishes a post to `path`'s stream; returns its id. */
  publish(path: string, text: string): string {
    const id = String(++this.nextId);
    let events = this.history.get(path);
    if (events === undefined) {
      events = [];
      this.history.set(path, events);
    }
    events.push({ id, text });
    for (const stream of this.live) {
      if (stream.paths.includes(path)) {
        stream.post(path, id, text);
      }
    }
    return id;
  }

  /** The newest id of `path`'s stream (`""` while it has none): where a snapshot taken now stands. */
  newest(path: string): string {
    return this.history.get(path)?.at(-1)?.id ?? "";
  }

  /** The texts published to `path` after `id`, in order. */
  after(path: string, id: string): string[] {
    return (this.history.get(path) ?? []).filter((event) => id === "" || BigInt(event.id) > BigInt(id)).map((event) => event.text);
  }

  /** The requests whose client is still there. */
  get open(): MuxStream[] {
    return [...this.live];
  }

  async close(): Promise<void> {
    await this.server.close();
  }

  private accept(request: IncomingMessage, response: ServerResponse): void {
    const stream = new MuxStream(request, response);
    this.streams.push(stream);
    stream.hello(stream.paths.map((path) => this.history.get(path)?.at(-1)?.id ?? ""));
    stream.paths.forEach((path, i) => {
      const from = stream.sent[i] ?? "";
      if (from !== "") {
        for (const event of this.history.get(path) ?? []) {
          if (BigInt(event.id) > BigInt(from)) {
            stream.post(path, event.id, event.text);
          }
        }
      }
    });
    this.live.add(stream);
    response.on("close", () => this.live.delete(stream));
  }
}
