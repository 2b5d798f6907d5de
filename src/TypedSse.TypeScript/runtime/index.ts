export { retryDelay, type RetryDelayOptions } from "./backoff.js";
export { EventStreamClient } from "./client.js";
export { systemClock } from "./clock.js";
export type {
  Clock,
  CloseReason,
  ConnectionSharing,
  ConnectionState,
  EventStreamClientEventMap,
  EventStreamClientOptions,
  EventStreamItem,
  FetchFunction,
  HeadersSource,
  MultiplexOptions,
  ResetReason,
  StreamClose,
  StreamHello,
  StreamReset,
  Unsubscribe,
} from "./types.js";
export {
  configureClients,
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
  EventStreamEventTooLargeError,
  EventStreamHttpError,
  EventStreamListenerError,
  EventStreamNetworkError,
  EventStreamPayloadError,
  EventStreamRefusedError,
  EventStreamTimeoutError,
} from "./errors.js";
export { EventStreamParser, type EventStreamParserOptions, type ServerSentEvent } from "./parser.js";
export { parseEventData } from "./payload.js";
