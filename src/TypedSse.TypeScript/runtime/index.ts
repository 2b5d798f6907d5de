export { retryDelay, type RetryDelayOptions } from "./backoff.js";
export {
  EventStreamContentTypeError,
  EventStreamError,
  EventStreamHttpError,
  EventStreamListenerError,
  EventStreamNetworkError,
  EventStreamPayloadError,
  EventStreamTimeoutError,
} from "./errors.js";
export { EventStreamParser, type EventStreamParserOptions, type ServerSentEvent } from "./parser.js";
export { parseEventData } from "./payload.js";
