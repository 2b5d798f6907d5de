import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { EventStreamClient, fetchSnapshot, SnapshotStream } from "../runtime/index.js";
import { hello, openStream, TestServer, until } from "./support.js";

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
});
