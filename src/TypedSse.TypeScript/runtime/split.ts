import type { ConnectionSettings } from "./connection.js";
import { MultiplexedConnection, type MultiplexListener } from "./multiplex.js";

/**
 * The server's default cap on the subscriptions of one multiplexed request (`TypedSseOptions.MaxSubscriptionsPerConnection`):
 * a set larger than this is carried by several requests.
 */
export const DEFAULT_MAX_SUBSCRIPTIONS = 32;

/** One request of a split set: the paths it carries, and its connection. */
interface Part {
  readonly paths: Set<string>;
  readonly connection: MultiplexedConnection;
}

/**
 * A set of subscriptions carried by as few multiplexed requests as the server's cap allows: one while the set fits,
 * another for each `max` more. A path stays on the request that carries it while it is wanted, so adding or removing
 * one reconnects only the request it belongs to.
 */
export class SplitConnection {
  private readonly url: string;
  private readonly settings: ConnectionSettings;
  private readonly listener: MultiplexListener;
  private readonly wanted: () => ReadonlyMap<string, string>;
  private readonly max: number;
  private readonly parts: Part[] = [];
  private updating = false;
  private closed = false;

  constructor(url: string, settings: ConnectionSettings, listener: MultiplexListener, wanted: () => ReadonlyMap<string, string>, max: number) {
    if (!Number.isInteger(max) || max < 1) {
      throw new RangeError(`maxSubscriptionsPerConnection must be a whole number of at least 1, not ${String(max)}: give the server's TypedSseOptions.MaxSubscriptionsPerConnection (default ${DEFAULT_MAX_SUBSCRIPTIONS}).`);
    }
    this.url = url;
    this.settings = settings;
    this.listener = listener;
    this.wanted = wanted;
    this.max = max;
  }

  /** The wanted set may have changed: applied once, at the end of the current tick. */
  update(): void {
    if (this.updating || this.closed) {
      return;
    }
    this.updating = true;
    queueMicrotask(() => {
      this.updating = false;
      this.apply();
    });
  }

  rewind(path: string, position: string): void {
    this.parts.find((part) => part.paths.has(path))?.connection.rewind(path, position);
  }

  close(): void {
    this.closed = true;
    this.parts.forEach((part) => part.connection.close());
    this.parts.length = 0;
  }

  private apply(): void {
    if (this.closed) {
      return;
    }
    const wanted = this.wanted();
    for (const part of this.parts) {
      for (const path of [...part.paths]) {
        if (!wanted.has(path)) {
          part.paths.delete(path);
        }
      }
    }
    for (const path of wanted.keys()) {
      if (this.parts.some((part) => part.paths.has(path))) {
        continue;
      }
      let part = this.parts.find((candidate) => candidate.paths.size < this.max);
      if (part === undefined) {
        part = this.open();
        this.parts.push(part);
      }
      part.paths.add(path);
    }
    for (const part of [...this.parts]) {
      // An emptied request stops on its update (it wants nothing), saying which paths it no longer carries.
      part.connection.update();
      if (part.paths.size === 0 && this.parts.length > 1) {
        this.parts.splice(this.parts.indexOf(part), 1);
      }
    }
  }

  private open(): Part {
    const paths = new Set<string>();
    const listener: MultiplexListener = {
      ...this.listener,
      unavailable: () => {
        if (!this.closed) {
          this.close();
          this.listener.unavailable();
        }
      },
    };
    const wanted = (): Map<string, string> => {
      const all = this.wanted();
      return new Map([...all].filter(([path]) => paths.has(path)));
    };
    return { paths, connection: new MultiplexedConnection(this.url, this.settings, listener, wanted) };
  }
}
