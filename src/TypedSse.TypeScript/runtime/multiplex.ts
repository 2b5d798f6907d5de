import { appendQuery, Connection, discard, type ConnectionSettings } from "./connection.js";
import { DedicatedTransport } from "./dedicated.js";
import { EventStreamError, EventStreamHttpError, EventStreamRefusedError } from "./errors.js";
import type { ServerSentEvent } from "./parser.js";
import {
  compareIds,
  CONTROL_PREFIX,
  formatCursor,
  HELLO,
  parseCursor,
  readMultiplexHello,
  readRefusal,
  readRefusedBody,
  readReset,
  REFUSED,
  RESET,
  splitMultiplexed,
} from "./protocol.js";
import type { StreamSink, Transport } from "./transport.js";
import type { StreamClose, StreamHello, StreamReset } from "./types.js";

/** What carries a page's subscriptions: told when the page's set changed, and when the page no longer needs it. */
export interface Upstream {
  changed(): void;
  /** A client joined `path` at `position`, before where the connection may be: go back for it. */
  rewind(path: string, position: string): void;
  close(): void;
}

/** What a multiplexed connection tells about its subscriptions, each named by its path. */
export interface MultiplexListener {
  /** The request that carries `paths` is open, or connecting again (`connecting` also for paths it stopped carrying). */
  state(state: "connecting" | "open", paths: readonly string[]): void;
  /** A subscription's part of the hello, with the cursor entry it starts from. */
  hello(path: string, hello: StreamHello, from: string): void;
  /** An application event; its `lastEventId` is the subscription's own id. */
  event(path: string, event: ServerSentEvent): void;
  reset(path: string, reset: StreamReset): void;
  /** The subscription is over: refused (`status`), 204, or a fatal error. */
  ended(path: string, info: StreamClose): void;
  /** A failure that is retried. */
  error(error: EventStreamError): void;
  /** The endpoint is not mapped (404 without a refusal body): every subscription needs a connection of its own. */
  unavailable(): void;
}

/**
 * One request to the multiplexed endpoint for a set of subscriptions, kept alive by a {@link Connection}. Set
 * changes made in one tick are batched into one reconnect, whose cursor resumes every subscription that stays.
 */
export class MultiplexedConnection {
  private readonly url: string;
  private readonly settings: ConnectionSettings;
  private readonly listener: MultiplexListener;
  private readonly wanted: () => ReadonlyMap<string, string>;

  /** The last id seen per subscribed path: what a reconnect resumes each from. */
  private readonly positions = new Map<string, string>();
  /** The paths of the current request that the server refused: it sends nothing of them. */
  private refused = new Set<string>();
  private connection: Connection | undefined;
  /** The paths of the current request, by subscription index, and the cursor it started from. */
  private current: readonly string[] = [];
  private startedFrom = new Map<string, string>();
  private updating = false;
  private closed = false;

  /**
   * @param wanted the paths to subscribe and, for a path this connection has not seen yet, the position its
   * subscribers have reached (`""` for none).
   */
  constructor(url: string, settings: ConnectionSettings, listener: MultiplexListener, wanted: () => ReadonlyMap<string, string>) {
    this.url = url;
    this.settings = settings;
    this.listener = listener;
    this.wanted = wanted;
  }

  /** The wanted set may have changed: applied once, at the end of the current tick. */
  update(): void {
    if (this.updating || this.closed) {
      return;
    }
    this.updating = true;
    queueMicrotask(() => {
      this.updating = false;
      this.apply();
    });
  }

  /**
   * A new subscriber of `path` has only reached `position`: if the connection is already past it (or cannot say
   * where it is yet), reconnect from there, so that the newcomer gets what it missed (the others drop what they
   * already have).
   */
  rewind(path: string, position: string): void {
    if (position === "" || this.closed) {
      return;
    }
    const own = this.positions.get(path);
    const started = this.startedFrom.get(path);
    if (started === undefined) {
      // Not on the request yet: the request that adds it starts from the lowest position reported.
      if (own === undefined || compareIds(position, own) < 0) {
        this.positions.set(path, position);
      }
      return;
    }
    // Where the request is: the last id it delivered, else (before its hello) where it started.
    const current = own ?? started;
    if (current === "" || compareIds(position, current) < 0) {
      this.positions.set(path, position);
      this.connection?.reconnect();
    }
  }

  close(): void {
    this.closed = true;
    this.connection?.stop();
    this.connection = undefined;
  }

  private apply(): void {
    if (this.closed) {
      return;
    }
    const wanted = this.wanted();
    for (const path of [...this.positions.keys()]) {
      if (!wanted.has(path)) {
        this.positions.delete(path);
      }
    }
    const paths = [...wanted.keys()];
    if (paths.length === 0) {
      this.connection?.stop();
      this.connection = undefined;
      this.drop(this.current);
      this.current = [];
      return;
    }
    if (this.connection === undefined) {
      this.connection = this.open();
      this.connection.start();
    } else if (!sameSet(paths, this.current.filter((path) => !this.refused.has(path)))) {
      this.connection.reconnect();
    }
  }

  private open(): Connection {
    const connection: Connection = new Connection(this.settings, {
      target: () => this.target(),
      opened: () => this.listener.state("open", this.current),
      event: (event) => this.dispatch(event, connection),
      retrying: (error) => {
        if (error !== undefined) {
          this.listener.error(error);
        }
        this.listener.state("connecting", this.current);
      },
      rejected: (response) => {
        this.connection = undefined;
        void this.rejected(response);
      },
      failed: (error) => {
        this.connection = undefined;
        for (const path of this.current) {
          this.listener.ended(path, { reason: "error", error });
        }
      },
    });
    return connection;
  }

  private target(): { readonly url: string; readonly lastEventId: string } {
    const wanted = this.wanted();
    const paths = [...wanted.keys()];
    this.refused = new Set();
    // A path the last request carried resumes from where it got (or, before its hello, from where it started); a
    // new one from the lowest position its subscribers reported.
    const cursor = paths.map((path) => {
      const own = this.positions.get(path);
      const started = this.startedFrom.get(path);
      return started !== undefined ? (own ?? started) : lowest(own ?? "", wanted.get(path) ?? "");
    });
    this.drop(this.current.filter((path) => !wanted.has(path)));
    this.current = paths;
    this.startedFrom = new Map(paths.map((path, i) => [path, cursor[i] ?? ""]));
    const query = paths.map((path) => `s=${encodeURIComponent(path)}`).join("&");
    return { url: appendQuery(this.url, query), lastEventId: formatCursor(cursor) };
  }

  /** Paths the connection no longer carries: whoever relied on where it was on them must not any more. */
  private drop(paths: readonly string[]): void {
    if (paths.length > 0) {
      this.listener.state("connecting", paths);
    }
  }

  private dispatch(event: ServerSentEvent, connection: Connection): void {
    if (event.type === HELLO) {
      const hello = readMultiplexHello(event);
      if (hello instanceof Error) {
        this.listener.error(hello);
        return;
      }
      connection.keepAlive(hello.keepAliveMs);
      const cursor = parseCursor(event.lastEventId);
      this.current.forEach((path, i) => {
        const from = cursor[i] ?? "";
        if (from !== "") {
          this.positions.set(path, from);
        }
        const connectionId = hello.subscriptions[i]?.connectionId;
        if (connectionId !== undefined) {
          this.listener.hello(path, { connectionId, keepAliveMs: hello.keepAliveMs }, from);
        }
      });
      return;
    }
    const name = splitMultiplexed(event.type);
    const path = name === undefined ? undefined : this.current[name.index];
    if (name === undefined || path === undefined || this.refused.has(path)) {
      return;
    }
    const id = parseCursor(event.lastEventId)[name.index] ?? "";
    if (name.type === RESET) {
      const reset = readReset({ ...event, type: name.type });
      if (reset instanceof Error) {
        this.listener.error(reset);
      } else {
        this.positions.set(path, reset.latestEventId);
        this.listener.reset(path, reset);
      }
    } else if (name.type === REFUSED) {
      const refusal = readRefusal({ ...event, type: name.type });
      this.refuse(path, refusal instanceof Error ? 404 : refusal.status);
    } else if (!name.type.startsWith(CONTROL_PREFIX)) {
      if (id !== "") {
        this.positions.set(path, id);
      }
      this.listener.event(path, { type: name.type, data: event.data, lastEventId: id });
    }
  }

  private async rejected(response: Response): Promise<void> {
    const paths = this.current;
    if (response.status === 204) {
      discard(response);
      paths.forEach((path) => this.refuse(path, 204));
    } else {
      const body = await response.text().catch(() => "");
      const refusals = readRefusedBody(body);
      if (refusals !== undefined) {
        paths.forEach((path, i) => this.refuse(path, refusals.get(i)?.status ?? response.status));
      } else if (response.status === 404) {
        this.listener.unavailable();
        return;
      } else {
        // The endpoint names the problem in plain text (too many subscriptions, the same path twice): pass it on.
        const error = new EventStreamHttpError(response.status, response.statusText);
        if (body.trim() !== "") {
          error.message += ` ${body.trim().slice(0, 300)}`;
        }
        paths.forEach((path) => this.listener.ended(path, { reason: "error", error }));
      }
    }
    this.update();
  }

  private refuse(path: string, status: number): void {
    this.refused.add(path);
    this.positions.delete(path);
    this.listener.ended(
      path,
      status === 204 ? { reason: "server" } : { reason: "refused", status, error: new EventStreamRefusedError(status, path) },
    );
  }
}

/** One client's subscription on a shared connection: deduplicates by id, and falls back to a connection of its own. */
export class SharedSubscription implements Transport {
  readonly path: string;
  private readonly url: string;
  private readonly settings: ConnectionSettings;
  private readonly sink: StreamSink;
  private hub: LocalHub | undefined;
  private dedicated: DedicatedTransport | undefined;
  /** The last id delivered to this client: a relayed or replayed event at or before it is a duplicate. */
  private delivered: string;
  /**
   * Until a hello says where the connection is for this client, what it carries is not known to follow on from
   * `delivered`: take nothing.
   */
  private behind = true;

  constructor(path: string, url: string, settings: ConnectionSettings, sink: StreamSink, lastEventId: string) {
    this.path = path;
    this.url = url;
    this.settings = settings;
    this.sink = sink;
    this.delivered = lastEventId;
  }

  get lastEventId(): string {
    return this.dedicated?.lastEventId ?? this.delivered;
  }

  join(hub: LocalHub): void {
    this.hub = hub;
    hub.add(this);
  }

  state(state: "connecting" | "open"): void {
    this.sink.state(state);
  }

  hello(hello: StreamHello, from: string): void {
    if (this.delivered === "") {
      this.delivered = from;
    }
    // A connection that is past where this client is would skip what lies between: wait for the one that goes
    // back for it (asked for when the client joined), and take nothing meanwhile.
    this.behind = from !== "" && compareIds(from, this.delivered) > 0;
    this.sink.hello(hello);
  }

  event(event: ServerSentEvent): void {
    if (this.behind) {
      return;
    }
    if (event.lastEventId !== "") {
      if (compareIds(event.lastEventId, this.delivered) <= 0) {
        return;
      }
      this.delivered = event.lastEventId;
    }
    this.sink.event(event);
  }

  reset(reset: StreamReset): void {
    if (this.behind || compareIds(reset.latestEventId, this.delivered) <= 0) {
      return;
    }
    this.delivered = reset.latestEventId;
    this.sink.reset(reset);
  }

  error(error: EventStreamError): void {
    this.sink.error(error);
  }

  ended(info: StreamClose): void {
    this.hub = undefined;
    this.sink.closed(info);
  }

  /** The shared endpoint is not there: carry on over a connection of its own, from where the client is. */
  fallBack(): void {
    this.hub = undefined;
    this.dedicated = new DedicatedTransport(this.url, this.settings, this.sink, this.delivered);
  }

  close(): void {
    const hub = this.hub;
    this.hub = undefined;
    hub?.remove(this);
    this.dedicated?.close();
  }
}

/**
 * This page's subscriptions on one multiplexed endpoint: the clients by path, and the upstream that carries them
 * (a connection of the page's own, or the browser-wide one of the tabs).
 */
export class LocalHub implements MultiplexListener {
  private readonly entries = new Map<string, Set<SharedSubscription>>();
  private readonly onEmpty: () => void;
  private upstream: Upstream | undefined;
  /**
   * Each path the connection carries and has said hello for (for this page or, across tabs, another), with where it
   * is on it: a client that joins such a path opens at once, from there.
   */
  private readonly carried = new Map<string, { readonly hello: StreamHello; at: string }>();

  constructor(onEmpty: () => void) {
    this.onEmpty = onEmpty;
  }

  connect(upstream: Upstream): void {
    this.upstream = upstream;
  }

  /**
   * The paths this page wants, each with the position all of its clients that have one have reached (`""` when
   * none has): a connection that resumes from there loses nothing for any of them.
   */
  wanted(): Map<string, string> {
    const wanted = new Map<string, string>();
    for (const [path, subscriptions] of this.entries) {
      let position = "";
      for (const subscription of subscriptions) {
        const reached = subscription.lastEventId;
        if (reached !== "" && (position === "" || compareIds(reached, position) < 0)) {
          position = reached;
        }
      }
      wanted.set(path, position);
    }
    return wanted;
  }

  /** Where the connection is on `path`, with its hello, if it carries the path and has said hello for it. */
  position(path: string): { readonly hello: StreamHello; readonly at: string } | undefined {
    return this.carried.get(path);
  }

  add(subscription: SharedSubscription): void {
    const path = subscription.path;
    let subscriptions = this.entries.get(path);
    if (subscriptions === undefined) {
      subscriptions = new Set();
      this.entries.set(path, subscriptions);
    }
    subscriptions.add(subscription);
    if (subscription.lastEventId !== "") {
      this.upstream?.rewind(path, subscription.lastEventId);
    }
    // A path the connection already carries, for this page or another tab, needs no new request: the newcomer opens
    // at once from where the connection is (in a microtask, as a connection would, so that listeners added right
    // after its construction see it); if that is past the newcomer, it waits for the rewound request's hello.
    queueMicrotask(() => {
      const carried = this.carried.get(path);
      if (carried !== undefined && this.entries.get(path)?.has(subscription) === true) {
        subscription.state("open");
        subscription.hello(carried.hello, carried.at);
      }
    });
    this.upstream?.changed();
  }

  remove(subscription: SharedSubscription): void {
    const subscriptions = this.entries.get(subscription.path);
    if (subscriptions?.delete(subscription) !== true) {
      return;
    }
    if (subscriptions.size === 0) {
      this.entries.delete(subscription.path);
    }
    this.upstream?.changed();
    if (this.entries.size === 0) {
      this.upstream?.close();
      this.upstream = undefined;
      this.onEmpty();
    }
  }

  /** The request that carries `paths` (every path of the page, if not given) is open, or connecting again. */
  state(state: "connecting" | "open", paths?: readonly string[]): void {
    for (const path of paths ?? [...new Set([...this.entries.keys(), ...this.carried.keys()])]) {
      if (state === "connecting") {
        this.carried.delete(path);
      }
      this.each(path, (subscription) => subscription.state(state));
    }
  }

  hello(path: string, hello: StreamHello, from: string): void {
    this.carried.set(path, { hello, at: from });
    this.each(path, (subscription) => subscription.hello(hello, from));
  }

  event(path: string, event: ServerSentEvent): void {
    const carried = this.carried.get(path);
    if (carried !== undefined && event.lastEventId !== "") {
      carried.at = event.lastEventId;
    }
    this.each(path, (subscription) => subscription.event(event));
  }

  reset(path: string, reset: StreamReset): void {
    const carried = this.carried.get(path);
    if (carried !== undefined) {
      carried.at = reset.latestEventId;
    }
    this.each(path, (subscription) => subscription.reset(reset));
  }

  ended(path: string, info: StreamClose): void {
    this.carried.delete(path);
    const subscriptions = this.entries.get(path);
    if (subscriptions === undefined) {
      return;
    }
    this.entries.delete(path);
    subscriptions.forEach((subscription) => subscription.ended(info));
    this.upstream?.changed();
    if (this.entries.size === 0) {
      this.upstream?.close();
      this.upstream = undefined;
      this.onEmpty();
    }
  }

  error(error: EventStreamError): void {
    this.each(undefined, (subscription) => subscription.error(error));
  }

  unavailable(): void {
    const subscriptions = [...this.entries.values()].flatMap((set) => [...set]);
    this.entries.clear();
    this.upstream?.close();
    this.upstream = undefined;
    this.onEmpty();
    subscriptions.forEach((subscription) => subscription.fallBack());
  }

  private each(path: string | undefined, action: (subscription: SharedSubscription) => void): void {
    const sets = path === undefined ? [...this.entries.values()] : [this.entries.get(path)];
    for (const subscriptions of sets) {
      if (subscriptions !== undefined) {
        for (const subscription of [...subscriptions]) {
          action(subscription);
        }
      }
    }
  }
}

/** The earlier of two positions, `""` (none) counting as later than any. */
function lowest(a: string, b: string): string {
  return a === "" ? b : b === "" || compareIds(a, b) <= 0 ? a : b;
}

function sameSet(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((item) => b.includes(item));
}
