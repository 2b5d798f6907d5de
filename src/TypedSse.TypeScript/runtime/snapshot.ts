import { retryDelay } from "./backoff.js";
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
  /** A snapshot failed to load; it is loaded again after a delay (see `retryDelayMs`). By default the error is logged. */
  readonly onError?: (error: unknown) => void;
  /**
   * The delay before loading a failed snapshot again, and before the second of consecutive resets reloads; it
   * doubles (with jitter) after each further one, up to `maxRetryDelayMs`, as a client's reconnects do. It is also
   * the quiet period after which a stream that has neither failed nor been reset counts as healthy again. Default
   * 3000 ms.
   */
  readonly retryDelayMs?: number;
  /** The cap of that backoff. Default 30000 ms. */
  readonly maxRetryDelayMs?: number;
  /** A source of numbers in [0, 1) for the backoff's jitter; `Math.random` by default. */
  readonly random?: () => number;
  /** Aborting it closes the stream, like {@link SnapshotStream.close}. */
  readonly signal?: AbortSignal;
  /** The timers of the retries and of the quiet period; the platform's by default. */
  readonly clock?: Clock;
}

/**
 * Keeps an application's state and a stream in agreement: loads a snapshot, applies it, then opens the stream
 * from the snapshot's position, so the events that follow are exactly those after the state. When the server
 * cannot replay what the client missed (`typedsse:reset`: a restart without a durable history, or a gap), or on
 * {@link SnapshotStream.reload}, it closes the client and does all three again, so no stale state survives and
 * no event is applied on top of a state that already holds it. The first reset reloads at once; a server that
 * keeps answering with resets, or a snapshot that keeps failing, is retried with the backoff of a client's
 * reconnects, which starts over once a snapshot was applied and its stream delivered an event or stayed quiet. It
 * works the same on a dedicated and on a multiplexed connection: the position is the stream's own id, its entry of
 * the shared connection's cursor.
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
  /** Resets and failed loads since the last snapshot whose stream proved healthy: what the backoff grows with. */
  private restarts = 0;
  private healthy: unknown;
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
        const source = sourceOf(client);
        source.on("reset", () => {
          if (this.client === client) {
            this.restart("reset");
          }
        });
        const stopWatching = source.onAnyEvent(() => {
          stopWatching();
          if (this.client === client) {
            this.recovered();
          }
        });
        this.healthy = this.clock.setTimeout(() => this.recovered(), this.options.retryDelayMs ?? DEFAULT_RETRY_DELAY_MS);
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
    this.stopHealthyTimer();
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
    this.restart("failed");
  }

  /** Loads a new snapshot after a reset or a failed load: after a first reset at once, else backing off. */
  private restart(after: "reset" | "failed"): void {
    this.stop();
    this.restarts++;
    if (after === "reset" && this.restarts === 1) {
      this.reload();
      return;
    }
    const delay = retryDelay(this.restarts, {
      baseMs: this.options.retryDelayMs ?? DEFAULT_RETRY_DELAY_MS,
      maxMs: this.options.maxRetryDelayMs ?? DEFAULT_MAX_RETRY_DELAY_MS,
      ...(this.options.random !== undefined ? { random: this.options.random } : {}),
    });
    this.retry = this.clock.setTimeout(() => {
      this.retry = undefined;
      this.reload();
    }, delay);
  }

  /** The applied snapshot's stream delivered an event, or stayed quiet for a while: the backoff starts over. */
  private recovered(): void {
    this.stopHealthyTimer();
    this.restarts = 0;
  }

  private stopHealthyTimer(): void {
    if (this.healthy !== undefined) {
      this.clock.clearTimeout(this.healthy);
      this.healthy = undefined;
    }
  }
}

export interface SnapshotStream<TState, TClient extends SnapshotStreamClient> extends AsyncDisposableWhereSupported {}
disposeByClosing(SnapshotStream.prototype);

const DEFAULT_RETRY_DELAY_MS = 3000;
const DEFAULT_MAX_RETRY_DELAY_MS = 30_000;

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
