import type { BroadEventsRoute } from "../generated/broad-events.js";
import type { Clock } from "../generated/typedsse/index.js";

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

/** Lets the event loop run everything already queued (I/O callbacks included), without waiting for any time. */
export async function settle(rounds = 5): Promise<void> {
  for (let i = 0; i < rounds; i++) {
    await new Promise<void>((resolve) => setImmediate(resolve));
  }
}

/** A clock that stands still until the test advances it; timers fire in order, within {@link FakeClock.advance}. */
export class FakeClock implements Clock {
  private time = 0;
  private nextId = 1;
  private readonly timers = new Map<number, { readonly at: number; readonly callback: () => void }>();

  now(): number {
    return this.time;
  }

  setTimeout(callback: () => void, ms: number): unknown {
    const id = this.nextId++;
    this.timers.set(id, { at: this.time + Math.max(0, ms), callback });
    return id;
  }

  clearTimeout(handle: unknown): void {
    this.timers.delete(handle as number);
  }

  advance(ms: number): void {
    const end = this.time + ms;
    for (;;) {
      const due = [...this.timers].filter(([, timer]) => timer.at <= end).sort((a, b) => a[1].at - b[1].at)[0];
      if (due === undefined) {
        break;
      }
      this.timers.delete(due[0]);
      this.time = due[1].at;
      due[1].callback();
    }
    this.time = end;
  }
}
