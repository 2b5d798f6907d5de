import type { Clock } from "./types.js";

/** The platform's timers and `performance.now()`. */
export const systemClock: Clock = {
  now: () => performance.now(),
  setTimeout: (callback, ms) => setTimeout(callback, ms),
  clearTimeout: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
};

/** Resolves after `ms` on `clock`, or as soon as `wake` is called, whichever comes first. */
export function sleep(clock: Clock, ms: number): { readonly done: Promise<void>; readonly wake: () => void } {
  let wake: () => void = () => undefined;
  const done = new Promise<void>((resolve) => {
    const handle = clock.setTimeout(() => resolve(), ms);
    wake = () => {
      clock.clearTimeout(handle);
      resolve();
    };
  });
  return { done, wake };
}
