import type { EventStreamError } from "./errors.js";
import type { ServerSentEvent } from "./parser.js";
import type { StreamClose, StreamHello, StreamReset } from "./types.js";

/**
 * What a client's transport (a dedicated connection, or a subscription on a shared one) tells the client. The
 * client calls its listeners; the transport has already decided what the wire meant.
 */
export interface StreamSink {
  /** The connection is being (re)established, or a stream is being read. */
  state(state: "connecting" | "open"): void;
  /** An application event of this stream; its `lastEventId` is this stream's own id. */
  event(event: ServerSentEvent): void;
  hello(hello: StreamHello): void;
  reset(reset: StreamReset): void;
  /** Something failed and is retried. */
  error(error: EventStreamError): void;
  /** The transport ended for good (204, refusal, fatal error). */
  closed(info: StreamClose): void;
}

/** How a client gets its stream's events. */
export interface Transport {
  /** The id a reconnect of this stream resumes from. */
  readonly lastEventId: string;
  /** The client closed: stop, and let go of whatever is shared. */
  close(): void;
}
