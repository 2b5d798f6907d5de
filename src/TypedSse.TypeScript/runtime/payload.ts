import { EventStreamPayloadError } from "./errors.js";
import type { ServerSentEvent } from "./parser.js";

/**
 * Parses an event's data as JSON. Empty data is how the server sends an event without arguments, and gives
 * `undefined`.
 *
 * @throws {EventStreamPayloadError} when the data is not valid JSON.
 */
export function parseEventData(event: ServerSentEvent): unknown {
  if (event.data === "") {
    return undefined;
  }
  try {
    return JSON.parse(event.data) as unknown;
  } catch (error) {
    throw new EventStreamPayloadError(event.type, event.data, error);
  }
}
