import { EventStreamClient } from "./client.js";
import { disposeByClosing, type AsyncDisposableWhereSupported } from "./disposal.js";
import { parseEventData } from "./payload.js";
import { RESET } from "./protocol.js";
import type {
  ConnectionSharing,
  ConnectionState,
  EventStreamClientOptions,
  StreamClose,
  StreamReset,
  Unsubscribe,
} from "./types.js";

/** The name under which a contract client delivers the server's `typedsse:reset`, to handlers and the iterator. */
export const RESET_EVENT: typeof RESET = RESET;

/** The options of a generated contract client: the runtime client's options, the server's base URL and sharing. */
export type ContractClientOptions = Omit<EventStreamClientOptions, "url" | "multiplex"> & {
  /**
   * The stream's path, route values filled in and URL-encoded, when the app maps the contract at a pattern of its
   * own (`app.MapChatEvents("/room/{room}/events")`) instead of the contract's route: for example
   * `"/room/lobby/events"`. By default the client fills in the contract's route, which such an app answers with 404.
   */
  readonly path?: string;
  /**
   * The server's base URL, for example `https://api.example.com` or `https://example.com/app/`; the contract's
   * route is appended to it. By default the route is relative to the page (browsers only).
   */
  readonly baseUrl?: string | URL;
  /**
   * Which clients share one connection to the app's multiplexed endpoint (`app.MapEventStreams`): `browser`
   * (default) every client of every tab of this origin, `page` this page's clients, `none` this client alone, on a
   * connection to the contract's own endpoint. Where the endpoint answers 404, clients fall back to `none`.
   */
  readonly share?: ConnectionSharing;
  /** The multiplexed endpoint's URL. Default: `/events` appended to `baseUrl`, like the contract's route. */
  readonly multiplexUrl?: string | URL;
  /**
   * The server's `TypedSseOptions.MaxSubscriptionsPerConnection`, if the app changed it from its default of 32: the
   * most subscriptions one request to the multiplexed endpoint carries.
   */
  readonly maxSubscriptionsPerConnection?: number;
};

let defaults: Omit<ContractClientOptions, "path"> = {};

/**
 * Sets the options every contract client constructed from now on starts from, for example the base URL, the
 * multiplexed endpoint, the headers or `share`; a client's own options win. Give headers here rather than per
 * client: clients share a connection only when they send the same headers (the same function, or equal values).
 *
 * ```ts
 * configureClients({ baseUrl: "https://api.example.com", multiplexUrl: "https://api.example.com/sse" });
 * ```
 */
export function configureClients(options: Omit<ContractClientOptions, "path">): void {
  const { path: _path, ...rest } = options as ContractClientOptions;
  defaults = rest;
}

/** The server could not replay what the client missed: resync. Yielded by a contract client's iterator. */
export interface ContractResetEvent {
  readonly type: typeof RESET_EVENT;
  /** The newest event id of the stream, from which the client now continues. */
  readonly id: string;
  readonly reset: StreamReset;
}

/** Handlers by event name: each receives its event's arguments; `typedsse:reset` receives the reset. */
export type ContractHandlers<TArgs extends ContractArgs<TArgs>> = {
  readonly [K in keyof TArgs]: (...args: TArgs[K]) => void;
} & {
  readonly [RESET_EVENT]: (reset: StreamReset) => void;
};

/** The arguments of each event, by event name: a labelled tuple per event. */
export type ContractArgs<TArgs> = { readonly [K in keyof TArgs]: readonly unknown[] };

/** How a generated client reads one event. */
export interface ContractEventDefinition<TArgs extends readonly unknown[], TEvent> {
  /** The handler's arguments from the event's parsed JSON data (`undefined` when the data is empty). */
  readonly read: (data: unknown) => TArgs;
  /** The iterator's item from the arguments and the event's id. */
  readonly event: (args: TArgs, id: string) => TEvent;
}

/** How a generated client reads each event of its contract. */
export type ContractDefinition<TArgs extends ContractArgs<TArgs>, TEvent> = {
  readonly [K in keyof TArgs]: ContractEventDefinition<TArgs[K], TEvent>;
};

type AnyHandler = (...args: never[]) => void;

/**
 * The base of the generated typed clients: an {@link EventStreamClient} for one contract's stream whose events are
 * delivered with typed arguments. It connects when constructed and runs until closed.
 */
export abstract class ContractClient<TArgs extends ContractArgs<TArgs>, TEvent extends { readonly type: string }>
  implements AsyncIterable<TEvent | ContractResetEvent>
{
  /** The runtime client underneath: its `hello`, `error`, `statechange` and `close` events, and more. */
  readonly source: EventStreamClient;

  private readonly definition: ContractDefinition<TArgs, TEvent>;
  private readonly subscriptions = new Map<string, Map<AnyHandler, Unsubscribe>>();

  /**
   * @param routePath The contract's route with the route values filled in; `options.path` replaces it.
   */
  protected constructor(routePath: string, options: ContractClientOptions, definition: ContractDefinition<TArgs, TEvent>) {
    const { baseUrl, share, multiplexUrl, maxSubscriptionsPerConnection, path: mappedPath, ...clientOptions } = { ...defaults, ...options };
    const path = mappedPath ?? routePath; // configureClients takes no path: one app path cannot fit every contract
    if (!path.startsWith("/")) {
      throw new TypeError(`The option path must start with "/", as the app maps it (for example "/room/lobby/events"); got ${JSON.stringify(path)}.`);
    }
    this.definition = definition;
    this.source = new EventStreamClient({
      ...clientOptions,
      url: joinUrl(baseUrl, path),
      ...(share === "none"
        ? {}
        : {
            multiplex: {
              url: multiplexUrl ?? joinUrl(baseUrl, "/events"),
              path,
              sharing: share ?? "browser",
              ...(maxSubscriptionsPerConnection !== undefined ? { maxSubscriptionsPerConnection } : {}),
            },
          }),
    });
  }

  /** The stream's URL. */
  get url(): string {
    return this.source.url;
  }

  /** `connecting`, `open` or `closed`. */
  get state(): ConnectionState {
    return this.source.state;
  }

  /** The id a reconnect resumes from. */
  get lastEventId(): string {
    return this.source.lastEventId;
  }

  /** Why the client closed (`client`, `server`, `refused` with the status, or `error`); `undefined` while it runs. */
  get closed(): StreamClose | undefined {
    return this.source.closed;
  }

  /**
   * Calls `handler` with the arguments of each event of this type, in stream order; `typedsse:reset` with the
   * reset. Adding the same handler twice has no effect. Returns a function that removes it.
   */
  on<K extends keyof ContractHandlers<TArgs> & string>(type: K, handler: ContractHandlers<TArgs>[K]): Unsubscribe {
    const key = handler as AnyHandler;
    let handlers = this.subscriptions.get(type);
    if (handlers === undefined) {
      handlers = new Map();
      this.subscriptions.set(type, handlers);
    }
    if (!handlers.has(key)) {
      handlers.set(key, this.subscribe(type, handler as (...args: readonly unknown[]) => void));
    }
    return () => this.off(type, handler);
  }

  /** Removes a handler added with {@link ContractClient.on}. */
  off<K extends keyof ContractHandlers<TArgs> & string>(type: K, handler: ContractHandlers<TArgs>[K]): void {
    const handlers = this.subscriptions.get(type);
    const key = handler as AnyHandler;
    const unsubscribe = handlers?.get(key);
    if (handlers === undefined || unsubscribe === undefined) {
      return;
    }
    unsubscribe();
    handlers.delete(key);
    if (handlers.size === 0) {
      this.subscriptions.delete(type);
    }
  }

  /**
   * Iterates the events (and resets) that arrive from now on, in stream order, each told apart by its `type`.
   * Events of a type the contract does not declare are skipped. The iteration ends when the client closes, when
   * `signal` aborts or when the loop breaks; it throws the client's fatal error, or an event whose data cannot be read.
   */
  async *events(options: { readonly signal?: AbortSignal } = {}): AsyncGenerator<TEvent | ContractResetEvent, void, undefined> {
    for await (const item of this.source.events(options)) {
      if (item.kind === "reset") {
        yield { type: RESET_EVENT, id: item.reset.latestEventId, reset: item.reset };
        continue;
      }
      const definition = this.definitionOf(item.event.type);
      if (definition !== undefined) {
        yield definition.event(definition.read(parseEventData(item.event)), item.event.lastEventId);
      }
    }
  }

  /**
   * Iterating the client itself hands it to the loop: when the loop ends (`break`, `return`, a throw, or the client
   * closing), the client closes, so a Node process that only watched the stream exits. To iterate and keep the
   * client running, iterate {@link ContractClient.events} instead.
   */
  async *[Symbol.asyncIterator](): AsyncGenerator<TEvent | ContractResetEvent, void, undefined> {
    try {
      yield* this.events();
    } finally {
      this.close();
    }
  }

  /** Closes the client for good. With `await using client = new XClient(…)`, the end of the scope closes it. */
  close(): void {
    this.source.close();
  }

  private subscribe(type: string, handler: (...args: readonly unknown[]) => void): Unsubscribe {
    if (type === RESET_EVENT) {
      return this.source.on("reset", handler);
    }
    const definition = this.definitionOf(type);
    if (definition === undefined) {
      return () => undefined;
    }
    return this.source.onEvent(type, (event) => handler(...definition.read(parseEventData(event))));
  }

  private definitionOf(type: string): ContractEventDefinition<readonly unknown[], TEvent> | undefined {
    return Object.prototype.hasOwnProperty.call(this.definition, type)
      ? (this.definition as unknown as Record<string, ContractEventDefinition<readonly unknown[], TEvent>>)[type]
      : undefined;
  }
}

export interface ContractClient<TArgs extends ContractArgs<TArgs>, TEvent extends { readonly type: string }>
  extends AsyncDisposableWhereSupported {}
disposeByClosing(ContractClient.prototype);

/** Appends a route to a base URL, keeping the base's path: `https://host/app/` + `/rooms/a` → `https://host/app/rooms/a`. */
function joinUrl(baseUrl: string | URL | undefined, path: string): string {
  if (baseUrl === undefined) {
    return path;
  }
  const base = String(baseUrl);
  return base.endsWith("/") ? base.slice(0, -1) + path : base + path;
}
