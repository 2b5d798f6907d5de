import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { describe, it } from "node:test";
import { fileURLToPath } from "node:url";
import { EventStreamParser, type ServerSentEvent } from "../runtime/index.js";

interface Output {
  events: ServerSentEvent[];
  comments: string[];
  retries: number[];
  lastEventId: string;
}

const encoder = new TextEncoder();

function parse(chunks: readonly Uint8Array[], lastEventId?: string): Output {
  const output: Output = { events: [], comments: [], retries: [], lastEventId: "" };
  const parser = new EventStreamParser({
    onEvent: (event) => output.events.push(event),
    onComment: (comment) => output.comments.push(comment),
    onRetry: (retryMs) => output.retries.push(retryMs),
    ...(lastEventId !== undefined ? { lastEventId } : {}),
  });
  for (const chunk of chunks) {
    parser.feed(chunk);
  }
  output.lastEventId = parser.lastEventId;
  parser.end();
  assert.equal(parser.lastEventId, output.lastEventId, "end() keeps the last event id");
  return output;
}

function parseText(chunks: readonly string[]): Output {
  const output: Output = { events: [], comments: [], retries: [], lastEventId: "" };
  const parser = new EventStreamParser({
    onEvent: (event) => output.events.push(event),
    onComment: (comment) => output.comments.push(comment),
    onRetry: (retryMs) => output.retries.push(retryMs),
  });
  for (const chunk of chunks) {
    parser.feedText(chunk);
  }
  output.lastEventId = parser.lastEventId;
  parser.end();
  return output;
}

function bytesOf(input: string | readonly number[]): Uint8Array {
  return typeof input === "string" ? encoder.encode(input) : Uint8Array.from(input);
}

/** Every way the tests cut a stream: whole, at each index, byte by byte, with empty chunks, and (when short) in three. */
function* chunkings(bytes: Uint8Array): Generator<{ name: string; chunks: Uint8Array[] }> {
  yield { name: "whole", chunks: [bytes] };
  for (let i = 0; i <= bytes.length; i++) {
    yield { name: `split at ${i}`, chunks: [bytes.subarray(0, i), bytes.subarray(i)] };
  }
  const single = Array.from(bytes, (_, i) => bytes.subarray(i, i + 1));
  yield { name: "byte by byte", chunks: single };
  yield { name: "byte by byte with empty chunks", chunks: single.flatMap((chunk) => [chunk, new Uint8Array(0)]) };
  if (bytes.length <= 80) {
    for (let i = 1; i < bytes.length; i++) {
      for (let j = i + 1; j < bytes.length; j++) {
        yield {
          name: `split at ${i} and ${j}`,
          chunks: [bytes.subarray(0, i), bytes.subarray(i, j), bytes.subarray(j)],
        };
      }
    }
  }
}

/** Parses the stream cut in every way and checks each gives the expected output. */
function expectStream(input: string | readonly number[], expected: Partial<Output>): void {
  const bytes = bytesOf(input);
  const whole = parse([bytes]);
  const actual: Partial<Output> = {};
  for (const key of Object.keys(expected) as (keyof Output)[]) {
    Object.assign(actual, { [key]: whole[key] });
  }
  assert.deepEqual(actual, expected);
  for (const { name, chunks } of chunkings(bytes)) {
    assert.deepEqual(parse(chunks), whole, name);
  }
  if (typeof input === "string") {
    for (let i = 0; i <= input.length; i++) {
      assert.deepEqual(parseText([input.slice(0, i), input.slice(i)]), whole, `text split at ${i}`);
    }
    assert.deepEqual(parseText(Array.from(input)), whole, "text code point by code point");
  }
}

function event(type: string, data: string, lastEventId = ""): ServerSentEvent {
  return { type, data, lastEventId };
}

/** A case of event-stream-cases.json, which the .NET client's tests run too: text, or pieces of text and bytes. */
interface ConformanceCase {
  readonly group: string;
  readonly name: string;
  readonly input?: string;
  readonly bytes?: readonly (string | readonly number[])[];
  readonly expected: Partial<Output>;
}

const conformance = (
  JSON.parse(readFileSync(fileURLToPath(new URL("../../test/event-stream-cases.json", import.meta.url)), "utf8")) as {
    readonly cases: readonly ConformanceCase[];
  }
).cases;
const conformanceGroups = new Set<string>();

/** Registers the shared cases of one group, each checked by expectStream (every chunking). */
function conformanceCases(group: string): void {
  conformanceGroups.add(group);
  for (const c of conformance.filter((candidate) => candidate.group === group)) {
    const input = c.input ?? (c.bytes ?? []).flatMap((piece) => (typeof piece === "string" ? [...bytesOf(piece)] : [...piece]));
    it(c.name, () => expectStream(input, c.expected));
  }
}

describe("EventStreamParser", () => {
  it("runs every shared conformance case", () => {
    assert.ok(conformance.length >= 30, `only ${conformance.length} cases in event-stream-cases.json`);
    assert.deepEqual(conformance.filter((c) => !conformanceGroups.has(c.group)).map((c) => c.name), []);
  });

  describe("events", () => {
    conformanceCases("events");
  });

  describe("line endings", () => {
    conformanceCases("line endings");
  });

  describe("fields", () => {
    conformanceCases("fields");
  });

  describe("id", () => {
    conformanceCases("id");

    it("starts from the given last event id", () => {
      const output = parse([bytesOf("data: a\n\nid: 9\ndata: b\n\n")], "5");
      assert.deepEqual(output.events, [event("message", "a", "5"), event("message", "b", "9")]);
      assert.equal(output.lastEventId, "9");
    });
  });

  describe("retry", () => {
    conformanceCases("retry");
  });

  describe("comments", () => {
    conformanceCases("comments");

    it("works without a comment callback", () => {
      const events: ServerSentEvent[] = [];
      const parser = new EventStreamParser({ onEvent: (e) => events.push(e) });
      parser.feed(bytesOf(": ping\nretry: 5\ndata: x\n\n"));
      assert.deepEqual(events, [event("message", "x")]);
    });
  });

  describe("decoding", () => {
    conformanceCases("decoding");

    it("drops a character cut off by the end of the stream with the pending line", () => {
      const output = parse([bytesOf("data: a\n\ndata: "), Uint8Array.from([0xf0, 0x9f])]);
      assert.deepEqual(output.events, [event("message", "a")]);
    });
  });

  describe("end", () => {
    it("drops the unfinished event and starts a new stream from the committed id", () => {
      const events: ServerSentEvent[] = [];
      const parser = new EventStreamParser({ onEvent: (e) => events.push(e) });
      parser.feed(bytesOf("id: 1\ndata: a\n\nid: 2\nevent: x\ndata: lost\n"));
      assert.equal(parser.lastEventId, "1");
      parser.end();
      parser.feed(bytesOf("\ufeffdata: b\n\n"));
      assert.deepEqual(events, [event("message", "a", "1"), event("message", "b", "1")]);
    });

    it("forgets a CR that ended the previous stream", () => {
      const events: ServerSentEvent[] = [];
      const parser = new EventStreamParser({ onEvent: (e) => events.push(e) });
      parser.feed(bytesOf("data: a\r"));
      parser.end();
      parser.feed(bytesOf("\ndata: b\n\n"));
      assert.deepEqual(events, [event("message", "b")]);
    });
  });

  describe("large input", () => {
    it("handles many lines without colons and long lines", () => {
      const long = "x".repeat(100_000);
      const input = "data\n".repeat(20_000) + "\n" + `data: ${long}\n\n`;
      const output = parse([bytesOf(input)]);
      assert.equal(output.events.length, 2);
      assert.equal(output.events[0]?.data, "\n".repeat(19_999));
      assert.equal(output.events[1]?.data, long);
    });
  });

  describe("against a reference implementation", () => {
    it("agrees on random streams cut at random places", () => {
      const random = seededRandom(12345);
      const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)] as T;
      const names = ["data", "event", "id", "retry", "", "foo", "dat", "data "];
      const values = ["", " ", "a", " b", "  c", "1", "42", "x:y", "é", "😀", "\u0000", "日本"];
      const endings = ["\n", "\r", "\r\n"];
      for (let round = 0; round < 300; round++) {
        let text = random() < 0.2 ? "\ufeff" : "";
        const lines = Math.floor(random() * 30);
        for (let i = 0; i < lines; i++) {
          const r = random();
          if (r < 0.2) {
            text += pick(endings);
          } else if (r < 0.3) {
            text += ":" + pick(values) + pick(endings);
          } else if (r < 0.4) {
            text += pick(names) + pick(endings);
          } else {
            text += pick(names) + ":" + pick(values) + pick(endings);
          }
        }
        if (random() < 0.5) {
          text += pick(names) + ":" + pick(values);
        }
        const bytes = bytesOf(text);
        const chunks: Uint8Array[] = [];
        for (let start = 0; start < bytes.length; ) {
          const size = Math.floor(random() * 8);
          chunks.push(bytes.subarray(start, start + size));
          start += size;
        }
        assert.deepEqual(parse(chunks), referenceParse(text), JSON.stringify(text));
      }
    });
  });
});

function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** The standard's algorithm written out naively, one line at a time, for the random tests to compare with. */
function referenceParse(text: string): Output {
  const output: Output = { events: [], comments: [], retries: [], lastEventId: "" };
  let rest = text.startsWith("\ufeff") ? text.slice(1) : text;
  let data = "";
  let type = "";
  let idBuffer = "";
  for (;;) {
    const match = /\r\n|\r|\n/.exec(rest);
    if (match === null) {
      break;
    }
    const line = rest.slice(0, match.index);
    rest = rest.slice(match.index + match[0].length);
    if (line === "") {
      output.lastEventId = idBuffer;
      if (data === "") {
        type = "";
        continue;
      }
      output.events.push({ type: type === "" ? "message" : type, data: data.slice(0, -1), lastEventId: idBuffer });
      data = "";
      type = "";
    } else if (line.startsWith(":")) {
      output.comments.push(line.slice(line.startsWith(": ") ? 2 : 1));
    } else {
      const colon = line.indexOf(":");
      const name = colon === -1 ? line : line.slice(0, colon);
      let value = colon === -1 ? "" : line.slice(colon + 1);
      if (value.startsWith(" ")) {
        value = value.slice(1);
      }
      if (name === "data") {
        data += value + "\n";
      } else if (name === "event") {
        type = value;
      } else if (name === "id" && !value.includes("\u0000")) {
        idBuffer = value;
      } else if (name === "retry" && /^[0-9]+$/.test(value)) {
        output.retries.push(Number(value));
      }
    }
  }
  return output;
}

describe("EventStreamParser with maxEventSize", () => {
  function capped(max: number): { parser: EventStreamParser; events: string[]; oversized: number[] } {
    const events: string[] = [];
    const oversized: number[] = [];
    const parser = new EventStreamParser({
      onEvent: (event) => events.push(event.data),
      maxEventSize: max,
      onOversize: (limit) => oversized.push(limit),
    });
    return { parser, events, oversized };
  }

  it("reports a line that grows past the limit across chunks, once, and ignores the rest of the stream", () => {
    const { parser, events, oversized } = capped(10);
    parser.feedText("data: ok\n\ndata: 0123");
    parser.feedText("456789");
    parser.feedText("\n\ndata: later\n\n");
    assert.deepEqual(events, ["ok"]);
    assert.deepEqual(oversized, [10]);
  });

  it("reports an event whose data lines add up past the limit", () => {
    const { parser, events, oversized } = capped(10);
    parser.feedText("data: 123456\ndata: 7890\n\n");
    assert.deepEqual(events, []);
    assert.deepEqual(oversized, [10]);
  });

  it("starts afresh after end, for the next connection", () => {
    const { parser, events } = capped(10);
    parser.feedText("data: 0123456789abc");
    parser.end();
    parser.feedText("data: fine\n\n");
    assert.deepEqual(events, ["fine"]);
  });
});
