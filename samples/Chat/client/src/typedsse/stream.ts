// STAND-IN, TO BE REPLACED: a thin typed wrapper over the TypedSse TypeScript runtime's EventStreamClient that
// mirrors what the client generated per contract will be (issue 4). When `dotnet build` writes the generated
// client, the page imports that instead and this folder is deleted.
import { EventStreamClient, parseEventData, type StreamReset } from "../../../../../src/TypedSse.TypeScript/runtime/index.js";

export type { StreamReset };

/** Where a stream connection is, as the page shows it: the runtime's `connecting` after a drop is `reconnecting`. */
export type ConnectionStatus = "connecting" | "open" | "reconnecting" | "closed";

/** What the page shows about a connection. */
export interface ConnectionState {
  readonly status: ConnectionStatus;
  /** How many times the connection was re-established after it was open. */
  readonly reconnects: number;
  /** The id of the last event received; sent back as Last-Event-ID on reconnect. */
  readonly lastEventId: string;
  /** The server's id of the current connection (from the `typedsse:hello` event). */
  readonly connectionId: string;
}

/** Metadata of a delivered event. */
export interface EventMeta {
  readonly type: string;
  readonly id: string;
}

type Listener<T> = (data: T, meta: EventMeta) => void;

/** A reconnecting, typed connection to one event stream: `TEvents` maps event names to payload types. */
export class TypedEventStream<TEvents> {
  private readonly client: EventStreamClient;
  private readonly stateListeners = new Set<(state: ConnectionState) => void>();
  private current: ConnectionState = { status: "connecting", reconnects: 0, lastEventId: "", connectionId: "" };
  private wasOpen = false;

  constructor(url: string) {
    this.client = new EventStreamClient({ url, credentials: "same-origin" });
    this.client.on("statechange", (state) => {
      if (state === "open") {
        this.update({ status: "open", reconnects: this.current.reconnects + (this.wasOpen ? 1 : 0) });
        this.wasOpen = true;
      } else {
        this.update({ status: state === "connecting" && this.wasOpen ? "reconnecting" : state });
      }
    });
    this.client.on("hello", (hello) => this.update({ connectionId: hello.connectionId }));
    this.client.on("reset", () => this.update({ lastEventId: this.client.lastEventId }));
    this.client.onAnyEvent((event) => this.update({ lastEventId: event.lastEventId }));
  }

  /** The connection's state now. */
  get state(): ConnectionState {
    return this.current;
  }

  /** Calls `listener` with the typed payload of each `event`. Returns a function that removes it. */
  on<K extends keyof TEvents & string>(event: K, listener: Listener<TEvents[K]>): () => void {
    return this.client.onEvent(event, (received) =>
      listener(parseEventData(received) as TEvents[K], { type: received.type, id: received.lastEventId }));
  }

  /** Calls `listener` for every contract event, for logs. */
  onAny(listener: Listener<unknown>): () => void {
    return this.client.onAnyEvent((received) =>
      listener(parseEventData(received), { type: received.type, id: received.lastEventId }));
  }

  /** Calls `listener` when the server says it could not replay what was missed. */
  onReset(listener: (reset: StreamReset) => void): () => void {
    return this.client.on("reset", listener);
  }

  /** Calls `listener` now and whenever the connection's state changes. */
  onStateChange(listener: (state: ConnectionState) => void): () => void {
    this.stateListeners.add(listener);
    listener(this.current);
    return () => this.stateListeners.delete(listener);
  }

  /** Closes the connection for good. */
  close(): void {
    this.client.close();
  }

  private update(change: Partial<ConnectionState>): void {
    const next = { ...this.current, ...change };
    if (next.status === this.current.status && next.reconnects === this.current.reconnects
      && next.lastEventId === this.current.lastEventId && next.connectionId === this.current.connectionId) {
      return;
    }
    this.current = next;
    this.stateListeners.forEach((listener) => listener(next));
  }
}
