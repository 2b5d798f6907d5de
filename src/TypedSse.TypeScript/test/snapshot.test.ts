import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { EventStreamClient, fetchSnapshot, SnapshotStream } from "../runtime/index.js";
import type { ServerResponse } from "node:http";
import { FakeClock, hello, openStream, settle, TestServer, until } from "./support.js";

describe("SnapshotStream", () => {
  test("applies the snapshot, reads the stream from its position, and starts over from a new snapshot on a reset", async () => {
    const positions = ["10", "20"];
    let snapshots = 0;
    const server = await TestServer.start((request, response) => {
      if (request.url === "/snapshot") {
        const n = snapshots++;
        response.writeHead(200, { "Content-Type": "application/json" });
        response.end(JSON.stringify({ lastEventId: positions[n], state: `state ${n + 1}` }));
        return;
      }
      openStream(response);
      response.write(hello("c"));
      if (request.headers["last-event-id"] === "10") {
        response.write("event: posted\nid: 11\ndata: 1\n\n");
        response.write('event: typedsse:reset\nid: 15\ndata: {"reason":"unknown-id","lastEventId":"11","latestEventId":"15"}\n\n');
      } else {
        response.write("event: posted\nid: 21\ndata: 2\n\n");
      }
    });
    const seen: string[] = [];
    const snapshot = new SnapshotStream({
      load: (signal) => fetchSnapshot<string>(server.url("/snapshot"), { signal }),
      apply: (state) => seen.push(state),
      connect: (lastEventId) => {
        const client = new EventStreamClient({ url: server.url("/stream"), lastEventId });
        client.onEvent("posted", (event) => seen.push(`event ${event.lastEventId}`));
        return client;
      },
    });
    try {
      await until(() => seen.length >= 4, "two snapshots and their events");
      assert.deepEqual(seen, ["state 1", "event 11", "state 2", "event 21"]);
      const streams = server.requests.filter((request) => request.url === "/stream");
      assert.deepEqual(streams.map((request) => request.headers["last-event-id"]), ["10", "20"]);
      await until(() => streams[0]!.closed, "the first stream to be closed");
      assert.equal(snapshot.current?.lastEventId, "21");
    } finally {
      snapshot.close();
      await server.close();
    }
    assert.equal(snapshot.current, undefined);
  });

  test("a failed snapshot is reported and loaded again; a snapshot without a position names the fix", async () => {
    const errors: unknown[] = [];
    let loads = 0;
    const snapshot = new SnapshotStream({
      load: async () => {
        loads++;
        return (loads === 1 ? { state: 1 } : Promise.reject(new Error("down"))) as never;
      },
      apply: () => assert.fail("no snapshot should apply"),
      connect: () => assert.fail("no stream should open"),
      onError: (error) => errors.push(error),
      retryDelayMs: 1,
    });
    try {
      await until(() => errors.length >= 2, "two failures");
      assert.match(String(errors[0]), /no string "lastEventId".*EventStream\.SnapshotAsync/);
      assert.match(String(errors[1]), /down/);
    } finally {
      snapshot.close();
    }
    const after = loads;
    await new Promise((resolve) => setTimeout(resolve, 20));
    assert.equal(loads, after, "a closed SnapshotStream loads nothing more");
  });

  test("resets back off like reconnects: the first reloads at once, further ones wait longer, an event or a quiet period starts over", async () => {
    // The stream answers each request as `answer` says: a reset at once, an event, or nothing but its hello.
    let answer: "reset" | "event" | "quiet" = "reset";
    const streams: ServerResponse[] = [];
    const reset = 'event: typedsse:reset\ndata: {"reason":"unknown-id","lastEventId":"1","latestEventId":"9"}\n\n';
    const server = await TestServer.start((_request, response) => {
      openStream(response);
      response.write(hello("c"));
      streams.push(response);
      response.write(answer === "reset" ? reset : answer === "event" ? "event: posted\nid: 2\ndata: 1\n\n" : "");
    });
    const clock = new FakeClock();
    let loads = 0;
    const snapshot = new SnapshotStream({
      load: async () => {
        loads++;
        return { lastEventId: "1", state: loads };
      },
      apply: () => undefined,
      connect: (lastEventId) => new EventStreamClient({ url: server.url("/stream"), lastEventId, clock }),
      retryDelayMs: 1000,
      maxRetryDelayMs: 5000,
      random: () => 0.5,
      clock,
    });
    const waitsFor = async (ms: number, load: number): Promise<void> => {
      await settle(20);
      assert.equal(loads, load - 1, `snapshot ${load} is not loaded before ${ms} ms`);
      clock.advance(ms - 1);
      await settle(20);
      assert.equal(loads, load - 1, `snapshot ${load} is not loaded before ${ms} ms`);
      clock.advance(1);
      await until(() => loads === load, `snapshot ${load} after ${ms} ms`);
    };
    try {
      // The first reset reloads at once; the second waits the base delay, the third twice that (with the jitter at
      // its middle, three quarters of each), up to the cap.
      await until(() => loads === 2, "the reload after the first reset");
      await until(() => streams.length === 2, "the second stream");
      await waitsFor(1500, 3);
      await until(() => streams.length === 3, "the third stream");
      await waitsFor(3000, 4);
      await until(() => streams.length === 4, "the fourth stream");
      answer = "quiet";
      await waitsFor(3750, 5);

      // A stream that stays quiet for the base delay is healthy: its reset, later, reloads at once.
      await until(() => streams.length === 5, "the fifth stream");
      await settle(20);
      clock.advance(1000);
      answer = "event";
      streams[4]!.write(reset);
      await until(() => loads === 6, "the reload at once after a quiet period");

      // So is a stream that delivered an event.
      await until(() => streams.length === 6 && snapshot.current?.lastEventId === "2", "the sixth stream's event");
      streams[5]!.write(reset);
      await until(() => loads === 7, "the reload at once after an event");
    } finally {
      snapshot.close();
      await server.close();
    }
    assert.equal(clock.pending, 0, "a closed SnapshotStream leaves no timer behind");
  });
});
