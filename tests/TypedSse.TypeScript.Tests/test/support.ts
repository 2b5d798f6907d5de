import type { BroadEventsRoute } from "../generated/broad-events.js";

/** Route values of the broad contract for one room: every typed route parameter kind. */
export function route(room: string): BroadEventsRoute {
  return { tenant: "0f8fad5b-d9cb-469f-a165-70867728950e", room, page: 7, big: 9007199254740991, flag: true };
}

/** Reads an async iterable in the background into `into`, until it ends or fails. */
export function collect<T>(iterable: AsyncIterable<T>, into: T[]): Promise<unknown> {
  return (async () => {
    for await (const item of iterable) {
      into.push(item);
    }
  })().catch((error: unknown) => error);
}

/** What the test server saw of each connection attempt to a room. */
export interface Attempt {
  readonly authorization: string | null;
  readonly lastEventId: string | null;
}
