import type { EventStreamError } from "./errors.js";
import type { ServerSentEvent } from "./parser.js";

/**
 * `connecting` (also while waiting to reconnect), `open` (a stream is being read) or `closed` (for good).
 * A client on a connection shared with other clients or tabs sees the shared connection's state.
 */
export type ConnectionState = "connecting" | "open" | "closed";

/** Request headers, or a function (sync or async) that returns them and is called on every connect. */
export type HeadersSource = HeadersInit | (() => HeadersInit | Promise<HeadersInit>);

/** The `fetch` the client calls; `globalThis.fetch` unless one is given. */
export type FetchFunction = (url: string, init: RequestInit) => Promise<Response>;

/**
 * Where the client's timers and its sense of "now" come from: the platform's by default. A test passes a clock it
 * advances by hand, so the watchdog, the backoff and the cross-tab takeover run without waiting real time.
 */
export interface Clock {
  /** Milliseconds on a monotonic scale; only differences matter. */
  now(): number;
  /** Calls `callback` once after `ms` milliseconds; returns a handle for {@link Clock.clearTimeout}. */
  setTimeout(callback: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

/** How widely a stream's connection is shared: every tab of the origin, this page's clients, or none. */
export type ConnectionSharing = "browser" | "page" | "none";

/**
 * Carries a stream over the app's multiplexed endpoint (`app.MapEventStreams("/events")`), on one connection
 * with every other client that names the same endpoint (see docs/protocol.md, "multiplexing").
 */
export interface MultiplexOptions {
  /** The multiplexed endpoint's URL. A relative URL is resolved against the page. */
  readonly url: string | URL;
  /**
   * The stream's path as its own endpoint is mapped, route values filled in and URL-encoded, relative to the app's
   * path base: the `s` query value of the subscription, for example `/rooms/lobby/events`.
   */
  readonly path: string;
  /**
   * `browser` (default): one connection for every tab of this origin, held by one tab and shared with the others
   * (where the browser has Web Locks and BroadcastChannel; elsewhere as `page`). `page`: one connection for this
   * page's clients.
   */
  readonly sharing?: Exclude<ConnectionSharing, "none">;
  /**
   * The most subscriptions one request carries: the server's `TypedSseOptions.MaxSubscriptionsPerConnection`
   * (default 32). A larger set is carried by as many requests as it needs. The first client of a connection decides.
   */
  readonly maxSubscriptionsPerConnection?: number;
}

/** Options of an {@link EventStreamClient}. Only `url` is required. */
export interface EventStreamClientOptions {
  /** The stream's URL. A relative URL is resolved by `fetch`, against the page in a browser. */
  readonly url: string | URL;
  /**
   * Share a connection to the app's multiplexed endpoint instead of opening one to `url`. Clients that share a
   * connection share its `headers`, `credentials`, `lastEventIdIn`, `fetch` and timing options: those of the first
   * client that opened it. If the endpoint answers 404 (the app did not map it), every such client falls back to a
   * connection of its own to `url`, with one console warning.
   */
  readonly multiplex?: MultiplexOptions;
  /**
   * Extra request headers. A function is called again on every reconnect, so it can refresh an expiring token; if
   * it throws or rejects, the error is reported and the connect is retried like a network failure.
   */
  readonly headers?: HeadersSource;
  /** The request's credentials mode, for cookies on a cross-origin stream. */
  readonly credentials?: RequestCredentials;
  /**
   * How a reconnect sends the last event id: the `Last-Event-ID` header (default), or the `lastEventId` query
   * parameter, which needs no CORS preflight.
   */
  readonly lastEventIdIn?: "header" | "query";
  /** The last event id to resume from on the first connect, for example one kept from an earlier page load. */
  readonly lastEventId?: string;
  /** Aborting it closes the client, like {@link EventStreamClient.close}. */
  readonly signal?: AbortSignal;
  /** The reconnection delay until the server sends a `retry` field. Default 3000 ms. */
  readonly retryDelayMs?: number;
  /** The cap of the exponential backoff after consecutive failures. Default 30000 ms. */
  readonly maxRetryDelayMs?: number;
  /**
   * Once the server's hello announced its keep-alive interval, a connection on which nothing arrived (not even a
   * ping) for that interval times this factor is dropped and reconnected. Default 3.
   */
  readonly keepAliveTimeoutFactor?: number;
  /**
   * The same liveness timeout, in milliseconds, for connections whose server has not (yet) sent a hello. Default:
   * none, so such a connection is only dropped by the network.
   */
  readonly idleTimeoutMs?: number;
  /**
   * The most characters one line, or one event's data, may hold. A longer one fails the client with an
   * `EventStreamEventTooLargeError` instead of exhausting memory. Default 16,777,216 (16 Mi).
   */
  readonly maxEventSize?: number;
  /** The `fetch` to use, for platforms or tests that need another one. */
  readonly fetch?: FetchFunction;
  /** A source of numbers in [0, 1) for backoff jitter; `Math.random` by default. */
  readonly random?: () => number;
  /** The timers and `now()` of the watchdog, the backoff and the cross-tab takeover; the platform's by default. */
  readonly clock?: Clock;
}

/** What the server's `typedsse:hello` said about the current connection. */
export interface StreamHello {
  /**
   * The server's opaque id of this connection (on a multiplexed connection: of this stream's subscription), as
   * `EventAudience.ForConnection` targets it.
   */
  readonly connectionId: string;
  /** The server's keep-alive interval: an idle connection gets a ping this often. */
  readonly keepAliveMs: number;
}

/** Why the server could not replay the events after the client's last event id. */
export type ResetReason = "history-gap" | "unknown-id" | (string & {});

/**
 * The server could not replay what the client missed: the application should resync its state (fetch a
 * snapshot). The client's last event id already continues from `latestEventId`.
 */
export interface StreamReset {
  /** `history-gap`: the missed events are no longer retained; `unknown-id`: the server never issued that id. */
  readonly reason: ResetReason;
  /** The id the client asked to resume from. */
  readonly lastEventId: string;
  /** The newest event id of the stream, from which the client now continues. */
  readonly latestEventId: string;
}

/**
 * Who ended the client: `client` (close or abort), `server` (HTTP 204, or a multiplexed subscription the app said
 * not to renew), `refused` (the multiplexed endpoint refused this stream's subscription, with `status`) or `error`
 * (a fatal error).
 */
export type CloseReason = "client" | "server" | "refused" | "error";

/** Why and how the client closed. */
export interface StreamClose {
  readonly reason: CloseReason;
  /** The fatal error, when `reason` is `error` or `refused`. */
  readonly error?: EventStreamError;
  /** When `reason` is `refused`: the status the stream's own endpoint would have answered (401, 403, 404). */
  readonly status?: number;
}

/** The client's own events, for {@link EventStreamClient.on}, with what their listeners receive. */
export interface EventStreamClientEventMap {
  /** The state changed; the listener gets the new state. */
  statechange: ConnectionState;
  /** A connection's server sent its hello. */
  hello: StreamHello;
  /** The server could not replay the missed events; resync. */
  reset: StreamReset;
  /**
   * Something failed. When the error is fatal, `state` is already `closed` and `close` follows; otherwise the
   * client retries.
   */
  error: EventStreamError;
  /** The client closed for good. */
  close: StreamClose;
}

/** What {@link EventStreamClient.events} yields, in stream order: an application event or a reset. */
export type EventStreamItem =
  | { readonly kind: "event"; readonly event: ServerSentEvent }
  | { readonly kind: "reset"; readonly reset: StreamReset };

/** Removes the listener it was returned for. */
export type Unsubscribe = () => void;
