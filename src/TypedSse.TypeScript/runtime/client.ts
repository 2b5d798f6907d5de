import { retryDelay } from "./backoff.js";
import {
  EventStreamContentTypeError,
  EventStreamError,
  EventStreamHttpError,
  EventStreamListenerError,
  EventStreamNetworkError,
  EventStreamPayloadError,
  EventStreamTimeoutError,
} from "./errors.js";
import { EventQueue } from "./event-queue.js";
import { EventStreamParser, type ServerSentEvent } from "./parser.js";
import { Watchdog } from "./watchdog.js";

/** `connecting` (also while waiting to reconnect), `open` (a stream is being read) or `closed` (for good). */
export type ConnectionState = "connecting" | "open" | "closed";

/** Request headers, or a function (sync or async) that returns them and is called on every connect. */
export type HeadersSource = HeadersInit | (() => HeadersInit | Promise<HeadersInit>);

/** The `fetch` the client calls; `globalThis.fetch` unless one is given. */
export type FetchFunction = (url: string, init: RequestInit) => Promise<Response>;

/** Options of an {@link EventStreamClient}. Only `url` is required. */
export interface EventStreamClientOptions {
  /** The stream's URL. A relative URL is resolved by `fetch`, against the page in a browser. */
  readonly url: string | URL;
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
  /** The `fetch` to use, for platforms or tests that need another one. */
  readonly fetch?: FetchFunction;
  /** A source of numbers in [0, 1) for backoff jitter; `Math.random` by default. */
  readonly random?: () => number;
}

/** What the server's `typedsse:hello` said about the current connection. */
export interface StreamHello {
  /** The server's opaque id of this connection. */
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

/** Who ended the client: `client` (close or abort), `server` (HTTP 204) or `error` (a fatal error). */
export type CloseReason = "client" | "server" | "error";

/** Why and how the client closed. */
export interface StreamClose {
  readonly reason: CloseReason;
  /** The fatal error, when `reason` is `error`. */
  readonly error?: EventStreamError;
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

const HELLO = "typedsse:hello";
const RESET = "typedsse:reset";
const CONTROL_PREFIX = "typedsse:";

type ClientListeners = { [K in keyof EventStreamClientEventMap]: Set<(value: EventStreamClientEventMap[K]) => void> };

/**
 * Reads a TypedSse (or any `text/event-stream`) endpoint over `fetch` and keeps it connected: it reconnects with
 * the last event id, honours the server's `retry`, backs off after consecutive failures, and drops connections that
 * went silent. It connects as soon as it is constructed (in a microtask, so listeners added right after
 * construction miss nothing) and runs until {@link EventStreamClient.close}, its `signal`, an HTTP 204 or a fatal
 * error.
 *
 * Listeners are called synchronously in stream order. One that throws does not stop the others or the stream: its
 * exception is reported to the `error` listeners as an {@link EventStreamListenerError}, or rethrown
 * asynchronously when there are none.
 */
export class EventStreamClient {
  /** The stream's URL as given. */
  readonly url: string;

  private readonly headers: HeadersSource | undefined;
  private readonly credentials: RequestCredentials | undefined;
  private readonly lastEventIdIn: "header" | "query";
  private readonly signal: AbortSignal | undefined;
  private readonly maxRetryDelayMs: number;
  private readonly keepAliveTimeoutFactor: number;
  private readonly idleTimeoutMs: number | undefined;
  private readonly fetch: FetchFunction;
  private readonly random: (() => number) | undefined;

  private readonly parser: EventStreamParser;
  private readonly clientListeners: ClientListeners = {
    statechange: new Set(),
    hello: new Set(),
    reset: new Set(),
    error: new Set(),
    close: new Set(),
  };
  private readonly eventListeners = new Map<string, Set<(event: ServerSentEvent) => void>>();
  private readonly anyEventListeners = new Set<(event: ServerSentEvent) => void>();
  private readonly queues = new Set<EventQueue<EventStreamItem>>();

  private currentState: ConnectionState = "connecting";
  private closeInfo: StreamClose | undefined;
  private currentHello: StreamHello | undefined;
  private keepAliveMs: number | undefined;
  private retryMs: number;
  private failures = 0;
  private connection: AbortController | undefined;
  private watchdog: Watchdog | undefined;
  private wake: (() => void) | undefined;
  private readonly abortListener = (): void => this.close();

  constructor(options: EventStreamClientOptions) {
    this.url = String(options.url);
    this.headers = options.headers;
    this.credentials = options.credentials;
    this.lastEventIdIn = options.lastEventIdIn ?? "header";
    this.signal = options.signal;
    this.retryMs = options.retryDelayMs ?? 3000;
    this.maxRetryDelayMs = options.maxRetryDelayMs ?? 30_000;
    this.keepAliveTimeoutFactor = options.keepAliveTimeoutFactor ?? 3;
    this.idleTimeoutMs = options.idleTimeoutMs;
    this.fetch = options.fetch ?? ((url, init) => globalThis.fetch(url, init));
    this.random = options.random;
    this.parser = new EventStreamParser({
      onEvent: (event) => this.dispatch(event),
      onRetry: (retryMs) => {
        this.retryMs = retryMs;
      },
      lastEventId: options.lastEventId ?? "",
    });

    if (this.signal?.aborted === true) {
      this.currentState = "closed";
      this.closeInfo = { reason: "client" };
      return;
    }
    this.signal?.addEventListener("abort", this.abortListener);
    Promise.resolve()
      .then(() => this.run())
      .catch((error: unknown) => {
        this.finish({ reason: "error", error: new EventStreamError("The event stream client failed.", error) });
      });
  }

  /** The connection state. */
  get state(): ConnectionState {
    return this.currentState;
  }

  /** The id a reconnect resumes from: the stream's last event id as of the latest complete event. */
  get lastEventId(): string {
    return this.parser.lastEventId;
  }

  /** The current connection's hello, once it arrived; `undefined` while (re)connecting and after close. */
  get hello(): StreamHello | undefined {
    return this.currentHello;
  }

  /** Why the client closed; `undefined` while it runs. */
  get closed(): StreamClose | undefined {
    return this.closeInfo;
  }

  /** Adds a listener for one of the client's own events. */
  on<K extends keyof EventStreamClientEventMap>(
    name: K,
    listener: (value: EventStreamClientEventMap[K]) => void,
  ): Unsubscribe {
    this.clientListeners[name].add(listener);
    return () => this.off(name, listener);
  }

  /** Removes a listener added with {@link EventStreamClient.on}. */
  off<K extends keyof EventStreamClientEventMap>(name: K, listener: (value: EventStreamClientEventMap[K]) => void): void {
    this.clientListeners[name].delete(listener);
  }

  /** Adds a listener for the stream's events of one type (the `event` field; `message` when there is none). */
  onEvent(type: string, listener: (event: ServerSentEvent) => void): Unsubscribe {
    let listeners = this.eventListeners.get(type);
    if (listeners === undefined) {
      listeners = new Set();
      this.eventListeners.set(type, listeners);
    }
    listeners.add(listener);
    return () => this.offEvent(type, listener);
  }

  /** Removes a listener added with {@link EventStreamClient.onEvent}. */
  offEvent(type: string, listener: (event: ServerSentEvent) => void): void {
    const listeners = this.eventListeners.get(type);
    if (listeners?.delete(listener) === true && listeners.size === 0) {
      this.eventListeners.delete(type);
    }
  }

  /** Adds a listener for every application event, whatever its type. Control events are not included. */
  onAnyEvent(listener: (event: ServerSentEvent) => void): Unsubscribe {
    this.anyEventListeners.add(listener);
    return () => this.offAnyEvent(listener);
  }

  /** Removes a listener added with {@link EventStreamClient.onAnyEvent}. */
  offAnyEvent(listener: (event: ServerSentEvent) => void): void {
    this.anyEventListeners.delete(listener);
  }

  /**
   * Iterates the application events and resets that arrive from now on, in stream order. Items queue while the
   * consumer is busy. The iteration ends when the client closes (after the queued items), throwing the error if
   * the client closed on a fatal error, or when `signal` aborts or the loop breaks.
   */
  events(options: { readonly signal?: AbortSignal } = {}): AsyncIterableIterator<EventStreamItem> {
    const { signal } = options;
    const onAbort = (): void => queue.finish();
    const queue: EventQueue<EventStreamItem> = new EventQueue(() => {
      this.queues.delete(queue);
      signal?.removeEventListener("abort", onAbort);
    });
    if (this.closeInfo !== undefined) {
      queue.finish(this.closeInfo.error);
    } else if (signal?.aborted === true) {
      queue.finish();
    } else {
      this.queues.add(queue);
      signal?.addEventListener("abort", onAbort);
    }
    return queue;
  }

  /** Closes the client for good: aborts the connection, cancels any pending reconnect. Safe to call repeatedly. */
  close(): void {
    this.finish({ reason: "client" });
  }

  private async run(): Promise<void> {
    while (this.closeInfo === undefined) {
      const retry = await this.connect();
      if (!retry || this.closeInfo !== undefined) {
        return;
      }
      this.failures++;
      this.setState("connecting");
      await this.sleep(
        retryDelay(this.failures, {
          baseMs: this.retryMs,
          maxMs: this.maxRetryDelayMs,
          ...(this.random !== undefined ? { random: this.random } : {}),
        }),
      );
    }
  }

  /** One connection, from request to end of stream. Resolves to whether to reconnect. */
  private async connect(): Promise<boolean> {
    let init: RequestInit;
    try {
      init = await this.requestInit();
    } catch (error) {
      return this.failed(new EventStreamError("The headers callback failed.", error));
    }
    if (this.closeInfo !== undefined) {
      return false;
    }

    const connection = new AbortController();
    init.signal = connection.signal;
    this.connection = connection;
    let timedOut: EventStreamTimeoutError | undefined;
    const watchdog = new Watchdog(
      () => (this.keepAliveMs !== undefined ? this.keepAliveMs * this.keepAliveTimeoutFactor : this.idleTimeoutMs),
      (timeoutMs) => {
        timedOut = new EventStreamTimeoutError(timeoutMs);
        connection.abort();
      },
    );
    this.watchdog = watchdog;
    try {
      let response: Response;
      try {
        response = await this.fetch(this.requestUrl(), init);
      } catch (error) {
        return this.failed(timedOut ?? new EventStreamNetworkError("Could not connect to the event stream.", error));
      }
      if (this.closeInfo !== undefined) {
        discard(response);
        return false;
      }

      if (response.status === 204) {
        discard(response);
        this.finish({ reason: "server" });
        return false;
      }
      if (response.status < 200 || response.status > 299) {
        discard(response);
        const error = new EventStreamHttpError(response.status, response.statusText);
        if (response.status >= 500) {
          return this.failed(error);
        }
        this.finish({ reason: "error", error });
        return false;
      }
      const contentType = response.headers.get("Content-Type");
      if (!isEventStream(contentType)) {
        discard(response);
        this.finish({ reason: "error", error: new EventStreamContentTypeError(contentType) });
        return false;
      }

      this.failures = 0;
      this.setState("open");
      if (response.body === null) {
        return true;
      }
      const reader = response.body.getReader();
      try {
        for (;;) {
          const { done, value } = await reader.read();
          if (done || this.closeInfo !== undefined) {
            break;
          }
          watchdog.touch();
          this.parser.feed(value);
        }
      } catch (error) {
        return this.failed(timedOut ?? new EventStreamNetworkError("The event stream broke.", error));
      } finally {
        this.parser.end();
      }
      return this.closeInfo === undefined;
    } finally {
      watchdog.stop();
      this.watchdog = undefined;
      this.connection = undefined;
      this.currentHello = undefined;
      connection.abort();
    }
  }

  private async requestInit(): Promise<RequestInit> {
    const source = this.headers;
    const headers = new Headers(typeof source === "function" ? await source() : source);
    headers.set("Accept", "text/event-stream");
    const lastEventId = this.parser.lastEventId;
    if (this.lastEventIdIn === "header" && lastEventId !== "") {
      headers.set("Last-Event-ID", utf8ByteString(lastEventId));
    }
    const init: RequestInit = { method: "GET", headers };
    if (this.credentials !== undefined) {
      init.credentials = this.credentials;
    }
    return init;
  }

  private requestUrl(): string {
    const lastEventId = this.parser.lastEventId;
    if (this.lastEventIdIn !== "query" || lastEventId === "") {
      return this.url;
    }
    const hash = this.url.indexOf("#");
    const url = hash === -1 ? this.url : this.url.slice(0, hash);
    const separator = url.indexOf("?") === -1 ? "?" : url.endsWith("?") || url.endsWith("&") ? "" : "&";
    return `${url}${separator}lastEventId=${encodeURIComponent(lastEventId)}`;
  }

  /** A connection failed in a way worth retrying: report it unless the client was closed meanwhile. */
  private failed(error: EventStreamError): boolean {
    if (this.closeInfo !== undefined) {
      return false;
    }
    this.emit("error", error);
    return true;
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const wake = (): void => {
        clearTimeout(timer);
        this.wake = undefined;
        resolve();
      };
      const timer = setTimeout(wake, ms);
      this.wake = wake;
    });
  }

  private dispatch(event: ServerSentEvent): void {
    if (this.closeInfo !== undefined) {
      return;
    }
    if (event.type === HELLO) {
      this.receiveHello(event);
    } else if (event.type === RESET) {
      this.receiveReset(event);
    } else if (!event.type.startsWith(CONTROL_PREFIX)) {
      const listeners = this.eventListeners.get(event.type);
      if (listeners !== undefined) {
        this.call(listeners, event, event.type, false);
      }
      if (this.anyEventListeners.size > 0) {
        this.call(this.anyEventListeners, event, event.type, false);
      }
      if (this.queues.size > 0) {
        const item: EventStreamItem = { kind: "event", event };
        for (const queue of this.queues) {
          queue.push(item);
        }
      }
    }
  }

  private receiveHello(event: ServerSentEvent): void {
    const hello = readJson(event, (value) =>
      typeof value.connectionId === "string" && isPositiveNumber(value.keepAliveMs)
        ? { connectionId: value.connectionId, keepAliveMs: value.keepAliveMs }
        : undefined,
    );
    if (hello instanceof EventStreamError) {
      this.emit("error", hello);
      return;
    }
    this.currentHello = hello;
    this.keepAliveMs = hello.keepAliveMs;
    this.watchdog?.refresh();
    this.emit("hello", hello);
  }

  private receiveReset(event: ServerSentEvent): void {
    const reset = readJson(event, (value): StreamReset | undefined =>
      isResetReason(value.reason) && typeof value.lastEventId === "string" && typeof value.latestEventId === "string"
        ? { reason: value.reason, lastEventId: value.lastEventId, latestEventId: value.latestEventId }
        : undefined,
    );
    if (reset instanceof EventStreamError) {
      this.emit("error", reset);
      return;
    }
    this.emit("reset", reset);
    const item: EventStreamItem = { kind: "reset", reset };
    for (const queue of this.queues) {
      queue.push(item);
    }
  }

  private setState(state: ConnectionState): void {
    if (this.currentState !== state) {
      this.currentState = state;
      this.emit("statechange", state);
    }
  }

  private finish(info: StreamClose): void {
    if (this.closeInfo !== undefined) {
      return;
    }
    this.closeInfo = info;
    this.signal?.removeEventListener("abort", this.abortListener);
    this.connection?.abort();
    this.watchdog?.stop();
    this.wake?.();
    this.currentHello = undefined;
    this.setState("closed");
    if (info.error !== undefined) {
      this.emit("error", info.error);
    }
    this.emit("close", info);
    for (const queue of this.queues) {
      queue.finish(info.error);
    }
  }

  private emit<K extends keyof EventStreamClientEventMap>(name: K, value: EventStreamClientEventMap[K]): void {
    const listeners = this.clientListeners[name];
    if (listeners.size > 0) {
      this.call(listeners, value, name, name === "error");
    }
  }

  private call<T>(listeners: Set<(value: T) => void>, value: T, name: string, areErrorListeners: boolean): void {
    for (const listener of listeners.size === 1 ? listeners : [...listeners]) {
      try {
        listener(value);
      } catch (error) {
        const failure = new EventStreamListenerError(name, error);
        if (areErrorListeners || this.clientListeners.error.size === 0) {
          setTimeout(() => {
            throw failure;
          }, 0);
        } else {
          this.emit("error", failure);
        }
      }
    }
  }
}

/**
 * A header value is a byte string, and `Headers` rejects characters above U+00FF. Like `EventSource`, send the id
 * UTF-8 encoded, one byte per character.
 */
function utf8ByteString(value: string): string {
  if (!/[^\u0000-\u007f]/.test(value)) {
    return value;
  }
  let bytes = "";
  for (const byte of new TextEncoder().encode(value)) {
    bytes += String.fromCharCode(byte);
  }
  return bytes;
}

function isEventStream(contentType: string | null): boolean {
  if (contentType === null) {
    return false;
  }
  const semicolon = contentType.indexOf(";");
  const mediaType = semicolon === -1 ? contentType : contentType.slice(0, semicolon);
  return mediaType.trim().toLowerCase() === "text/event-stream";
}

/** Frees the connection of a response that will not be read. */
function discard(response: Response): void {
  response.body?.cancel().catch(() => undefined);
}

function readJson<T>(
  event: ServerSentEvent,
  read: (value: Record<string, unknown>) => T | undefined,
): T | EventStreamPayloadError {
  let value: unknown;
  try {
    value = JSON.parse(event.data);
  } catch (error) {
    return new EventStreamPayloadError(event.type, event.data, error);
  }
  const result = typeof value === "object" && value !== null ? read(value as Record<string, unknown>) : undefined;
  return result ?? new EventStreamPayloadError(event.type, event.data, new TypeError("Unexpected shape."));
}

function isPositiveNumber(value: unknown): value is number {
  return typeof value === "number" && Number.isFinite(value) && value > 0;
}

// A reason this client does not know yet still means "resync": deliver it rather than drop the reset.
function isResetReason(value: unknown): value is ResetReason {
  return typeof value === "string" && value.length > 0;
}
