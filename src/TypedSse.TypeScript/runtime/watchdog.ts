/**
 * Calls `onTimeout` when nothing happened for `timeoutMs()`. Activity only records a time: the timer is rearmed
 * when it fires early, so a busy stream costs no timer churn.
 */
export class Watchdog {
  private readonly timeoutMs: () => number | undefined;
  private readonly onTimeout: (timeoutMs: number) => void;
  private lastActivity = performance.now();
  private timer: ReturnType<typeof setTimeout> | undefined;
  private stopped = false;

  constructor(timeoutMs: () => number | undefined, onTimeout: (timeoutMs: number) => void) {
    this.timeoutMs = timeoutMs;
    this.onTimeout = onTimeout;
    this.schedule();
  }

  /** Something arrived. */
  touch(): void {
    this.lastActivity = performance.now();
  }

  /** The timeout changed: measure against the new one from now on. */
  refresh(): void {
    if (this.timer !== undefined) {
      clearTimeout(this.timer);
      this.timer = undefined;
    }
    this.schedule();
  }

  stop(): void {
    this.stopped = true;
    if (this.timer !== undefined) {
      clearTimeout(this.timer);
      this.timer = undefined;
    }
  }

  private schedule(): void {
    const timeout = this.timeoutMs();
    if (this.stopped || timeout === undefined) {
      return;
    }
    const remaining = this.lastActivity + timeout - performance.now();
    this.timer = setTimeout(() => this.check(), Math.max(0, Math.ceil(remaining)));
  }

  private check(): void {
    this.timer = undefined;
    const timeout = this.timeoutMs();
    if (this.stopped || timeout === undefined) {
      return;
    }
    if (performance.now() - this.lastActivity >= timeout) {
      this.stop();
      this.onTimeout(timeout);
    } else {
      this.schedule();
    }
  }
}
