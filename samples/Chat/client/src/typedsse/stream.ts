// STAND-IN, TO BE REPLACED: a thin typed wrapper over the browser's EventSource that mirrors what the TypedSse
// TypeScript client will generate per contract (issue 4). When `dotnet build` writes the generated client, the
// page imports that instead and this folder is deleted.

/** Where a stream connection is. */
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

/** The `typedsse:reset` event: the server could not replay what was missed, so the page should reload its state. */
export interface StreamReset {
  readonly reason: "history-gap" | "unknown-id";
  readonly lastEventId: string;
  readonly latestEventId: string;
}

/** Metadata of a delivered event. */
export interface EventMeta {
  readonly type: string;
  readonly id: string;
}

type Listener<T> = (data: T, meta: EventMeta) => void;

/** A reconnecting, typed connection to one event stream: `TEvents` maps event names to payload types. */
export class TypedEventStream<TEvents> {
  private readonly source: EventSource;
  private readonly listeners = new Map<string, Set<Listener<never>>>();
  private readonly stateListeners = new Set<(state: ConnectionState) => void>();
  private readonly resetListeners = new Set<(reset: StreamReset) => void>();
  private readonly anyListeners = new Set<Listener<unknown>>();
  private current: ConnectionState = { status: "connecting", reconnects: 0, lastEventId: "", connectionId: "" };
  private wasOpen = false;

  constructor(url: string, eventNames: readonly (keyof TEvents & string)[]) {
    this.source = new EventSource(url, { withCredentials: true });
    this.source.addEventListener("open", () => {
      this.update({ status: "open", reconnects: this.current.reconnects + (this.wasOpen ? 1 : 0) });
      this.wasOpen = true;
    });
    this.source.addEventListener("error", () => {
      const status = this.source.readyState === EventSource.CLOSED ? "closed" : this.wasOpen ? "reconnecting" : "connecting";
      this.update({ status });
    });
    this.source.addEventListener("typedsse:hello", (event) => {
      const hello = JSON.parse(event.data) as { connectionId: string };
      this.update({ connectionId: hello.connectionId });
    });
    this.source.addEventListener("typedsse:reset", (event) => {
      this.update({ lastEventId: event.lastEventId });
      const reset = JSON.parse(event.data) as StreamReset;
      this.resetListeners.forEach((listener) => listener(reset));
    });
    for (const name of eventNames) {
      this.source.addEventListener(name, (event) => this.dispatch(name, event));
    }
  }

  /** The connection's state now. */
  get state(): ConnectionState {
    return this.current;
  }

  /** Calls `listener` with the typed payload of each `event`. Returns a function that removes it. */
  on<K extends keyof TEvents & string>(event: K, listener: Listener<TEvents[K]>): () => void {
    let set = this.listeners.get(event);
    if (!set) {
      this.listeners.set(event, (set = new Set()));
    }
    const entry = listener as Listener<never>;
    set.add(entry);
    return () => set.delete(entry);
  }

  /** Calls `listener` for every contract event, for logs. */
  onAny(listener: Listener<unknown>): () => void {
    this.anyListeners.add(listener);
    return () => this.anyListeners.delete(listener);
  }

  /** Calls `listener` when the server says it could not replay what was missed. */
  onReset(listener: (reset: StreamReset) => void): () => void {
    this.resetListeners.add(listener);
    return () => this.resetListeners.delete(listener);
  }

  /** Calls `listener` now and whenever the connection's state changes. */
  onStateChange(listener: (state: ConnectionState) => void): () => void {
    this.stateListeners.add(listener);
    listener(this.current);
    return () => this.stateListeners.delete(listener);
  }

  /** Closes the connection for good. */
  close(): void {
    this.source.close();
    this.update({ status: "closed" });
  }

  private dispatch(name: string, event: MessageEvent<string>): void {
    this.update({ lastEventId: event.lastEventId });
    const data = (event.data === "" ? undefined : JSON.parse(event.data)) as never;
    const meta: EventMeta = { type: name, id: event.lastEventId };
    this.anyListeners.forEach((listener) => listener(data, meta));
    this.listeners.get(name)?.forEach((listener) => listener(data, meta));
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
