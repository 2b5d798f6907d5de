import type { ConnectionSettings } from "./connection.js";
import { DedicatedTransport } from "./dedicated.js";
import { LocalHub, SharedSubscription } from "./multiplex.js";
import { DEFAULT_MAX_SUBSCRIPTIONS } from "./split.js";
import { browserTabs, connectTabs, type TabEnvironment } from "./tabs.js";
import type { StreamSink, Transport } from "./transport.js";
import type { MultiplexOptions } from "./types.js";

/**
 * A page's hubs, one per endpoint and request options, and the endpoints known not to be mapped. A page has one;
 * tests make several, one per simulated tab.
 */
export class PageHubs {
  private readonly hubs = new Map<string, LocalHub>();
  private readonly unavailable = new Set<string>();
  private readonly identities = new WeakMap<object, number>();
  private readonly tabs: () => TabEnvironment | undefined;

  constructor(tabs: () => TabEnvironment | undefined) {
    this.tabs = tabs;
  }

  /** Subscribes a client to its stream over the shared connection its options name. */
  subscribe(url: string, options: MultiplexOptions, settings: ConnectionSettings, sink: StreamSink, lastEventId: string): Transport {
    const endpoint = resolve(options.url);
    const sharing = options.sharing ?? "browser";
    // Tabs cannot compare functions: across tabs, what the request sends is the first tab's to decide.
    const channel = ["typedsse", endpoint, settings.credentials ?? "", settings.lastEventIdIn].join(" ");
    const key = [channel, sharing, this.identity(settings.headers), this.identity(settings.fetch)].join(" ");
    if (this.unavailable.has(key)) {
      return new DedicatedTransport(url, settings, sink, lastEventId);
    }
    let hub = this.hubs.get(key);
    if (hub === undefined) {
      const created = new LocalHub(() => {
        if (this.hubs.get(key) === created) {
          this.hubs.delete(key);
        }
      });
      const onUnavailable = (): void => {
        if (!this.unavailable.has(key)) {
          this.unavailable.add(key);
          console.warn(
            `TypedSse: ${endpoint} answered 404 without refusing a subscription, so the app does not map the ` +
              "multiplexed endpoint (app.MapEventStreams). Each client now opens a connection of its own: map the " +
              'endpoint, point multiplexUrl at it, or pass share: "none".',
          );
        }
      };
      const tabs = sharing === "browser" ? this.tabs() : undefined;
      const max = options.maxSubscriptionsPerConnection ?? DEFAULT_MAX_SUBSCRIPTIONS;
      created.connect(connectTabs(channel, endpoint, settings, max, created, onUnavailable, tabs));
      this.hubs.set(key, created);
      hub = created;
    }
    const subscription = new SharedSubscription(options.path, url, settings, sink, lastEventId);
    subscription.join(hub);
    return subscription;
  }

  private identity(value: unknown): string {
    if (value === undefined) {
      return "-";
    }
    const plain = Array.isArray(value) || value instanceof Headers || (typeof value === "object" && value !== null && Object.getPrototypeOf(value) === Object.prototype);
    if (plain) {
      return JSON.stringify([...new Headers(value as HeadersInit)]);
    }
    let id = this.identities.get(value as object);
    if (id === undefined) {
      id = ++identityCount;
      this.identities.set(value as object, id);
    }
    return `#${id}`;
  }
}

let identityCount = 0;
const page = new PageHubs(browserTabs);

/** Subscribes a client to its stream over the shared connection its options name, on this page. */
export function subscribe(url: string, options: MultiplexOptions, settings: ConnectionSettings, sink: StreamSink, lastEventId: string): Transport {
  return page.subscribe(url, options, settings, sink, lastEventId);
}

function resolve(url: string | URL): string {
  const base = typeof location === "undefined" ? undefined : location.href;
  try {
    return base === undefined ? String(url) : new URL(url, base).href;
  } catch {
    return String(url);
  }
}
