import { retryDelay } from "./backoff.js";
import { sleep, systemClock } from "./clock.js";
import {
  EventStreamContentTypeError,
  EventStreamError,
  EventStreamEventTooLargeError,
  EventStreamHttpError,
  EventStreamNetworkError,
  EventStreamTimeoutError,
} from "./errors.js";
import { EventStreamParser, type ServerSentEvent } from "./parser.js";
import { CLOSE, isEventStream } from "./protocol.js";
import type { Clock, EventStreamClientOptions, FetchFunction, HeadersSource } from "./types.js";
import { Watchdog } from "./watchdog.js";

/** How a connection is made and kept: the request and timing options of the client that opened it. */
export interface ConnectionSettings {
  readonly headers: HeadersSource | undefined;
  readonly credentials: RequestCredentials | undefined;
  readonly lastEventIdIn: "header" | "query";
  readonly retryDelayMs: number;
  readonly maxRetryDelayMs: number;
  readonly keepAliveTimeoutFactor: number;
  readonly idleTimeoutMs: number | undefined;
  readonly maxEventSize: number;
  readonly fetch: FetchFunction;
  readonly random: (() => number) | undefined;
  readonly clock: Clock;
}

export function connectionSettings(options: Omit<EventStreamClientOptions, "url">): ConnectionSettings {
  return {
    headers: options.headers,
    credentials: options.credentials,
    lastEventIdIn: options.lastEventIdIn ?? "header",
    retryDelayMs: options.retryDelayMs ?? 3000,
    maxRetryDelayMs: options.maxRetryDelayMs ?? 30_000,
    keepAliveTimeoutFactor: options.keepAliveTimeoutFactor ?? 3,
    idleTimeoutMs: options.idleTimeoutMs,
    maxEventSize: options.maxEventSize ?? DEFAULT_MAX_EVENT_SIZE,
    fetch: options.fetch ?? platformFetch,
    random: options.random,
    clock: options.clock ?? systemClock,
  };
}

/** 16 Mi characters: far above any sensible event, far below what makes V8 throw. */
const DEFAULT_MAX_EVENT_SIZE = 16 * 1024 * 1024;

const CONTROL_CHARACTER = /[\u0000-\u001f\u007f]/;
/** The longest delay `setTimeout` takes without firing at once. */
const MAX_TIMER_MS = 2_147_483_647;

/** Statuses that say "not now" rather than "never": retried, after `Retry-After` when the server sent one. */
const RETRIED_STATUSES = new Set([408, 429]);

// One function for every client, so that clients without a fetch of their own can share a connection.
const platformFetch: FetchFunction = (url, init) => globalThis.fetch(url, init);

/** What a {@link Connection} asks of its owner and tells it. Calls never overlap; none may throw. */
export interface ConnectionOwner {
  /** The URL and the last event id (or cursor) of the next request. */
  target(): { readonly url: string; readonly lastEventId: string };
  /** A stream is being read. */
  opened(): void;
  /** A complete event of the stream, control events included. */
  event(event: ServerSentEvent): void;
  /** The connection failed or ended and is retried after a delay; `error` is what failed, if anything did. */
  retrying(error: EventStreamError | undefined): void;
  /**
   * The server answered with a status that is neither a stream nor a 5xx (204, 4xx). The connection has stopped;
   * the owner reads or discards the response and decides what follows.
   */
  rejected(response: Response): void;
  /** A fatal error: the connection has stopped. */
  failed(error: EventStreamError): void;
}

/**
 * The state machine of one `text/event-stream` request kept alive: connect, read, and on failure or end reconnect
 * with the last event id after the server's `retry`, backing off after consecutive failures, dropping connections
 * that went silent. It knows nothing of what the events mean; its owner does.
 */
export class Connection {
  private readonly settings: ConnectionSettings;
  private readonly owner: ConnectionOwner;
  private readonly parser: EventStreamParser;

  private retryMs: number;
  private keepAliveMs: number | undefined;
  private failures = 0;
  private running = false;
  private stopped = false;
  /** Set by {@link Connection.reconnect}: the attempt ends without counting as a failure, and the next one is now. */
  private restarting = false;
  /** The server said `typedsse:close` on this request: its end is planned, not a failure. */
  private closedByServer = false;
  /** Set when an event was too large: the connection fails for good. */
  private oversized: EventStreamEventTooLargeError | undefined;
  private request: AbortController | undefined;
  private watchdog: Watchdog | undefined;
  private wake: (() => void) | undefined;

  constructor(settings: ConnectionSettings, owner: ConnectionOwner, lastEventId = "") {
    this.settings = settings;
    this.owner = owner;
    this.retryMs = settings.retryDelayMs;
    this.parser = new EventStreamParser({
      onEvent: (event) => {
        if (event.type === CLOSE) {
          this.closedByServer = true;
        }
        if (!this.stopped) {
          owner.event(event);
        }
      },
      onRetry: (retryMs) => {
        this.retryMs = retryMs;
      },
      lastEventId,
      maxEventSize: settings.maxEventSize,
      onOversize: (maxEventSize) => {
        this.oversized = new EventStreamEventTooLargeError(maxEventSize);
        this.request?.abort();
      },
    });
  }

  /** The stream's last event id as of the latest complete event. */
  get lastEventId(): string {
    return this.parser.lastEventId;
  }

  /** Starts connecting, in a microtask. */
  start(): void {
    if (this.running || this.stopped) {
      return;
    }
    this.running = true;
    Promise.resolve()
      .then(() => this.run())
      .catch((error: unknown) => {
        this.stop();
        this.owner.failed(new EventStreamError("The event stream client failed.", error));
      });
  }

  /** The server's hello announced its keep-alive interval: measure liveness against it from now on. */
  keepAlive(keepAliveMs: number): void {
    this.keepAliveMs = keepAliveMs;
    this.watchdog?.refresh();
  }

  /** Ends the current request and connects again at once (the target changed), without counting a failure. */
  reconnect(): void {
    if (this.stopped) {
      return;
    }
    this.restarting = true;
    this.request?.abort();
    this.wake?.();
  }

  /** Stops for good: aborts the request, cancels any pending reconnect. Safe to call repeatedly. */
  stop(): void {
    if (this.stopped) {
      return;
    }
    this.stopped = true;
    this.request?.abort();
    this.request = undefined;
    this.watchdog?.stop();
    this.wake?.();
  }

  private async run(): Promise<void> {
    while (!this.stopped) {
      this.restarting = false;
      const outcome = await this.connect();
      if (outcome === "stop" || this.stopped) {
        return;
      }
      if (this.restarting) {
        continue;
      }
      if (this.oversized !== undefined) {
        this.stop();
        this.owner.failed(this.oversized);
        return;
      }
      // A close the server announced (expired credentials, a sign-out) is no failure: reconnect after its retry,
      // with headers asked for afresh, however often it happens.
      this.failures = this.closedByServer && outcome === "ended" ? 1 : this.failures + 1;
      this.owner.retrying(outcome === "ended" ? undefined : outcome);
      if (this.stopped || this.restarting) {
        continue;
      }
      const backoff = retryDelay(this.failures, {
        baseMs: this.retryMs,
        maxMs: this.settings.maxRetryDelayMs,
        ...(this.settings.random !== undefined ? { random: this.settings.random } : {}),
      });
      const retryAfter = outcome instanceof EventStreamHttpError ? (outcome.retryAfterMs ?? 0) : 0;
      const delay = Math.min(Math.max(backoff, retryAfter), MAX_TIMER_MS);
      const pause = sleep(this.settings.clock, delay);
      this.wake = pause.wake;
      await pause.done;
      this.wake = undefined;
    }
  }

  /** One request, from fetch to end of stream: `stop`, `ended` (retry), or the error to report and retry after. */
  private async connect(): Promise<"stop" | "ended" | EventStreamError> {
    const target = this.owner.target();
    this.closedByServer = false;
    let init: RequestInit;
    try {
      init = await this.requestInit(target.lastEventId);
    } catch (error) {
      return new EventStreamError("The headers callback failed.", error);
    }
    if (this.stopped || this.restarting) {
      return "ended";
    }

    const request = new AbortController();
    init.signal = request.signal;
    this.request = request;
    let timedOut: EventStreamTimeoutError | undefined;
    const { keepAliveTimeoutFactor, idleTimeoutMs } = this.settings;
    const watchdog = new Watchdog(
      this.settings.clock,
      () => (this.keepAliveMs !== undefined ? this.keepAliveMs * keepAliveTimeoutFactor : idleTimeoutMs),
      (timeoutMs) => {
        timedOut = new EventStreamTimeoutError(timeoutMs);
        request.abort();
      },
    );
    this.watchdog = watchdog;
    // A rejected response belongs to the owner, who may read its body: aborting would cut that short.
    let handedOver = false;
    try {
      let response: Response;
      try {
        response = await this.settings.fetch(this.requestUrl(target), init);
      } catch (error) {
        return timedOut ?? new EventStreamNetworkError("Could not connect to the event stream.", error);
      }
      if (this.stopped || this.restarting) {
        discard(response);
        return "ended";
      }
      if (response.status < 200 || response.status > 299 || response.status === 204) {
        if (response.status >= 500 || RETRIED_STATUSES.has(response.status)) {
          discard(response);
          const retryAfterMs = parseRetryAfter(response.headers.get("Retry-After"), Date.now());
          return new EventStreamHttpError(response.status, response.statusText, retryAfterMs);
        }
        handedOver = true;
        this.request = undefined;
        this.stop();
        this.owner.rejected(response);
        return "stop";
      }
      const contentType = response.headers.get("Content-Type");
      if (!isEventStream(contentType)) {
        discard(response);
        this.stop();
        this.owner.failed(new EventStreamContentTypeError(contentType));
        return "stop";
      }

      this.failures = 0;
      this.owner.opened();
      if (response.body === null) {
        return "ended";
      }
      const reader = response.body.getReader();
      try {
        for (;;) {
          const { done, value } = await reader.read();
          if (done || this.stopped || this.restarting) {
            break;
          }
          watchdog.touch();
          this.parser.feed(value);
        }
      } catch (error) {
        return this.restarting || this.oversized !== undefined
          ? "ended"
          : (timedOut ?? new EventStreamNetworkError("The event stream broke.", error));
      } finally {
        this.parser.end();
      }
      return "ended";
    } finally {
      watchdog.stop();
      this.watchdog = undefined;
      this.request = undefined;
      if (!handedOver) {
        request.abort();
      }
    }
  }

  /**
   * Whether the id goes in the `Last-Event-ID` header. An id with a control character, which `fetch` refuses in a
   * header (a foreign server may issue one), goes in the `lastEventId` query parameter instead, so that every
   * reconnect still reaches the server rather than failing before it is sent.
   */
  private lastEventIdInHeader(lastEventId: string): boolean {
    return this.settings.lastEventIdIn === "header" && lastEventId !== "" && !CONTROL_CHARACTER.test(lastEventId);
  }

  private async requestInit(lastEventId: string): Promise<RequestInit> {
    const source = this.settings.headers;
    const headers = new Headers(typeof source === "function" ? await source() : source);
    headers.set("Accept", "text/event-stream");
    if (this.lastEventIdInHeader(lastEventId)) {
      headers.set("Last-Event-ID", utf8ByteString(lastEventId));
    }
    const init: RequestInit = { method: "GET", headers };
    if (this.settings.credentials !== undefined) {
      init.credentials = this.settings.credentials;
    }
    return init;
  }

  private requestUrl({ url, lastEventId }: { readonly url: string; readonly lastEventId: string }): string {
    const hash = url.indexOf("#");
    const withoutHash = hash === -1 ? url : url.slice(0, hash);
    if (lastEventId === "" || this.lastEventIdInHeader(lastEventId)) {
      return hash === -1 ? url : withoutHash;
    }
    return appendQuery(withoutHash, `lastEventId=${encodeURIComponent(lastEventId)}`);
  }
}

/** Appends `name=value` pairs to a URL's query. */
export function appendQuery(url: string, query: string): string {
  const separator = url.indexOf("?") === -1 ? "?" : url.endsWith("?") || url.endsWith("&") ? "" : "&";
  return `${url}${separator}${query}`;
}

/**
 * Reads a `Retry-After`: delay seconds or an HTTP date, relative to `nowMs` (wall-clock milliseconds). `undefined`
 * when absent or unreadable.
 */
export function parseRetryAfter(value: string | null, nowMs: number): number | undefined {
  if (value === null) {
    return undefined;
  }
  const text = value.trim();
  if (/^[0-9]+$/.test(text)) {
    return Math.min(Number(text) * 1000, MAX_TIMER_MS);
  }
  const date = Date.parse(text);
  return Number.isNaN(date) ? undefined : Math.min(Math.max(0, date - nowMs), MAX_TIMER_MS);
}

/** Frees the connection of a response that will not be read. */
export function discard(response: Response): void {
  response.body?.cancel().catch(() => undefined);
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
