import { EventStreamClient } from "./client.js";
import { systemClock } from "./clock.js";
import { disposeByClosing, type AsyncDisposableWhereSupported } from "./disposal.js";
import type { Clock, FetchFunction } from "./types.js";

/**
 * A state and the stream position it agrees with, as the server's `EventStream.SnapshotAsync` answers it: every event
 * up to `lastEventId` is in `state`. See docs/protocol.md, "Snapshots".
 */
export interface EventSnapshot<TState> {
  /** The stream's newest id when the snapshot was taken: the last event id to read the stream from. */
  readonly lastEventId: string;
  readonly state: TState;
}

/** A client a {@link SnapshotStream} opens: a generated contract client, or an {@link EventStreamClient}. */
export type SnapshotStreamClient = EventStreamClient | { readonly source: EventStreamClient; close(): void };

/** Options of a {@link SnapshotStream}. */
export interface SnapshotStreamOptions<TState, TClient extends SnapshotStreamClient> {
  /** Loads the snapshot, for example with {@link fetchSnapshot}; aborted when the snapshot is no longer wanted. */
  readonly load: (signal: AbortSignal) => Promise<EventSnapshot<TState>>;
  /** Replaces the application's state with the snapshot's. Called before any event after it is delivered. */
  readonly apply: (state: TState) => void;
  /**
   * Opens the stream from the snapshot's position: construct the client with `{ lastEventId }` and add its
   * handlers before returning it.
   */
  readonly connect: (lastEventId: string) => TClient;
  /** A snapshot failed to load; it is loaded again after `retryDelayMs`. By default the error is logged. */
  readonly onError?: (error: unknown) => void;
  /** How long to wait before loading a failed snapshot again. Default 3000 ms. */
  readonly retryDelayMs?: number;
  /** Aborting it closes the stream, like {@link SnapshotStream.close}. */
  readonly signal?: AbortSignal;
  /** The timer of the retry; the platform's by default. */
  readonly clock?: Clock;
}

/**
 * Keeps an application's state and a stream in agreement: loads a snapshot, applies it, then opens the stream
 * from the snapshot's position, so the events that follow are exactly those after the state. When the server
 * cannot replay what the client missed (`typedsse:reset`: a restart without a durable history, or a gap), or on
 * {@link SnapshotStream.reload}, it closes the client and does all three again, so no stale state survives and
 * no event is applied on top of a state that already holds it. It works the same on a dedicated and on a
 * multiplexed connection: the position is the stream's own id, its entry of the shared connection's cursor.
 *
 * ```ts
 * const room = new SnapshotStream({
 *   load: (signal) => fetchSnapshot<RoomState>(`/api/rooms/${name}`, { signal }),
 *   apply: (state) => showRoom(state),
 *   connect: (lastEventId) => {
 *     const client = new RoomEventsClient({ room: name }, { lastEventId });
 *     client.on("messagePosted", (message) => addMessage(message));
 *     return client;
 *   },
 * });
 * ```
 */
export class SnapshotStream<TState, TClient extends SnapshotStreamClient> {
  private readonly options: SnapshotStreamOptions<TState, TClient>;
  private readonly clock: Clock;
  private client: TClient | undefined;
  private loading: AbortController | undefined;
  private retry: unknown;
  private isClosed = false;
  private readonly abortListener = (): void => this.close();

  constructor(options: SnapshotStreamOptions<TState, TClient>) {
    this.options = options;
    this.clock = options.clock ?? systemClock;
    if (options.signal?.aborted === true) {
      this.isClosed = true;
      return;
    }
    options.signal?.addEventListener("abort", this.abortListener);
    this.reload();
  }

  /** The stream's client, once the first snapshot was applied; `undefined` while a snapshot loads and after close. */
  get current(): TClient | undefined {
    return this.client;
  }

  /** Whether {@link SnapshotStream.close} was called (or the signal aborted). */
  get closed(): boolean {
    return this.isClosed;
  }

  /** Closes the client and loads, applies and follows a new snapshot. A snapshot still loading is abandoned. */
  reload(): void {
    if (this.isClosed) {
      return;
    }
    this.stop();
    const loading = new AbortController();
    this.loading = loading;
    this.options.load(loading.signal).then(
      (snapshot) => {
        if (this.loading !== loading) {
          return;
        }
        this.loading = undefined;
        if (typeof snapshot?.lastEventId !== "string") {
          throw new TypeError(
            `The snapshot has no string "lastEventId" (got ${JSON.stringify(snapshot)}): answer it with EventStream.SnapshotAsync on the server.`,
          );
        }
        this.options.apply(snapshot.state);
        const client = this.options.connect(snapshot.lastEventId);
        this.client = client;
        sourceOf(client).on("reset", () => {
          if (this.client === client) {
            this.reload();
          }
        });
      },
      (error: unknown) => {
        if (this.loading === loading) {
          this.loading = undefined;
          this.failed(error);
        }
      },
    ).catch((error: unknown) => this.failed(error));
  }

  /** Closes the client and abandons a snapshot still loading. Safe to call repeatedly. */
  close(): void {
    if (this.isClosed) {
      return;
    }
    this.isClosed = true;
    this.options.signal?.removeEventListener("abort", this.abortListener);
    this.stop();
  }

  private stop(): void {
    this.loading?.abort();
    this.loading = undefined;
    if (this.retry !== undefined) {
      this.clock.clearTimeout(this.retry);
      this.retry = undefined;
    }
    this.client?.close();
    this.client = undefined;
  }

  private failed(error: unknown): void {
    if (this.isClosed) {
      return;
    }
    if (this.options.onError !== undefined) {
      this.options.onError(error);
    } else {
      console.error("TypedSse: a snapshot failed to load; retrying.", error);
    }
    this.retry = this.clock.setTimeout(() => {
      this.retry = undefined;
      this.reload();
    }, this.options.retryDelayMs ?? 3000);
  }
}

export interface SnapshotStream<TState, TClient extends SnapshotStreamClient> extends AsyncDisposableWhereSupported {}
disposeByClosing(SnapshotStream.prototype);

/**
 * Fetches a snapshot endpoint's JSON (`{ lastEventId, state }`). A response that is not 2xx rejects with an error
 * naming the URL and the status.
 */
export async function fetchSnapshot<TState>(
  url: string | URL,
  init: RequestInit & { readonly fetch?: FetchFunction } = {},
): Promise<EventSnapshot<TState>> {
  const { fetch: fetchFunction = (input, requestInit) => globalThis.fetch(input, requestInit), ...requestInit } = init;
  const response = await fetchFunction(String(url), { credentials: "same-origin", ...requestInit });
  if (!response.ok) {
    throw new Error(`The snapshot at ${String(url)} answered ${response.status} ${response.statusText}.`);
  }
  return (await response.json()) as EventSnapshot<TState>;
}

function sourceOf(client: SnapshotStreamClient): EventStreamClient {
  return client instanceof EventStreamClient ? client : client.source;
}
