export { EventStreamParser, type EventStreamParserOptions, type ServerSentEvent } from "./parser.js";
