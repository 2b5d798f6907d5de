/**
 * Buffers pushed items for one async iterator. The producer never waits: items queue until the consumer pulls them.
 * Finishing with an error lets the consumer drain the queue first and then throws it.
 */
export class EventQueue<T> implements AsyncIterableIterator<T> {
  private readonly items: T[] = [];
  private waiting: { resolve: (result: IteratorResult<T>) => void; reject: (error: unknown) => void } | undefined;
  private finished = false;
  private failure: { readonly error: unknown } | undefined;
  private readonly onReturn: () => void;

  /** @param onReturn called once, when the queue finishes for any reason, to unsubscribe it. */
  constructor(onReturn: () => void) {
    this.onReturn = onReturn;
  }

  push(item: T): void {
    if (this.finished) {
      return;
    }
    if (this.waiting !== undefined) {
      const waiting = this.waiting;
      this.waiting = undefined;
      waiting.resolve({ value: item, done: false });
    } else {
      this.items.push(item);
    }
  }

  /** Ends the iteration after the queued items; with an error, the iteration then throws it. */
  finish(error?: unknown): void {
    if (this.finished) {
      return;
    }
    this.finished = true;
    if (error !== undefined) {
      this.failure = { error };
    }
    this.onReturn();
    if (this.waiting !== undefined) {
      const waiting = this.waiting;
      this.waiting = undefined;
      this.settle(waiting);
    }
  }

  next(): Promise<IteratorResult<T>> {
    if (this.items.length > 0) {
      return Promise.resolve({ value: this.items.shift() as T, done: false });
    }
    if (this.finished) {
      return new Promise((resolve, reject) => this.settle({ resolve, reject }));
    }
    return new Promise((resolve, reject) => {
      this.waiting = { resolve, reject };
    });
  }

  return(): Promise<IteratorResult<T>> {
    this.items.length = 0;
    this.failure = undefined;
    this.finish();
    return Promise.resolve({ value: undefined, done: true });
  }

  [Symbol.asyncIterator](): AsyncIterableIterator<T> {
    return this;
  }

  private settle(waiting: { resolve: (result: IteratorResult<T>) => void; reject: (error: unknown) => void }): void {
    if (this.failure !== undefined) {
      const { error } = this.failure;
      this.failure = undefined;
      waiting.reject(error);
    } else {
      waiting.resolve({ value: undefined, done: true });
    }
  }
}
