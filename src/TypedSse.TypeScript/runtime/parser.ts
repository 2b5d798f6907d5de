/** One event as dispatched by the event stream: its data is still the raw text. */
export interface ServerSentEvent {
  /** The `event` field, or `"message"` when the event has none. */
  readonly type: string;
  /** The `data` lines joined with LF. An event with a single empty `data:` line has `""`. */
  readonly data: string;
  /** The last event id of the stream when this event was dispatched; ids persist until the server sets another. */
  readonly lastEventId: string;
}

/** Callbacks and starting state of an {@link EventStreamParser}. Callbacks must not throw. */
export interface EventStreamParserOptions {
  /** Called for each dispatched event. */
  readonly onEvent: (event: ServerSentEvent) => void;
  /** Called for each comment line, with the text after the colon and one optional space. */
  readonly onComment?: (comment: string) => void;
  /** Called for each valid `retry` field, with the reconnection time in milliseconds. */
  readonly onRetry?: (retryMs: number) => void;
  /** The last event id to start from, for a stream that resumes an earlier one. Defaults to `""`. */
  readonly lastEventId?: string;
}

const LF = 10;
const SPACE = 32;
const COLON = 58;
const DIGITS = /^[0-9]+$/;
const STREAM: TextDecodeOptions = { stream: true };

/**
 * A push parser for `text/event-stream`, following the WHATWG HTML "event stream interpretation" exactly.
 *
 * Feed it the bytes of one stream in chunks of any size, then call {@link EventStreamParser.end}. After `end` the
 * parser is ready for the next stream (a reconnection) and keeps the last event id.
 */
export class EventStreamParser {
  private readonly onEvent: (event: ServerSentEvent) => void;
  private readonly onComment: ((comment: string) => void) | undefined;
  private readonly onRetry: ((retryMs: number) => void) | undefined;

  private decoder: TextDecoder | undefined;
  private atStreamStart = true;
  /** The start of a line whose end has not arrived yet. */
  private pending = "";
  /** The previous chunk ended with CR, so an LF starting this one belongs to that line ending. */
  private skipLeadingLF = false;
  /** Where the next colon is in the buffer being scanned: -1 when there is none, -2 before the first search. */
  private nextColon = -1;

  private data = "";
  private hasData = false;
  private eventType = "";
  private idBuffer: string;
  private committedId: string;

  constructor(options: EventStreamParserOptions) {
    this.onEvent = options.onEvent;
    this.onComment = options.onComment;
    this.onRetry = options.onRetry;
    this.idBuffer = this.committedId = options.lastEventId ?? "";
  }

  /**
   * The stream's last event id: the id buffer as of the most recent blank line. It is what a reconnection sends as
   * `Last-Event-ID`, so an `id` field of an event that never completed does not count.
   */
  get lastEventId(): string {
    return this.committedId;
  }

  /** Parses the next bytes of the stream. UTF-8 sequences and line endings may be split across chunks. */
  feed(chunk: Uint8Array): void {
    this.atStreamStart = false;
    this.decoder ??= new TextDecoder();
    this.scan(this.decoder.decode(chunk, STREAM));
  }

  /**
   * Parses the next already-decoded text of the stream. A U+FEFF at the very start of the stream is skipped like a
   * BOM. Use either `feed` or `feedText` for one stream, not both.
   */
  feedText(text: string): void {
    if (this.atStreamStart && text.length > 0) {
      this.atStreamStart = false;
      if (text.charCodeAt(0) === 0xfeff) {
        text = text.slice(1);
      }
    }
    this.scan(text);
  }

  /**
   * Ends the stream: an event or line that is not complete is dropped, as the standard requires. The parser is then
   * ready for a new stream, which starts from {@link EventStreamParser.lastEventId}.
   */
  end(): void {
    this.decoder = undefined;
    this.atStreamStart = true;
    this.pending = "";
    this.skipLeadingLF = false;
    this.data = "";
    this.hasData = false;
    this.eventType = "";
    this.idBuffer = this.committedId;
  }

  private scan(chunk: string): void {
    if (chunk.length === 0) {
      return;
    }
    let buffer = chunk;
    let searchFrom = 0;
    if (this.pending.length > 0) {
      buffer = this.pending + chunk;
      searchFrom = this.pending.length;
    }
    let position = 0;
    if (this.skipLeadingLF) {
      this.skipLeadingLF = false;
      if (buffer.charCodeAt(0) === LF) {
        position = searchFrom = 1;
      }
    }

    const length = buffer.length;
    let lf = buffer.indexOf("\n", searchFrom);
    let cr = buffer.indexOf("\r", searchFrom);
    this.nextColon = -2;
    while (lf !== -1 || cr !== -1) {
      if (cr === -1 || (lf !== -1 && lf < cr)) {
        this.line(buffer, position, lf);
        position = lf + 1;
        lf = buffer.indexOf("\n", position);
      } else {
        this.line(buffer, position, cr);
        position = cr + 1;
        if (position === length) {
          this.skipLeadingLF = true;
        } else if (buffer.charCodeAt(position) === LF) {
          position++;
        }
        cr = buffer.indexOf("\r", position);
        if (lf !== -1 && lf < position) {
          lf = buffer.indexOf("\n", position);
        }
      }
    }
    this.pending = position === 0 ? buffer : position < length ? buffer.slice(position) : "";
  }

  private line(buffer: string, start: number, end: number): void {
    if (start === end) {
      this.dispatch();
      return;
    }
    if (buffer.charCodeAt(start) === COLON) {
      if (this.onComment !== undefined) {
        const textStart = start + 1 < end && buffer.charCodeAt(start + 1) === SPACE ? start + 2 : start + 1;
        this.onComment(buffer.slice(textStart, end));
      }
      return;
    }

    // Searching for the colon past the end of a line that has none would make a run of such lines quadratic.
    let colon = this.nextColon;
    if (colon !== -1 && colon < start) {
      colon = this.nextColon = buffer.indexOf(":", start);
    }
    let nameEnd = end;
    let valueStart = end;
    if (colon !== -1 && colon < end) {
      nameEnd = colon;
      valueStart = colon + 1;
      if (valueStart < end && buffer.charCodeAt(valueStart) === SPACE) {
        valueStart++;
      }
    }

    switch (nameEnd - start) {
      case 4:
        if (buffer.startsWith("data", start)) {
          const value = buffer.slice(valueStart, end);
          if (this.hasData) {
            this.data += "\n" + value;
          } else {
            this.data = value;
            this.hasData = true;
          }
        }
        break;
      case 5:
        if (buffer.startsWith("event", start)) {
          this.eventType = buffer.slice(valueStart, end);
        } else if (buffer.startsWith("retry", start)) {
          const value = buffer.slice(valueStart, end);
          if (this.onRetry !== undefined && DIGITS.test(value)) {
            this.onRetry(Number(value));
          }
        }
        break;
      case 2:
        if (buffer.startsWith("id", start)) {
          const value = buffer.slice(valueStart, end);
          if (value.indexOf("\0") === -1) {
            this.idBuffer = value;
          }
        }
        break;
    }
  }

  private dispatch(): void {
    this.committedId = this.idBuffer;
    if (!this.hasData) {
      this.eventType = "";
      return;
    }
    const event: ServerSentEvent = {
      type: this.eventType === "" ? "message" : this.eventType,
      data: this.data,
      lastEventId: this.idBuffer,
    };
    this.data = "";
    this.hasData = false;
    this.eventType = "";
    this.onEvent(event);
  }
}
