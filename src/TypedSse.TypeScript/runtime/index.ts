export { retryDelay, type RetryDelayOptions } from "./backoff.js";
export {
  EventStreamClient,
  type CloseReason,
  type ConnectionState,
  type EventStreamClientEventMap,
  type EventStreamClientOptions,
  type EventStreamItem,
  type FetchFunction,
  type HeadersSource,
  type ResetReason,
  type StreamClose,
  type StreamHello,
  type StreamReset,
  type Unsubscribe,
} from "./client.js";
export {
  ContractClient,
  RESET_EVENT,
  type ContractArgs,
  type ContractClientOptions,
  type ContractDefinition,
  type ContractEventDefinition,
  type ContractHandlers,
  type ContractResetEvent,
} from "./contract-client.js";
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
