// Client parser throughput: the TypedSse TypeScript parser (dist/parser.js, see build-parser.mjs) against the
// eventsource-parser package, on the same bytes, in the same process, taking turns. Writes a markdown table to the
// file named by --out (default: stdout) and exits non-zero if the two parsers disagree on any input.
import { writeFileSync } from "node:fs";
import { createParser } from "eventsource-parser";
import { EventStreamParser } from "./dist/parser.js";

const args = process.argv.slice(2);
const out = args.includes("--out") ? args[args.indexOf("--out") + 1] : null;
const json = args.includes("--json") ? args[args.indexOf("--json") + 1] : null;
const secondsPerInput = Number(args.includes("--seconds") ? args[args.indexOf("--seconds") + 1] : "4");

const encoder = new TextEncoder();

function smallEvents(count) {
  let text = "retry: 3000\n\n";
  for (let seq = 1; seq <= count; seq++) {
    const tick = { seq, ts: 931466461 + seq * 17, symbol: "MSFT", price: 400 + (seq % 100) * 0.25 };
    text += `event: tick\nid: ${1795269600000000 + seq}\ndata: ${JSON.stringify(tick)}\n\n`;
    if (seq % 500 === 0) {
      text += ": ping\n\n";
    }
  }
  return encoder.encode(text);
}

function largeEvents(count, size) {
  const rows = [];
  for (let i = 0; rows.join(",").length < size; i++) {
    rows.push(JSON.stringify({ id: i, name: `row ${i} ünïcödé`, tags: ["a", "b", "c"], value: i * 1.5 }));
  }
  const data = `[${rows.join(",")}]`;
  let text = "";
  for (let i = 1; i <= count; i++) {
    text += `event: snapshot\nid: ${i}\ndata: ${data}\n\n`;
  }
  return encoder.encode(text);
}

function chunks(bytes, size) {
  const result = [];
  for (let i = 0; i < bytes.length; i += size) {
    result.push(bytes.subarray(i, Math.min(i + size, bytes.length)));
  }
  return result;
}

const smallBytes = smallEvents(20_000);
const inputs = [
  { name: "Small events (≈110 B), 16 KiB chunks", bytes: smallBytes, chunks: chunks(smallBytes, 16 * 1024) },
  { name: "Large events (≈64 KiB), 16 KiB chunks", bytes: largeEvents(40, 64 * 1024), chunkSize: 16 * 1024 },
  { name: "Small events, 7-byte chunks (many chunks)", bytes: smallBytes, chunks: chunks(smallBytes, 7) },
];
for (const input of inputs) {
  input.chunks ??= chunks(input.bytes, input.chunkSize);
}

// Each run parses the whole input from bytes, as a fetch-based client gets it, and returns [events, checksum].
const parsers = {
  "TypedSse parser": (input) => {
    let events = 0;
    let checksum = 0;
    const parser = new EventStreamParser({
      onEvent: (event) => {
        events++;
        checksum = (checksum + event.data.length + event.type.length + event.lastEventId.length) | 0;
      },
    });
    for (const chunk of input.chunks) {
      parser.feed(chunk);
    }
    parser.end();
    return [events, checksum];
  },
  "eventsource-parser 4.1.3": (input) => {
    let events = 0;
    let checksum = 0;
    const decoder = new TextDecoder();
    const parser = createParser({
      onEvent: (event) => {
        events++;
        checksum = (checksum + event.data.length + (event.event ?? "message").length + (event.id ?? "").length) | 0;
      },
    });
    for (const chunk of input.chunks) {
      parser.feed(decoder.decode(chunk, { stream: true }));
    }
    parser.feed(decoder.decode());
    return [events, checksum];
  },
};

// eventsource-parser leaves id undefined on events without one; ours reports the stream's last event id, which
// persists. The inputs give every event an id, so the two checksums must agree.
const rows = [];
const summary = [];
let disagreements = 0;
for (const input of inputs) {
  const results = {};
  for (const [name, parse] of Object.entries(parsers)) {
    results[name] = { result: parse(input), samples: [] };
    const warmupEnd = performance.now() + 300;
    while (performance.now() < warmupEnd) {
      parse(input);
    }
  }
  const [first, second] = Object.values(results).map((r) => r.result.join("/"));
  if (first !== second) {
    disagreements++;
    console.error(`${input.name}: the parsers disagree (events/checksum ${first} vs ${second}).`);
  }

  // Take turns, so drift on a shared machine affects both alike; report the median run.
  const end = performance.now() + secondsPerInput * 1000;
  while (performance.now() < end) {
    for (const [name, parse] of Object.entries(parsers)) {
      const start = performance.now();
      parse(input);
      results[name].samples.push(performance.now() - start);
    }
  }
  const ours = median(results["TypedSse parser"].samples);
  const theirs = median(results["eventsource-parser 4.1.3"].samples);
  summary.push({ input: input.name, typedSseMiBPerSecond: input.bytes.length / 1048576 / (ours / 1000), eventsourceParserMiBPerSecond: input.bytes.length / 1048576 / (theirs / 1000), ratio: theirs / ours, agree: first === second });
  for (const [name, r] of Object.entries(results)) {
    const ms = median(r.samples);
    rows.push(`| ${input.name} | ${name} | ${(input.bytes.length / 1048576 / (ms / 1000)).toFixed(0)} | ${(r.result[0] / (ms / 1000) / 1e6).toFixed(2)} | ${(ms / ours).toFixed(2)} |`);
  }
  console.error(`${input.name}: done (${results["TypedSse parser"].samples.length} runs each).`);
}

function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

const table = [
  `Node ${process.version}; each input is parsed from bytes (the TypedSse parser decodes inside \`feed\`; eventsource-parser gets the text of a streaming \`TextDecoder\`). Median of alternating runs.`,
  "",
  "| Input | Parser | MiB/s | Million events/s | TypedSse's speed relative to this (≥ 1 means TypedSse is at least as fast) |",
  "|---|---|---:|---:|---:|",
  ...rows,
  "",
].join("\n");
if (json) {
  writeFileSync(json, JSON.stringify(summary, null, 2));
}
if (out) {
  writeFileSync(out, table);
} else {
  process.stdout.write(table);
}
process.exit(disagreements === 0 ? 0 : 1);
