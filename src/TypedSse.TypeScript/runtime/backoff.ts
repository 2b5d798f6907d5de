/** What {@link retryDelay} needs besides the failure count. */
export interface RetryDelayOptions {
  /** The reconnection time: the server's latest `retry` field, or the client's default. */
  readonly baseMs: number;
  /** The cap for exponential growth. A `baseMs` above it wins: the server's own `retry` is always honoured. */
  readonly maxMs: number;
  /** A source of numbers in [0, 1); `Math.random` unless a test injects its own. */
  readonly random?: () => number;
}

/** The longest delay `setTimeout` takes without firing at once. */
const MAX_TIMER_MS = 2_147_483_647;
/** Growth starts from at least this, so a server's `retry: 0` cannot turn an outage into a busy loop. */
const MIN_GROWTH_BASE_MS = 100;

/**
 * How long to wait before reconnecting after `failures` consecutive failed or ended connections.
 *
 * The first reconnection waits exactly `baseMs`, as the server asked. Each further consecutive failure doubles
 * the delay (starting from at least 100 ms), capped at `max(maxMs, baseMs)`, with "equal jitter": a uniformly
 * random delay between half that value and all of it, but never below `baseMs`, so clients that failed together
 * do not all retry together.
 */
export function retryDelay(failures: number, options: RetryDelayOptions): number {
  const base = Math.min(Math.max(0, options.baseMs), MAX_TIMER_MS);
  if (failures <= 1) {
    return base;
  }
  const cap = Math.min(Math.max(options.maxMs, base), MAX_TIMER_MS);
  const exponential = Math.min(cap, Math.max(base, MIN_GROWTH_BASE_MS) * 2 ** (failures - 1));
  const random = options.random ?? Math.random;
  const jittered = exponential / 2 + random() * (exponential / 2);
  return Math.max(base, Math.round(jittered));
}
