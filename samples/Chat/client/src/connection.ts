// What the page shows about each stream: its state (a drop is "reconnecting" until the stream is open again), how
// often it reconnected, its last event id, and every event it received, for the log.
import { parseEventData, type EventStreamClient } from "./generated/typedsse/index.js";

export type ConnectionStatus = "connecting" | "open" | "reconnecting" | "closed";

export interface ConnectionState {
  readonly status: ConnectionStatus;
  /** How many times the stream was open again after a drop. */
  readonly reconnects: number;
  /** The id a reconnect resumes from (sent as Last-Event-ID). */
  readonly lastEventId: string;
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
    } else {
      update({ status: runtimeState === "connecting" && wasOpen ? "reconnecting" : runtimeState });
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

function safeParse(parse: () => unknown): unknown {
  try {
    return parse();
  } catch {
    return undefined; // the typed handlers report bad data through the client's error event
  }
}
