/** Generous: the test waits for conditions, never for time, and a loaded 2-core machine can be slow. */
export const PATIENCE_MS = 60_000;

/** Waits until `condition()` returns a truthy value, and returns it. */
export async function until(condition, what, patienceMs = PATIENCE_MS) {
  const deadline = Date.now() + patienceMs;
  let last;
  for (;;) {
    try {
      const value = await condition();
      if (value) {
        return value;
      }
    } catch (error) {
      last = error;
    }
    if (Date.now() > deadline) {
      throw new Error(`Gave up waiting for ${what} after ${patienceMs} ms${last ? `: ${last.message}` : ""}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
