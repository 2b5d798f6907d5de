// The TypedSse wire conventions on top of text/event-stream (docs/protocol.md), in one place: control event names,
// the shapes of their data, the multiplexed event names and the cursor.
import { EventStreamPayloadError } from "./errors.js";
import type { ServerSentEvent } from "./parser.js";
import type { ResetReason, StreamHello, StreamReset } from "./types.js";

/** The first event of every connection. */
export const HELLO = "typedsse:hello";
/** The server could not replay: resync. A contract client delivers it under this name. */
export const RESET = "typedsse:reset";
/**
 * The server ended the connection on purpose (`reason`: `credentials-expired`, or the app's, such as `signed-out`).
 * The client reconnects, running its headers callback again, without counting a failure.
 */
export const CLOSE = "typedsse:close";
/** A multiplexed subscription was refused. */
export const REFUSED = "typedsse:refused";
/** Every control event's name starts so; a contract's event names never contain a colon. */
export const CONTROL_PREFIX = "typedsse:";

/** What a multiplexed hello says about one subscription. */
export interface SubscriptionHello {
  readonly path: string;
  /** Absent when the subscription was refused. */
  readonly connectionId: string | undefined;
}

/** A multiplexed connection's hello: the connection's own, and one entry per subscription. */
export interface MultiplexHello extends StreamHello {
  readonly subscriptions: readonly SubscriptionHello[];
}

/** A refused subscription, from `<i>:typedsse:refused` or from the `refused` list of a non-stream answer. */
export interface Refusal {
  readonly path: string;
  readonly status: number;
}

export function readHello(event: ServerSentEvent): StreamHello | EventStreamPayloadError {
  return readJson(event, (value) =>
    typeof value["connectionId"] === "string" && isPositiveNumber(value["keepAliveMs"])
      ? { connectionId: value["connectionId"], keepAliveMs: value["keepAliveMs"] }
      : undefined,
  );
}

export function readMultiplexHello(event: ServerSentEvent): MultiplexHello | EventStreamPayloadError {
  return readJson(event, (value) => {
    const subscriptions = value["subscriptions"];
    if (typeof value["connectionId"] !== "string" || !isPositiveNumber(value["keepAliveMs"]) || !Array.isArray(subscriptions)) {
      return undefined;
    }
    const read: SubscriptionHello[] = [];
    for (const entry of subscriptions as unknown[]) {
      if (!isObject(entry) || typeof entry["path"] !== "string") {
        return undefined;
      }
      const connectionId = entry["connectionId"];
      read.push({ path: entry["path"], connectionId: typeof connectionId === "string" ? connectionId : undefined });
    }
    return { connectionId: value["connectionId"], keepAliveMs: value["keepAliveMs"], subscriptions: read };
  });
}

export function readReset(event: ServerSentEvent): StreamReset | EventStreamPayloadError {
  return readJson(event, (value): StreamReset | undefined => {
    const reason = value["reason"];
    const lastEventId = value["lastEventId"];
    const latestEventId = value["latestEventId"];
    return isResetReason(reason) && typeof lastEventId === "string" && typeof latestEventId === "string"
      ? { reason, lastEventId, latestEventId }
      : undefined;
  });
}

export function readRefusal(event: ServerSentEvent): Refusal | EventStreamPayloadError {
  return readJson(event, (value) => readRefusalValue(value));
}

/** The `refused` list of the JSON body with which the multiplexed endpoint refuses every subscription. */
export function readRefusedBody(text: string): ReadonlyMap<number, Refusal> | undefined {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return undefined;
  }
  const list = isObject(value) ? value["refused"] : undefined;
  if (!Array.isArray(list)) {
    return undefined;
  }
  const refusals = new Map<number, Refusal>();
  for (const entry of list as unknown[]) {
    const refusal = isObject(entry) ? readRefusalValue(entry) : undefined;
    const index = isObject(entry) ? entry["subscription"] : undefined;
    if (refusal === undefined || typeof index !== "number" || !Number.isInteger(index) || index < 0) {
      return undefined;
    }
    refusals.set(index, refusal);
  }
  return refusals;
}

/**
 * Splits a multiplexed event's name, `<index>:<type>`, into the subscription's index and the event's own type.
 * `undefined` for a name that is not multiplexed (a connection-level control event such as the hello).
 */
export function splitMultiplexed(name: string): { readonly index: number; readonly type: string } | undefined {
  const colon = name.indexOf(":");
  if (colon <= 0 || colon > 9) {
    return undefined;
  }
  for (let i = 0; i < colon; i++) {
    const code = name.charCodeAt(i);
    if (code < 48 || code > 57) {
      return undefined;
    }
  }
  return { index: Number(name.slice(0, colon)), type: name.slice(colon + 1) };
}

/** Reads a cursor (the multiplexed `id`): entry i is the last id of subscription i, `""` for none. */
export function parseCursor(cursor: string): string[] {
  return cursor === "" ? [] : cursor.split(",");
}

/** Writes a cursor from one entry per subscription. An all-empty cursor is sent as none at all. */
export function formatCursor(entries: readonly string[]): string {
  return entries.some((entry) => entry !== "") ? entries.join(",") : "";
}

/**
 * Orders two event ids of one stream: decimal integers of any length, compared by value. An empty id is before
 * every other; an id that is not decimal (a foreign server's) compares as text.
 */
export function compareIds(a: string, b: string): number {
  if (a === b) {
    return 0;
  }
  if (a === "" || b === "") {
    return a === "" ? -1 : 1;
  }
  const x = a.replace(/^0+(?=\d)/, "");
  const y = b.replace(/^0+(?=\d)/, "");
  if (DECIMAL.test(x) && DECIMAL.test(y) && x.length !== y.length) {
    return x.length < y.length ? -1 : 1;
  }
  return x < y ? -1 : x > y ? 1 : 0;
}

export function isEventStream(contentType: string | null): boolean {
  if (contentType === null) {
    return false;
  }
  const semicolon = contentType.indexOf(";");
  const mediaType = semicolon === -1 ? contentType : contentType.slice(0, semicolon);
  return mediaType.trim().toLowerCase() === "text/event-stream";
}

const DECIMAL = /^[0-9]+$/;

function readRefusalValue(value: Record<string, unknown>): Refusal | undefined {
  const path = value["path"];
  const status = value["status"];
  return typeof path === "string" && typeof status === "number" && Number.isInteger(status) ? { path, status } : undefined;
}

function readJson<T>(event: ServerSentEvent, read: (value: Record<string, unknown>) => T | undefined): T | EventStreamPayloadError {
  let value: unknown;
  try {
    value = JSON.parse(event.data);
  } catch (error) {
    return new EventStreamPayloadError(event.type, event.data, error);
  }
  const result = isObject(value) ? read(value) : undefined;
  return result ?? new EventStreamPayloadError(event.type, event.data, new TypeError("Unexpected shape."));
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function isPositiveNumber(value: unknown): value is number {
  return typeof value === "number" && Number.isFinite(value) && value > 0;
}

// A reason this client does not know yet still means "resync": deliver it rather than drop the reset.
function isResetReason(value: unknown): value is ResetReason {
  return typeof value === "string" && value.length > 0;
}
