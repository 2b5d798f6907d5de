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
  /**
   * The most characters (UTF-16 code units) one line, or one event's data, may hold. Past it the parser drops the
   * event, calls `onOversize` and ignores the rest of the stream until {@link EventStreamParser.end}. No limit by
   * default.
   */
  readonly maxEventSize?: number;
  /** Called once when a line or an event grows past `maxEventSize`, with that limit. */
  readonly onOversize?: (maxEventSize: number) => void;
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
 * parser is ready for the next stream (a reconnection) and keeps the last event id, as browsers do: an event
 * without an `id` after a reconnect still carries the id the stream resumed from.
 */
export class EventStreamParser {
  private readonly onEvent: (event: ServerSentEvent) => void;
  private readonly onComment: ((comment: string) => void) | undefined;
  private readonly onRetry: ((retryMs: number) => void) | undefined;
  private readonly onOversize: ((maxEventSize: number) => void) | undefined;
  private readonly maxEventSize: number;
  /** The characters held in {@link EventStreamParser.pending}. */
  private pendingLength = 0;
  /** A line or an event was too large: the rest of this stream is ignored. */
  private oversized = false;

  private decoder: TextDecoder | undefined;
  private atStreamStart = true;
  /** The fragments of a line whose end has not arrived yet. */
  private readonly pending: string[] = [];
  /** The previous chunk ended with CR, so an LF starting this one belongs to that line ending. */
  private skipLeadingLF = false;

  private data = "";
  private hasData = false;
  private eventType = "";
  private idBuffer: string;
  private committedId: string;

  constructor(options: EventStreamParserOptions) {
    this.onEvent = options.onEvent;
    this.onComment = options.onComment;
    this.onRetry = options.onRetry;
    this.onOversize = options.onOversize;
    this.maxEventSize = options.maxEventSize ?? Infinity;
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
    if (this.oversized) {
      return;
    }
    this.atStreamStart = false;
    this.decoder ??= new TextDecoder();
    this.scan(this.decoder.decode(chunk, STREAM));
  }

  /**
   * Parses the next already-decoded text of the stream. A U+FEFF at the very start of the stream is skipped like a
   * BOM. Use either `feed` or `feedText` for one stream, not both.
   */
  feedText(text: string): void {
    if (this.oversized) {
      return;
    }
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
    this.pending.length = 0;
    this.pendingLength = 0;
    this.oversized = false;
    this.skipLeadingLF = false;
    this.data = "";
    this.hasData = false;
    this.eventType = "";
    this.idBuffer = this.committedId;
  }

  private scan(chunk: string): void {
    let position = 0;
    if (this.skipLeadingLF) {
      if (chunk.length === 0) {
        return;
      }
      this.skipLeadingLF = false;
      if (chunk.charCodeAt(0) === LF) {
        position = 1;
      }
    }
    const length = chunk.length;
    let lf = chunk.indexOf("\n", position);
    let cr = chunk.indexOf("\r", position);
    while (lf !== -1 || cr !== -1) {
      const end = cr === -1 || (lf !== -1 && lf < cr) ? lf : cr;
      if (this.pending.length === 0) {
        this.line(chunk, position, end);
      } else {
        // Only the line that began in earlier chunks is joined: the chunk itself is never copied.
        this.pending.push(chunk.slice(position, end));
        const line = this.pending.join("");
        this.pending.length = 0;
        this.pendingLength = 0;
        this.line(line, 0, line.length);
      }
      if (this.oversized) {
        return;
      }
      position = end + 1;
      if (end === lf) {
        lf = chunk.indexOf("\n", position);
      } else {
        if (position === length) {
          this.skipLeadingLF = true;
        } else if (chunk.charCodeAt(position) === LF) {
          position++;
        }
        cr = chunk.indexOf("\r", position);
        if (lf !== -1 && lf < position) {
          lf = chunk.indexOf("\n", position);
        }
      }
    }
    if (position < length) {
      // Fragments are joined once, when the line's end arrives, so a long line in many chunks stays linear.
      this.pending.push(position === 0 ? chunk : chunk.slice(position));
      this.pendingLength += length - position;
      if (this.pendingLength + this.data.length > this.maxEventSize) {
        this.oversize();
      }
    }
  }

  private oversize(): void {
    this.oversized = true;
    this.pending.length = 0;
    this.pendingLength = 0;
    this.data = "";
    this.hasData = false;
    this.eventType = "";
    this.idBuffer = this.committedId;
    this.onOversize?.(this.maxEventSize);
  }

  /**
   * Processes the line `buffer[start, end)`. A field name is matched where it stands, followed by its colon or by
   * the end of the line, so no line is searched for a colon; names are compared by char code because this is the
   * hot path and `startsWith` is not inlined.
   */
  private line(buffer: string, start: number, end: number): void {
    const length = end - start;
    if (length === 0) {
      this.dispatch();
      return;
    }
    switch (buffer.charCodeAt(start)) {
      case COLON:
        if (this.onComment !== undefined) {
          this.onComment(buffer.slice(valueStart(buffer, start + 1, end), end));
        }
        return;
      case 100: // data
        if (
          buffer.charCodeAt(start + 1) === 97 &&
          buffer.charCodeAt(start + 2) === 116 &&
          buffer.charCodeAt(start + 3) === 97
        ) {
          if (length === 4) {
            this.appendData("");
          } else if (buffer.charCodeAt(start + 4) === COLON) {
            this.appendData(buffer.slice(valueStart(buffer, start + 5, end), end));
          }
        }
        return;
      case 101: // event
        if (
          buffer.charCodeAt(start + 1) === 118 &&
          buffer.charCodeAt(start + 2) === 101 &&
          buffer.charCodeAt(start + 3) === 110 &&
          buffer.charCodeAt(start + 4) === 116
        ) {
          if (length === 5) {
            this.eventType = "";
          } else if (buffer.charCodeAt(start + 5) === COLON) {
            this.eventType = buffer.slice(valueStart(buffer, start + 6, end), end);
          }
        }
        return;
      case 105: // id
        if (buffer.charCodeAt(start + 1) === 100) {
          if (length === 2) {
            this.idBuffer = "";
          } else if (buffer.charCodeAt(start + 2) === COLON) {
            const value = buffer.slice(valueStart(buffer, start + 3, end), end);
            if (value.indexOf("\0") === -1) {
              this.idBuffer = value;
            }
          }
        }
        return;
      case 114: // retry; without a colon its value is empty, which is not digits
        if (this.onRetry !== undefined && buffer.startsWith("retry:", start)) {
          const value = buffer.slice(valueStart(buffer, start + 6, end), end);
          if (DIGITS.test(value)) {
            this.onRetry(Number(value));
          }
        }
        return;
    }
  }

  private appendData(value: string): void {
    if (this.hasData) {
      this.data += "\n" + value;
    } else {
      this.data = value;
      this.hasData = true;
    }
    if (this.data.length > this.maxEventSize) {
      this.oversize();
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

/** Skips the one space that may follow a field's colon. */
function valueStart(buffer: string, afterColon: number, end: number): number {
  return afterColon < end && buffer.charCodeAt(afterColon) === SPACE ? afterColon + 1 : afterColon;
}
