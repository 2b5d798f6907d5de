// What the page shows about each stream: its state (a drop is "reconnecting" until the stream is open again; "closed"
// says why), how often it reconnected, its last event id, and every event it received, for the log. The streams
// share one connection, so their states move together, but each stream can be refused or closed on its own.
import { parseEventData, type EventStreamClient, type StreamClose } from "./generated/typedsse/index.js";

export type ConnectionStatus = "connecting" | "open" | "reconnecting" | "closed";

export interface ConnectionState {
  readonly status: ConnectionStatus;
  /** How many times the stream was open again after a drop. */
  readonly reconnects: number;
  /** The id a reconnect resumes from (its entry of the shared connection's Last-Event-ID). */
  readonly lastEventId: string;
  /** Why the stream closed, once it has: `client`, `server`, `error`, or `refused` with the status (`refused 401`). */
  readonly closedBecause?: string | undefined;
}

export interface ReceivedEvent {
  readonly type: string;
  readonly id: string;
  readonly data: unknown;
}

/**
 * Follows one stream's clients: calls `onState` now and on every change, `onEvent` for every event. A stream that
 * starts over from a snapshot gets a new client each time: {@link StreamWatcher.follow} moves to it and counts the
 * new client's open as a reconnect; {@link StreamWatcher.restart} starts the counts afresh, for another room.
 */
export class StreamWatcher {
  private state: ConnectionState = { status: "connecting", reconnects: 0, lastEventId: "" };
  private wasOpen = false;
  private unfollow: (() => void)[] = [];

  constructor(
    private readonly onState: (state: ConnectionState) => void,
    private readonly onEvent: (event: ReceivedEvent) => void,
  ) {
    onState(this.state);
  }

  /** Starts afresh: `connecting`, no reconnects, until the next client is followed. */
  restart(): void {
    this.stop();
    this.wasOpen = false;
    this.state = { status: "connecting", reconnects: 0, lastEventId: "" };
    this.onState(this.state);
  }

  follow(source: EventStreamClient): void {
    this.stop();
    this.update({ status: this.wasOpen ? "reconnecting" : "connecting", lastEventId: source.lastEventId, closedBecause: undefined });
    this.unfollow = [
      source.on("statechange", (runtimeState) => {
        if (runtimeState === "open") {
          this.update({ status: "open", reconnects: this.state.reconnects + (this.wasOpen ? 1 : 0) });
          this.wasOpen = true;
        } else if (runtimeState === "closed") {
          this.update({ status: "closed", closedBecause: describeClose(source.closed) });
        } else {
          this.update({ status: this.wasOpen ? "reconnecting" : "connecting" });
        }
      }),
      source.onAnyEvent((event) => {
        this.update({ lastEventId: event.lastEventId });
        this.onEvent({ type: event.type, id: event.lastEventId, data: event.data === "" ? undefined : safeParse(() => parseEventData(event)) });
      }),
      source.on("reset", (reset) => {
        this.update({ lastEventId: source.lastEventId });
        this.onEvent({ type: "typedsse:reset", id: reset.latestEventId, data: reset });
      }),
    ];
  }

  private stop(): void {
    this.unfollow.forEach((unsubscribe) => unsubscribe());
    this.unfollow = [];
  }

  private update(change: Partial<ConnectionState>): void {
    this.state = { ...this.state, ...change };
    this.onState(this.state);
  }
}

function describeClose(close: StreamClose | undefined): string {
  if (close === undefined) {
    return "closed";
  }
  return close.reason === "refused" ? `refused ${close.status ?? ""}`.trim() : close.reason;
}

function safeParse(parse: () => unknown): unknown {
  try {
    return parse();
  } catch {
    return undefined; // the typed handlers report bad data through the client's error event
  }
}
