/** What a 404 on a stream's path most often means, and the fix. */
const NOT_FOUND_HINT =
  "No stream is mapped at this path. If the app maps the contract at a pattern of its own " +
  '(app.MapChatEvents("/room/{room}/events") instead of the contract\'s route), pass the path it maps as the client\'s ' +
  'path option, for example new ChatEventsClient({ room: "lobby" }, { path: "/room/lobby/events" }). Also check baseUrl.';

/** Base class of every error the TypedSse runtime reports. */
export class EventStreamError extends Error {
  constructor(message: string, cause?: unknown) {
    super(message);
    this.name = "EventStreamError";
    // Defined rather than declared as a field: with ES2022's lib, Error has `cause` already, and a field would need
    // `override` there (noImplicitOverride) but must not have it with older libs. The interface below types it.
    Object.defineProperty(this, "cause", { value: cause, writable: true, configurable: true });
  }
}

export interface EventStreamError {
  /** The underlying error, if there is one (a `fetch` rejection, a `JSON.parse` failure, a listener's exception). */
  readonly cause: unknown;
}

/**
 * The server answered with a status that is not a stream. A 5xx, 408 or 429 is reported and retried (after the
 * server's `Retry-After`, when it sent one); any other 4xx is fatal and closes the client (204 is "stop").
 */
export class EventStreamHttpError extends EventStreamError {
  /** The HTTP status code. */
  readonly status: number;
  /** The HTTP reason phrase, often empty over HTTP/2. */
  readonly statusText: string;
  /** The server's `Retry-After`, in milliseconds, when it sent a valid one. */
  readonly retryAfterMs: number | undefined;

  constructor(status: number, statusText: string, retryAfterMs?: number, url?: string) {
    super(
      `The server answered ${status}${statusText ? ` ${statusText}` : ""} instead of an event stream` +
        (url === undefined ? "" : ` at ${url}`) +
        (retryAfterMs === undefined ? "." : `; retrying after ${retryAfterMs} ms, as its Retry-After asks.`) +
        (status === 404 ? ` ${NOT_FOUND_HINT}` : ""),
    );
    this.name = "EventStreamHttpError";
    this.status = status;
    this.statusText = statusText;
    this.retryAfterMs = retryAfterMs;
  }
}

/**
 * One line or one event of the stream was longer than the client's `maxEventSize`. Fatal: the client closes rather
 * than reconnect to the same event again. Raise `maxEventSize` if the server's events are that large on purpose.
 */
export class EventStreamEventTooLargeError extends EventStreamError {
  /** The limit that was exceeded, in characters. */
  readonly maxEventSize: number;

  constructor(maxEventSize: number) {
    super(`An event (or one line) of the stream was longer than maxEventSize, ${maxEventSize} characters; the client closed. Raise maxEventSize if events this large are expected.`);
    this.name = "EventStreamEventTooLargeError";
    this.maxEventSize = maxEventSize;
  }
}

/** The server answered 2xx, but not with `Content-Type: text/event-stream`. Fatal: the client closes. */
export class EventStreamContentTypeError extends EventStreamError {
  /** The `Content-Type` the server sent, or `null` when it sent none. */
  readonly contentType: string | null;

  constructor(contentType: string | null) {
    super(`Expected Content-Type text/event-stream, got ${contentType === null ? "none" : `"${contentType}"`}.`);
    this.name = "EventStreamContentTypeError";
    this.contentType = contentType;
  }
}

/** The connection could not be made, or broke while reading. The client retries. */
export class EventStreamNetworkError extends EventStreamError {
  constructor(message: string, cause: unknown) {
    super(message, cause);
    this.name = "EventStreamNetworkError";
  }
}

/** Nothing arrived for longer than the liveness timeout, so the connection was dropped. The client retries. */
export class EventStreamTimeoutError extends EventStreamError {
  /** How long the connection was silent before it was dropped, in milliseconds. */
  readonly timeoutMs: number;

  constructor(timeoutMs: number) {
    super(`Nothing arrived for ${timeoutMs} ms; reconnecting.`);
    this.name = "EventStreamTimeoutError";
    this.timeoutMs = timeoutMs;
  }
}

/** An event's data is not valid JSON, or not the shape the runtime expects. The event is not delivered. */
export class EventStreamPayloadError extends EventStreamError {
  /** The event type whose data could not be read. */
  readonly eventType: string;
  /** The data as received. */
  readonly data: string;

  constructor(eventType: string, data: string, cause: unknown) {
    super(`The data of event "${eventType}" could not be read${cause instanceof Error ? `: ${cause.message}` : "."}`, cause);
    this.name = "EventStreamPayloadError";
    this.eventType = eventType;
    this.data = data;
  }
}

/** A listener threw. The exception is in `cause`; delivery to other listeners and the connection go on. */
export class EventStreamListenerError extends EventStreamError {
  /** The event (or client event such as `reset`) whose listener threw. */
  readonly eventType: string;

  constructor(eventType: string, cause: unknown) {
    super(`A listener for "${eventType}" threw.`, cause);
    this.name = "EventStreamListenerError";
    this.eventType = eventType;
  }
}

/**
 * The multiplexed endpoint refused this stream's subscription (`<i>:typedsse:refused`, or a non-stream answer that
 * refused every subscription): the client closes with reason `refused`; the other streams of the connection go on.
 * `status` is what the stream's own endpoint would have answered: 401 (authenticate and subscribe again), 403
 * (forbidden) or 404 (no such stream, or rejected by the app).
 */
export class EventStreamRefusedError extends EventStreamHttpError {
  /** The subscription's path, as the client sent it. */
  readonly path: string;

  constructor(status: number, path: string) {
    super(status, "");
    this.message = `The server refused the subscription to ${path} with ${status}.` + (status === 404 ? ` ${NOT_FOUND_HINT}` : "");
    this.name = "EventStreamRefusedError";
    this.path = path;
  }
}
