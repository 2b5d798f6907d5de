import { connectionSettings } from "./connection.js";
import { DedicatedTransport } from "./dedicated.js";
import { disposeByClosing, type AsyncDisposableWhereSupported } from "./disposal.js";
import { EventStreamListenerError } from "./errors.js";
import { EventQueue } from "./event-queue.js";
import { subscribe } from "./sharing.js";
import type { ServerSentEvent } from "./parser.js";
import type { StreamSink, Transport } from "./transport.js";
import type {
  ConnectionState,
  EventStreamClientEventMap,
  EventStreamClientOptions,
  EventStreamItem,
  StreamClose,
  StreamHello,
  StreamReset,
  Unsubscribe,
} from "./types.js";

export type {
  CloseReason,
  ConnectionState,
  EventStreamClientEventMap,
  EventStreamClientOptions,
  EventStreamItem,
  FetchFunction,
  HeadersSource,
  ResetReason,
  StreamClose,
  StreamHello,
  StreamReset,
  Unsubscribe,
} from "./types.js";

type ClientListeners = { [K in keyof EventStreamClientEventMap]: Set<(value: EventStreamClientEventMap[K]) => void> };

/**
 * Reads a TypedSse (or any `text/event-stream`) endpoint over `fetch` and keeps it connected: it reconnects with
 * the last event id, honours the server's `retry`, backs off after consecutive failures, and drops connections that
 * went silent. With `multiplex`, it shares one connection to the app's multiplexed endpoint with the other clients
 * of the page (and of the browser's other tabs) instead. It connects as soon as it is constructed (in a microtask,
 * so listeners added right after construction miss nothing) and runs until {@link EventStreamClient.close}, its
 * `signal`, an HTTP 204, a refusal or a fatal error.
 *
 * Listeners are called synchronously in stream order. One that throws does not stop the others or the stream: its
 * exception is reported to the `error` listeners as an {@link EventStreamListenerError}, or rethrown
 * asynchronously when there are none.
 */
export class EventStreamClient {
  /** The stream's URL as given. */
  readonly url: string;

  private readonly signal: AbortSignal | undefined;
  private readonly initialLastEventId: string;
  private readonly transport: Transport | undefined;
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
  private readonly abortListener = (): void => this.close();

  constructor(options: EventStreamClientOptions) {
    this.url = String(options.url);
    this.signal = options.signal;
    this.initialLastEventId = options.lastEventId ?? "";
    if (this.signal?.aborted === true) {
      this.currentState = "closed";
      this.closeInfo = { reason: "client" };
      return;
    }
    this.signal?.addEventListener("abort", this.abortListener);
    const sink: StreamSink = {
      state: (state) => {
        if (state === "connecting") {
          this.currentHello = undefined;
        }
        this.setState(state);
      },
      event: (event) => this.dispatch(event),
      hello: (hello) => this.receiveHello(hello),
      reset: (reset) => this.receiveReset(reset),
      error: (error) => {
        if (this.closeInfo === undefined) {
          this.emit("error", error);
        }
      },
      closed: (info) => this.finish(info),
    };
    const settings = connectionSettings(options);
    this.transport =
      options.multiplex !== undefined
        ? subscribe(this.url, options.multiplex, settings, sink, this.initialLastEventId)
        : new DedicatedTransport(this.url, settings, sink, this.initialLastEventId);
  }

  /** The connection state. */
  get state(): ConnectionState {
    return this.currentState;
  }

  /** The id a reconnect resumes from: the stream's last event id as of the latest complete event. */
  get lastEventId(): string {
    return this.transport?.lastEventId ?? this.initialLastEventId;
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

  /**
   * Closes the client for good (also at the end of an `await using` scope): aborts its connection (or, on a shared
   * one, removes only its subscription) and cancels any pending reconnect. Safe to call repeatedly.
   */
  close(): void {
    this.finish({ reason: "client" });
  }

  private dispatch(event: ServerSentEvent): void {
    if (this.closeInfo !== undefined) {
      return;
    }
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

  private receiveHello(hello: StreamHello): void {
    if (this.closeInfo !== undefined) {
      return;
    }
    this.currentHello = hello;
    this.emit("hello", hello);
  }

  private receiveReset(reset: StreamReset): void {
    if (this.closeInfo !== undefined) {
      return;
    }
    this.emit("reset", reset);
    const item: EventStreamItem = { kind: "reset", reset };
    for (const queue of this.queues) {
      queue.push(item);
    }
  }

  private setState(state: ConnectionState): void {
    if (this.currentState !== state && this.closeInfo === undefined) {
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
    this.transport?.close();
    this.currentHello = undefined;
    this.currentState = "closed";
    this.emit("statechange", "closed");
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

export interface EventStreamClient extends AsyncDisposableWhereSupported {}
disposeByClosing(EventStreamClient.prototype);
