import type { Clock } from "./types.js";

/**
 * Calls `onTimeout` when nothing happened for `timeoutMs()`. Activity only records a time: the timer is rearmed
 * when it fires early, so a busy stream costs no timer churn.
 */
export class Watchdog {
  private readonly clock: Clock;
  private readonly timeoutMs: () => number | undefined;
  private readonly onTimeout: (timeoutMs: number) => void;
  private lastActivity: number;
  private timer: unknown;
  private armed = false;
  private stopped = false;

  constructor(clock: Clock, timeoutMs: () => number | undefined, onTimeout: (timeoutMs: number) => void) {
    this.clock = clock;
    this.timeoutMs = timeoutMs;
    this.onTimeout = onTimeout;
    this.lastActivity = clock.now();
    this.schedule();
  }

  /** Something arrived. */
  touch(): void {
    this.lastActivity = this.clock.now();
  }

  /** The timeout changed: measure against the new one from now on. */
  refresh(): void {
    this.disarm();
    this.schedule();
  }

  stop(): void {
    this.stopped = true;
    this.disarm();
  }

  private disarm(): void {
    if (this.armed) {
      this.clock.clearTimeout(this.timer);
      this.armed = false;
    }
  }

  private schedule(): void {
    const timeout = this.timeoutMs();
    if (this.stopped || timeout === undefined) {
      return;
    }
    const remaining = this.lastActivity + timeout - this.clock.now();
    this.armed = true;
    this.timer = this.clock.setTimeout(() => this.check(), Math.max(0, Math.ceil(remaining)));
  }

  private check(): void {
    this.armed = false;
    const timeout = this.timeoutMs();
    if (this.stopped || timeout === undefined) {
      return;
    }
    if (this.clock.now() - this.lastActivity >= timeout) {
      this.stop();
      this.onTimeout(timeout);
    } else {
      this.schedule();
    }
  }
}
