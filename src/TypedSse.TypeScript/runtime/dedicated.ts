import { Connection, discard, type ConnectionSettings } from "./connection.js";
import { EventStreamHttpError } from "./errors.js";
import { CONTROL_PREFIX, HELLO, RESET, readHello, readReset } from "./protocol.js";
import type { ServerSentEvent } from "./parser.js";
import type { StreamSink, Transport } from "./transport.js";

/** A connection of the client's own to its stream's URL: what every client did before connections were shared. */
export class DedicatedTransport implements Transport {
  private readonly connection: Connection;

  constructor(url: string, settings: ConnectionSettings, sink: StreamSink, lastEventId: string) {
    this.connection = new Connection(
      settings,
      {
        target: () => ({ url, lastEventId: this.connection.lastEventId }),
        opened: () => sink.state("open"),
        event: (event) => this.dispatch(event, sink),
        retrying: (error) => {
          if (error !== undefined) {
            sink.error(error);
          }
          sink.state("connecting");
        },
        rejected: (response) => {
          discard(response);
          sink.closed(
            response.status === 204
              ? { reason: "server" }
              : { reason: "error", error: new EventStreamHttpError(response.status, response.statusText, undefined, url) },
          );
        },
        failed: (error) => sink.closed({ reason: "error", error }),
      },
      lastEventId,
    );
    this.connection.start();
  }

  get lastEventId(): string {
    return this.connection.lastEventId;
  }

  close(): void {
    this.connection.stop();
  }

  private dispatch(event: ServerSentEvent, sink: StreamSink): void {
    if (event.type === HELLO) {
      const hello = readHello(event);
      if (hello instanceof Error) {
        sink.error(hello);
      } else {
        this.connection.keepAlive(hello.keepAliveMs);
        sink.hello(hello);
      }
    } else if (event.type === RESET) {
      const reset = readReset(event);
      if (reset instanceof Error) {
        sink.error(reset);
      } else {
        sink.reset(reset);
      }
    } else if (!event.type.startsWith(CONTROL_PREFIX)) {
      sink.event(event);
    }
  }
}
