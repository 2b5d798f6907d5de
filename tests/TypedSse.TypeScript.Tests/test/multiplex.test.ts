import assert from "node:assert/strict";
import { after, before, describe, test, type TestContext } from "node:test";
import { BroadEventsClient } from "../generated/broad-events.js";
import { ClockEventsClient } from "../generated/clock-events.js";
import { EventStreamRefusedError, type ContractClientOptions } from "../generated/typedsse/index.js";
import { TestServer, waitFor } from "./server.js";
import { route, settle } from "./support.js";

// The generated clients with their default: one connection to the app's MapEventStreams("/events") for all of them.
describe("generated clients sharing the multiplexed endpoint on Kestrel", () => {
  let server: TestServer;

  before(async () => {
    server = await TestServer.start();
  });

  after(async () => {
    await server?.stop();
  });

  /** A client of `room` that records the counts it receives; closed when the test ends. */
  function connect(t: TestContext, room: string, options: ContractClientOptions = {}): BroadEventsClient & { readonly values: number[] } {
    const client = Object.assign(new BroadEventsClient(route(room), { baseUrl: server.url, ...options }), { values: [] as number[] });
    client.on("counted", (value) => client.values.push(value));
    t.after(() => client.close());
    return client;
  }

  async function streams(): Promise<string[]> {
    return (await server.get("streams", {})) as string[];
  }

  function range(from: number, to: number): number[] {
    return Array.from({ length: to - from + 1 }, (_, i) => from + i);
  }

  test("clients of every contract share one connection; each gets its own typed events and connection id", async (t) => {
    const first = connect(t, "mux one");
    const second = connect(t, "mux two");
    const clock = new ClockEventsClient({ baseUrl: server.url });
    t.after(() => clock.close());
    const ticks: number[] = [];
    clock.on("ticked", (now) => ticks.push(now));
    await waitFor("the three clients to open", () => [first, second, clock].every((client) => client.source.hello !== undefined));

    const open = await streams();
    assert.equal(open.length, 1, `one event-stream response for three clients: ${open.join(" ")}`);
    assert.match(open[0] ?? "", /^\/events\?s=/);
    const ids = [first, second, clock].map((client) => client.source.hello?.connectionId);
    assert.equal(new Set(ids).size, 3, "each subscription has a connection id of its own");

    await server.post("count", { room: "mux one", from: "1", to: "3" });
    await server.post("count", { room: "mux two", from: "1", to: "2" });
    await server.post("clock/tick", { now: "1700000000000" });
    await waitFor("every event", () => first.values.length === 3 && second.values.length === 2 && ticks.length === 1);
    assert.deepEqual(first.values, [1, 2, 3]);
    assert.deepEqual(second.values, [1, 2]);
    assert.deepEqual(ticks, [1700000000000]);
    assert.notEqual(first.lastEventId, "");
    assert.doesNotMatch(first.lastEventId, /,/, "a client's id is its own stream's, not the cursor");
  });

  test("after the server closes the shared response, every subscription resumes exactly", async (t) => {
    const first = connect(t, "resume one");
    const second = connect(t, "resume two");
    await waitFor("both clients to open", () => first.source.hello !== undefined && second.source.hello !== undefined);
    await server.post("count", { room: "resume one", from: "1", to: "5" });
    await server.post("count", { room: "resume two", from: "1", to: "5" });
    await waitFor("the first counts", () => first.values.length === 5 && second.values.length === 5);

    assert.equal(await server.post("drop", { room: "resume one" }), 1);
    await server.post("count", { room: "resume one", from: "6", to: "10" });
    await server.post("count", { room: "resume two", from: "6", to: "10" });
    await waitFor("every count", () => first.values.length >= 10 && second.values.length >= 10);
    await settle();
    assert.deepEqual(first.values, range(1, 10));
    assert.deepEqual(second.values, range(1, 10));
  });

  test("switching one client's room 20 times during a steady publish loses and duplicates nothing on the others", async (t) => {
    const steady = connect(t, "steady");
    let other = connect(t, "switch 0");
    await waitFor("the clients to open", () => steady.source.hello !== undefined && other.source.hello !== undefined);
    let published = 0;
    for (let round = 1; round <= 20; round++) {
      other.close();
      other = connect(t, `switch ${round}`);
      await server.post("count", { room: "steady", from: String(published + 1), to: String(published + 5) });
      published += 5;
    }
    await waitFor("every steady count", () => steady.values.length >= published);
    await settle();
    assert.deepEqual(steady.values, range(1, published));
    await waitFor("the last room's client to open", () => other.state === "open");
  });

  test("a refused subscription closes its client alone, with the status; the others stream on", async (t) => {
    const allowed = connect(t, "allowed");
    const forbidden = connect(t, "forbidden");
    const stopped = connect(t, "stop");
    await waitFor("the refusals", () => forbidden.state === "closed" && stopped.state === "closed");
    assert.equal(forbidden.closed?.reason, "refused");
    assert.equal(forbidden.closed?.status, 403);
    assert.ok(forbidden.closed?.error instanceof EventStreamRefusedError);
    assert.deepEqual(stopped.closed, { reason: "server" }, "204 stops a shared client as it stops a client of its own");

    await waitFor("the allowed client to open", () => allowed.source.hello !== undefined);
    await server.post("count", { room: "allowed", from: "1", to: "2" });
    await server.post("count", { room: "forbidden", from: "1", to: "2" });
    await waitFor("the allowed counts", () => allowed.values.length === 2);
    assert.deepEqual(forbidden.values, []);
  });

  test("where the multiplexed endpoint is not mapped, clients fall back to their own connections with one warning", async (t) => {
    const warnings: unknown[] = [];
    t.mock.method(console, "warn", (...args: unknown[]) => warnings.push(args));
    const options = { multiplexUrl: `${server.url}/not-mapped` };
    const first = connect(t, "fallback one", options);
    const second = connect(t, "fallback two", options);
    await waitFor("both clients to open", () => first.source.hello !== undefined && second.source.hello !== undefined);
    await server.post("count", { room: "fallback one", from: "1", to: "1" });
    await waitFor("the count", () => first.values.length === 1);
    const open = await streams();
    assert.ok(open.some((path) => path.startsWith("/tenants/") && path.includes("fallback%20one")), open.join(" "));
    assert.equal(warnings.length, 1);
  });
});
