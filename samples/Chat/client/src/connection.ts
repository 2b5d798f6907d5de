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
  readonly closedBecause?: string;
}

export interface ReceivedEvent {
  readonly type: string;
  readonly id: string;
  readonly data: unknown;
}

/** Follows a generated client's `source`; calls `onState` now and on every change, `onEvent` for every event. */
export function watchConnection(
  source: EventStreamClient,
  onState: (state: ConnectionState) => void,
  onEvent: (event: ReceivedEvent) => void,
): void {
  let wasOpen = false;
  let state: ConnectionState = { status: "connecting", reconnects: 0, lastEventId: source.lastEventId };
  const update = (change: Partial<ConnectionState>): void => {
    state = { ...state, ...change };
    onState(state);
  };
  source.on("statechange", (runtimeState) => {
    if (runtimeState === "open") {
      update({ status: "open", reconnects: state.reconnects + (wasOpen ? 1 : 0) });
      wasOpen = true;
    } else if (runtimeState === "closed") {
      update({ status: "closed", closedBecause: describeClose(source.closed) });
    } else {
      update({ status: wasOpen ? "reconnecting" : "connecting" });
    }
  });
  source.onAnyEvent((event) => {
    update({ lastEventId: event.lastEventId });
    onEvent({ type: event.type, id: event.lastEventId, data: event.data === "" ? undefined : safeParse(() => parseEventData(event)) });
  });
  source.on("reset", (reset) => {
    update({ lastEventId: source.lastEventId });
    onEvent({ type: "typedsse:reset", id: reset.latestEventId, data: reset });
  });
  onState(state);
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
