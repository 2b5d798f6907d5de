import type { ConnectionSettings } from "./connection.js";
import { EventStreamError, EventStreamHttpError, EventStreamRefusedError } from "./errors.js";
import type { LocalHub, MultiplexListener, Upstream } from "./multiplex.js";
import type { ServerSentEvent } from "./parser.js";
import { compareIds } from "./protocol.js";
import { SplitConnection } from "./split.js";
import type { StreamClose, StreamHello, StreamReset } from "./types.js";

/** The part of `navigator.locks` the tabs use. */
export interface TabLocks {
  request(name: string, options: { readonly signal: AbortSignal }, callback: () => Promise<void>): Promise<unknown>;
}

/** The part of a `BroadcastChannel` the tabs use. */
export interface TabChannel {
  postMessage(message: unknown): void;
  onmessage: ((event: MessageEvent) => void) | null;
  close(): void;
}

/** What cross-tab sharing needs from the browser: a browser's, or a test's in-process stand-in. */
export interface TabEnvironment {
  readonly locks: TabLocks;
  channel(name: string): TabChannel;
  /** Calls `listener` when the page goes away for good (`pagehide`), if the platform says so; returns a remover. */
  onLeave(listener: () => void): () => void;
}

/** The browser's Web Locks and BroadcastChannel, or `undefined` where either is missing (Node, old browsers). */
export function browserTabs(): TabEnvironment | undefined {
  const locks = typeof navigator === "undefined" ? undefined : (navigator as Navigator & { readonly locks?: TabLocks }).locks;
  if (locks === undefined || typeof BroadcastChannel !== "function") {
    return undefined;
  }
  return {
    locks,
    channel: (name) => new BroadcastChannel(name),
    onLeave: (listener) => {
      if (typeof addEventListener !== "function") {
        return () => undefined;
      }
      const onPageHide = (event: PageTransitionEvent): void => {
        if (!event.persisted) {
          listener();
        }
      };
      addEventListener("pagehide", onPageHide);
      return () => removeEventListener("pagehide", onPageHide);
    },
  };
}

/** How often the leading tab asks the others what they subscribe to, and forgets those that did not answer. */
const ROLL_CALL_MS = 10_000;

/** A subscription's end, as it crosses tabs. */
type WireClose = { readonly reason: StreamClose["reason"]; readonly status?: number; readonly message?: string };

/** The messages between the tabs of one endpoint. Every tab hears every message but its own. */
type TabMessage =
  | { readonly t: "leader"; readonly from: string }
  | { readonly t: "subs"; readonly from: string; readonly subs: readonly (readonly [string, string])[] }
  | { readonly t: "rewind"; readonly path: string; readonly position: string }
  | { readonly t: "bye"; readonly from: string }
  | { readonly t: "state"; readonly state: "connecting" | "open"; readonly paths?: readonly string[] }
  | { readonly t: "hello"; readonly path: string; readonly hello: StreamHello; readonly from: string }
  | { readonly t: "event"; readonly path: string; readonly event: ServerSentEvent }
  | { readonly t: "reset"; readonly path: string; readonly reset: StreamReset }
  | { readonly t: "ended"; readonly path: string; readonly info: WireClose }
  | { readonly t: "unavailable" };

/**
 * Shares one connection to the multiplexed endpoint between the tabs of a browser that use it (falling back to
 * one per page where the browser lacks Web Locks or BroadcastChannel).
 */
export function connectTabs(
  channel: string,
  endpoint: string,
  settings: ConnectionSettings,
  max: number,
  hub: LocalHub,
  onUnavailable: () => void,
  environment: TabEnvironment | undefined,
): Upstream {
  return environment === undefined
    ? pageUpstream(endpoint, settings, max, hub, onUnavailable)
    : new TabLink(channel, endpoint, settings, max, hub, onUnavailable, environment);
}

/** The page's own connection for a hub: what every page does where tabs cannot share. */
export function pageUpstream(endpoint: string, settings: ConnectionSettings, max: number, hub: LocalHub, onUnavailable: () => void): Upstream {
  const connection = new SplitConnection(
    endpoint,
    settings,
    {
      state: (state, paths) => hub.state(state, paths),
      hello: (path, hello, from) => hub.hello(path, hello, from),
      event: (path, event) => hub.event(path, event),
      reset: (path, reset) => hub.reset(path, reset),
      ended: (path, info) => hub.ended(path, info),
      error: (error) => hub.error(error),
      unavailable: () => {
        onUnavailable();
        hub.unavailable();
      },
    },
    () => hub.wanted(),
    max,
  );
  connection.update();
  return {
    changed: () => connection.update(),
    rewind: (path, position) => connection.rewind(path, position),
    close: () => connection.close(),
  };
}


/**
 * One tab's end of the browser-wide connection. The tab that holds the Web Lock named after the endpoint leads: it
 * holds the connection for the union of every tab's subscriptions and relays each subscription's events on a
 * BroadcastChannel; the others tell it what they subscribe to and how far they got. When the leader goes (closed,
 * crashed, or done with its last client) the browser hands the lock to a waiting tab, which connects with a cursor
 * from every tab's position (the lowest, per subscription). Each tab drops what it already had, by id, so a
 * takeover loses and duplicates nothing.
 */
class TabLink implements Upstream {
  private readonly id = Math.random().toString(36).slice(2) + Date.now().toString(36);
  private readonly endpoint: string;
  private readonly settings: ConnectionSettings;
  private readonly max: number;
  private readonly hub: LocalHub;
  private readonly onUnavailable: () => void;
  private readonly channel: TabChannel;
  private readonly pending = new AbortController();

  /** While this tab leads: its connection, what the other tabs want, and what they were last told. */
  private connection: SplitConnection | undefined;
  private readonly followers = new Map<string, Map<string, string>>();
  /** The followers heard from since the last roll call: one that stays silent through a whole round has crashed. */
  private heard = new Set<string>();
  private rollCall: unknown;
  private release: (() => void) | undefined;
  private readonly stopWatchingLeave: () => void;
  private closed = false;

  constructor(name: string, endpoint: string, settings: ConnectionSettings, max: number, hub: LocalHub, onUnavailable: () => void, environment: TabEnvironment) {
    this.endpoint = endpoint;
    this.settings = settings;
    this.max = max;
    this.hub = hub;
    this.onUnavailable = onUnavailable;
    this.channel = environment.channel(name);
    this.channel.onmessage = (event) => this.receive(event.data as TabMessage);
    this.stopWatchingLeave = environment.onLeave(() => this.close());
    environment.locks
      .request(name, { signal: this.pending.signal }, () => new Promise<void>((resolve) => this.lead(resolve)))
      .catch(() => undefined);
    this.changed();
  }

  changed(): void {
    if (this.closed) {
      return;
    }
    if (this.connection !== undefined) {
      this.connection.update();
    } else {
      this.post({ t: "subs", from: this.id, subs: [...this.hub.wanted()] });
    }
  }

  rewind(path: string, position: string): void {
    if (this.connection !== undefined) {
      this.connection.rewind(path, position);
    } else {
      this.post({ t: "rewind", path, position });
    }
  }

  close(): void {
    if (this.closed) {
      return;
    }
    this.closed = true;
    this.post({ t: "bye", from: this.id });
    this.connection?.close();
    this.connection = undefined;
    if (this.rollCall !== undefined) {
      this.settings.clock.clearTimeout(this.rollCall);
    }
    this.pending.abort();
    this.release?.();
    this.stopWatchingLeave();
    this.channel.close();
  }

  private lead(release: () => void): void {
    if (this.closed) {
      release();
      return;
    }
    this.release = release;
    this.followers.clear();
    this.hub.state("connecting");
    this.post({ t: "state", state: "connecting" });
    this.connection = new SplitConnection(this.endpoint, this.settings, this.leaderListener(), () => this.wanted(), this.max);
    // Every tab answers with what it has; a tab that is behind this one makes the connection go back for it.
    this.post({ t: "leader", from: this.id });
    this.connection.update();
    this.scheduleRollCall();
  }

  /** Asks the tabs again now and then, and forgets those that no longer answer (a crashed tab says no goodbye). */
  private scheduleRollCall(): void {
    this.rollCall = this.settings.clock.setTimeout(() => {
      if (this.closed || this.connection === undefined) {
        return;
      }
      let forgot = false;
      for (const follower of [...this.followers.keys()]) {
        if (!this.heard.has(follower)) {
          this.followers.delete(follower);
          forgot = true;
        }
      }
      this.heard = new Set();
      if (forgot) {
        this.connection.update();
      }
      this.post({ t: "leader", from: this.id });
      this.scheduleRollCall();
    }, ROLL_CALL_MS);
  }

  /** The union of every tab's subscriptions, each at the lowest position a tab has reached. */
  private wanted(): Map<string, string> {
    const union = this.hub.wanted();
    for (const subs of this.followers.values()) {
      for (const [path, position] of subs) {
        const known = union.get(path);
        if (known === undefined || (position !== "" && (known === "" || compareIds(position, known) < 0))) {
          union.set(path, position);
        }
      }
    }
    return union;
  }

  private leaderListener(): MultiplexListener {
    return {
      state: (state, paths) => {
        this.hub.state(state, paths);
        this.post({ t: "state", state, paths });
      },
      hello: (path, hello, from) => {
        this.hub.hello(path, hello, from);
        this.post({ t: "hello", path, hello, from });
      },
      event: (path, event) => {
        this.hub.event(path, event);
        this.post({ t: "event", path, event });
      },
      reset: (path, reset) => {
        this.hub.reset(path, reset);
        this.post({ t: "reset", path, reset });
      },
      ended: (path, info) => {
        for (const subs of this.followers.values()) {
          subs.delete(path);
        }
        this.hub.ended(path, info);
        this.post({ t: "ended", path, info: toWire(info) });
      },
      error: (error) => this.hub.error(error),
      unavailable: () => {
        this.post({ t: "unavailable" });
        this.onUnavailable();
        this.hub.unavailable();
      },
    };
  }

  private receive(message: TabMessage): void {
    if (this.closed) {
      return;
    }
    const connection = this.connection;
    switch (message.t) {
      case "leader":
        this.changed();
        return;
      case "subs":
        if (connection !== undefined) {
          const subs = new Map(message.subs);
          const before = this.followers.get(message.from);
          this.followers.set(message.from, subs);
          this.heard.add(message.from);
          // A path new to that tab may start before where the connection is: go back for it. (A path it had is
          // only as far behind as what is still on its way to it.)
          for (const [path, position] of subs) {
            if (before?.has(path) !== true) {
              connection.rewind(path, position);
            }
          }
          connection.update();
          // A path the connection already carries opens in that tab at once, from where the connection is (the tab
          // has heard every event up to there before this hello).
          const open = [...subs.keys()].flatMap((path) => {
            const carried = this.hub.position(path);
            return carried === undefined ? [] : [{ path, ...carried }];
          });
          if (open.length > 0) {
            this.post({ t: "state", state: "open", paths: open.map((entry) => entry.path) });
            for (const { path, hello, at } of open) {
              this.post({ t: "hello", path, hello, from: at });
            }
          }
        }
        return;
      case "rewind":
        connection?.rewind(message.path, message.position);
        return;
      case "bye":
        if (connection !== undefined && this.followers.delete(message.from)) {
          connection.update();
        }
        return;
    }
    if (connection !== undefined) {
      return; // what a leader relays, only followers take
    }
    switch (message.t) {
      case "state":
        this.hub.state(message.state, message.paths);
        return;
      case "hello":
        this.hub.hello(message.path, message.hello, message.from);
        return;
      case "event":
        this.hub.event(message.path, message.event);
        return;
      case "reset":
        this.hub.reset(message.path, message.reset);
        return;
      case "ended":
        this.hub.ended(message.path, fromWire(message.path, message.info));
        return;
      case "unavailable":
        this.onUnavailable();
        this.hub.unavailable();
        return;
    }
  }

  private post(message: TabMessage): void {
    if (!this.closed || message.t === "bye") {
      this.channel.postMessage(message);
    }
  }
}

function toWire(info: StreamClose): WireClose {
  return {
    reason: info.reason,
    ...(info.status !== undefined ? { status: info.status } : {}),
    ...(info.error !== undefined ? { message: info.error.message } : {}),
    ...(info.error instanceof EventStreamHttpError && info.status === undefined ? { status: info.error.status } : {}),
  };
}

function fromWire(path: string, info: WireClose): StreamClose {
  switch (info.reason) {
    case "refused":
      return { reason: "refused", status: info.status ?? 404, error: new EventStreamRefusedError(info.status ?? 404, path) };
    case "error":
      return {
        reason: "error",
        error: info.status !== undefined ? new EventStreamHttpError(info.status, "") : new EventStreamError(info.message ?? "The shared connection failed."),
      };
    default:
      return { reason: info.reason };
  }
}
