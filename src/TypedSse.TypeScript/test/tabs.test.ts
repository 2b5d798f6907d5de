import assert from "node:assert/strict";
import { describe, test, type TestContext } from "node:test";
import type { Clock, EventStreamError, ServerSentEvent, StreamClose, StreamHello, StreamReset } from "../runtime/index.js";
import { connectionSettings } from "../runtime/connection.js";
import { PageHubs } from "../runtime/sharing.js";
import type { TabChannel, TabEnvironment, TabLocks } from "../runtime/tabs.js";
import type { StreamSink, Transport } from "../runtime/transport.js";
import { FakeMuxServer } from "./mux-server.js";
import { FakeClock, settle, until } from "./support.js";

// The leader/follower protocol in Node, with an in-process stand-in for one origin's Web Locks and BroadcastChannel.
// tests/TypedSse.TypeScript.Tests/test/browser.test.ts runs the same against the real ones in Chromium.

/** One origin: the locks and channels its tabs share. */
class FakeOrigin {
  readonly channels = new Set<FakeChannel>();
  private readonly locks = new Map<string, { holder: FakeTab | undefined; release: (() => void) | undefined; queue: { tab: FakeTab; grant: () => void }[] }>();

  tab(name: string): FakeTab {
    return new FakeTab(this, name);
  }

  request(tab: FakeTab, name: string, signal: AbortSignal, callback: () => Promise<void>): Promise<unknown> {
    let lock = this.locks.get(name);
    if (lock === undefined) {
      lock = { holder: undefined, release: undefined, queue: [] };
      this.locks.set(name, lock);
    }
    const state = lock;
    return new Promise((resolve, reject) => {
      const grant = (): void => {
        state.holder = tab;
        let released = false;
        const release = (): void => {
          if (!released) {
            released = true;
            state.holder = undefined;
            state.release = undefined;
            resolve(undefined);
            this.next(state);
          }
        };
        state.release = release;
        callback().then(release, release);
      };
      signal.addEventListener("abort", () => {
        const index = state.queue.findIndex((entry) => entry.grant === grant);
        if (index >= 0) {
          state.queue.splice(index, 1);
          reject(new DOMException("aborted", "AbortError"));
        }
      });
      state.queue.push({ tab, grant });
      if (state.holder === undefined) {
        this.next(state);
      }
    });
  }

  /** A tab's process is gone: the browser releases what it held and forgets what it waited for. */
  crashed(tab: FakeTab): void {
    for (const state of this.locks.values()) {
      state.queue = state.queue.filter((entry) => entry.tab !== tab);
      if (state.holder === tab) {
        state.release?.();
      }
    }
  }

  private next(state: { holder: FakeTab | undefined; queue: { tab: FakeTab; grant: () => void }[] }): void {
    const entry = state.queue.shift();
    if (entry !== undefined) {
      state.holder = entry.tab;
      queueMicrotask(entry.grant);
    }
  }
}

class FakeChannel implements TabChannel {
  onmessage: ((event: MessageEvent) => void) | null = null;
  readonly name: string;
  readonly tab: FakeTab;
  private readonly origin: FakeOrigin;

  constructor(origin: FakeOrigin, tab: FakeTab, name: string) {
    this.origin = origin;
    this.tab = tab;
    this.name = name;
    origin.channels.add(this);
  }

  postMessage(message: unknown): void {
    if (this.tab.dead) {
      return;
    }
    for (const channel of this.origin.channels) {
      if (channel !== this && channel.name === this.name) {
        channel.tab.deliver(this.tab, () => channel.onmessage?.(new MessageEvent("message", { data: structuredClone(message) })));
      }
    }
  }

  close(): void {
    this.origin.channels.delete(this);
  }
}

/** One tab: its environment, its page's hubs, and a fetch that dies with it. */
class FakeTab implements TabEnvironment {
  readonly name: string;
  readonly hubs: PageHubs;
  readonly locks: TabLocks;
  dead = false;
  private readonly origin: FakeOrigin;
  private readonly leaveListeners: (() => void)[] = [];
  private readonly requests = new Set<AbortController>();
  /** Messages to this tab wait here while it is paused (busy), and are lost if their sender dies meanwhile. */
  private paused = false;
  private readonly inbox: { readonly from: FakeTab; readonly deliver: () => void }[] = [];

  constructor(origin: FakeOrigin, name: string) {
    this.origin = origin;
    this.name = name;
    this.locks = { request: (lockName, options, callback) => origin.request(this, lockName, options.signal, callback) };
    this.hubs = new PageHubs(() => this);
  }

  channel(name: string): TabChannel {
    return new FakeChannel(this.origin, this, name);
  }

  onLeave(listener: () => void): () => void {
    this.leaveListeners.push(listener);
    return () => this.leaveListeners.splice(this.leaveListeners.indexOf(listener) >>> 0, 1);
  }

  deliver(from: FakeTab, deliver: () => void): void {
    if (this.dead) {
      return;
    }
    if (this.paused) {
      this.inbox.push({ from, deliver });
    } else {
      // A message posted before its sender died is still delivered, as a browser does.
      setImmediate(() => {
        if (!this.dead) {
          deliver();
        }
      });
    }
  }

  pause(): void {
    this.paused = true;
  }

  resume(): void {
    this.paused = false;
    for (const message of this.inbox.splice(0)) {
      if (!message.from.dead) {
        message.deliver();
      }
    }
  }

  readonly fetch = (url: string, init: RequestInit): Promise<Response> => {
    if (this.dead) {
      return new Promise(() => undefined);
    }
    const controller = new AbortController();
    this.requests.add(controller);
    init.signal?.addEventListener("abort", () => controller.abort());
    return fetch(url, { ...init, signal: controller.signal });
  };

  /** The page goes away as a closed tab does: `pagehide`. */
  leave(): void {
    [...this.leaveListeners].forEach((listener) => listener());
  }

  /** The tab's process dies: no goodbye, its requests cut, its lock released by the browser. */
  crash(): void {
    this.dead = true;
    this.requests.forEach((request) => request.abort());
    this.origin.crashed(this);
  }
}

/** What one client of a tab received. */
class Recorder implements StreamSink {
  readonly posts: string[] = [];
  readonly states: string[] = [];
  readonly hellos: StreamHello[] = [];
  readonly closes: StreamClose[] = [];
  state(state: "connecting" | "open"): void {
    this.states.push(state);
  }
  event(event: ServerSentEvent): void {
    this.posts.push(`${JSON.parse(event.data) as string}@${event.lastEventId}`);
  }
  hello(hello: StreamHello): void {
    this.hellos.push(hello);
  }
  reset(_reset: StreamReset): void {}
  error(_error: EventStreamError): void {}
  closed(info: StreamClose): void {
    this.closes.push(info);
  }
  get texts(): string[] {
    return this.posts.map((post) => post.slice(0, post.indexOf("@")));
  }
}

const A = "/rooms/a/events";
const B = "/rooms/b/events";

async function setup(t: TestContext, clock?: Clock): Promise<{ mux: FakeMuxServer; origin: FakeOrigin; subscribe: (tab: FakeTab, path: string, lastEventId?: string) => { recorder: Recorder; transport: Transport } }> {
  const mux = await FakeMuxServer.start();
  const origin = new FakeOrigin();
  const transports: Transport[] = [];
  t.after(async () => {
    transports.forEach((transport) => transport.close());
    await mux.close();
  });
  return {
    mux,
    origin,
    subscribe: (tab, path, lastEventId = "") => {
      const recorder = new Recorder();
      const settings = connectionSettings({ fetch: tab.fetch, retryDelayMs: 10, maxRetryDelayMs: 20, ...(clock !== undefined ? { clock } : {}) });
      const transport = tab.hubs.subscribe(mux.server.url(path), { url: mux.server.url("/events"), path }, settings, recorder, lastEventId);
      transports.push(transport);
      return { recorder, transport };
    },
  };
}

function it(name: string, fn: (t: TestContext) => Promise<void>): void {
  test(name, { timeout: 30_000 }, fn);
}

describe("tabs sharing one connection", () => {
  it("one tab holds one connection for the union of the tabs' streams; each tab gets only its own", async (t) => {
    const { mux, origin, subscribe } = await setup(t);
    const first = origin.tab("first");
    const second = origin.tab("second");
    const firstA = subscribe(first, A).recorder;
    const secondA = subscribe(second, A).recorder;
    const secondB = subscribe(second, B).recorder;
    await until(() => mux.open.length === 1 && mux.open[0]?.paths.length === 2, "one connection for both streams");
    await until(() => secondB.states.includes("open") && secondA.states.includes("open"), "the second tab's clients to open");
    assert.deepEqual([...(mux.open[0]?.paths ?? [])].sort(), [A, B]);

    mux.publish(A, "a1");
    mux.publish(B, "b1");
    mux.publish(A, "a2");
    await until(() => firstA.posts.length === 2 && secondA.posts.length === 2 && secondB.posts.length === 1, "the posts in both tabs");
    assert.deepEqual(firstA.texts, ["a1", "a2"]);
    assert.deepEqual(secondA.texts, ["a1", "a2"]);
    assert.deepEqual(secondB.texts, ["b1"]);
    assert.deepEqual(secondA.posts, firstA.posts, "the same ids in every tab");
    assert.equal(secondB.hellos.at(-1)?.connectionId.startsWith("mux-"), true, "a follower gets its subscription's hello");
    assert.equal(mux.open.length, 1);
  });

  it("the leading tab's client opens at once on a stream the connection already carries for another tab", async (t) => {
    const { mux, origin, subscribe } = await setup(t);
    const leader = origin.tab("leader");
    const follower = origin.tab("follower");
    subscribe(leader, B);
    await until(() => mux.open.length === 1, "the leader's connection");
    const followerA = subscribe(follower, A).recorder;
    await until(() => mux.open[0]?.paths.length === 2 && followerA.states.includes("open"), "the follower's stream on the connection");

    const leaderA = subscribe(leader, A).recorder;
    await until(() => leaderA.states.includes("open") && leaderA.hellos.length === 1, "the leader's client on the carried stream");
    mux.publish(A, "a1");
    await until(() => leaderA.posts.length === 1 && followerA.posts.length === 1, "the post in both tabs");
    assert.deepEqual(leaderA.texts, ["a1"]);
    assert.deepEqual(followerA.texts, ["a1"]);
  });

  const joins = [
    { first: "leader", late: "leader", where: "the leading tab" },
    { first: "leader", late: "follower", where: "another tab" },
    { first: "follower", late: "follower", where: "another tab that already reads it" },
  ] as const;
  for (const { first: firstTab, late: lateTab, where } of joins) {
    it(`a client that joins a carried stream behind where it is, in ${where}, gets what it missed: nothing lost, nothing twice`, async (t) => {
      const { mux, origin, subscribe } = await setup(t);
      const tabs = { leader: origin.tab("leader"), follower: origin.tab("follower") };
      subscribe(tabs.leader, B);
      await until(() => mux.open.length === 1, "the leading tab's connection");
      const first = subscribe(tabs[firstTab], A).recorder;
      await until(() => first.states.includes("open"), "the first client");
      const a1 = mux.publish(A, "a1");
      mux.publish(A, "a2");
      mux.publish(A, "a3");
      await until(() => first.posts.length === 3, "the first posts");
      await settle(); // the follower's page has heard them too

      // A client whose snapshot was taken at a1: it needs a2 and a3, which the connection has passed.
      const late = subscribe(tabs[lateTab], A, a1).recorder;
      await until(() => late.texts.length === 2, "what the late client missed");
      mux.publish(A, "a4");
      await until(() => late.texts.length === 3 && first.texts.length === 4, "the next post in both");
      await settle();
      assert.deepEqual(late.texts, ["a2", "a3", "a4"]);
      assert.deepEqual(first.texts, ["a1", "a2", "a3", "a4"], "the first client gets nothing twice");
    });
  }

  it("a tab that joins a stream ahead of the request that just started for it does not move the request past the others", async (t) => {
    const { mux, origin, subscribe } = await setup(t);
    const leader = origin.tab("leader");
    const follower = origin.tab("follower");
    subscribe(leader, B);
    subscribe(follower, B);
    await until(() => mux.open.length === 1 && mux.open[0]?.paths.length === 1, "the shared connection");
    const a1 = mux.publish(A, "a1");
    const a2 = mux.publish(A, "a2");
    await settle();

    // The leading tab's request for A starts from a1; before its hello, the other tab reports a2.
    const leaderA = subscribe(leader, A, a1).recorder;
    const followerA = subscribe(follower, A, a2).recorder;
    await until(() => leaderA.texts.length === 1 && followerA.states.includes("open"), "a2 in the leading tab");
    mux.publish(A, "a3");
    await until(() => leaderA.texts.length === 2 && followerA.texts.length === 1, "a3 in both tabs");
    await settle();
    assert.deepEqual(leaderA.texts, ["a2", "a3"]);
    assert.deepEqual(followerA.texts, ["a3"]);
  });

  it("a stream the connection stopped carrying is not taken for carried: a tab that rejoins it behind waits for what it missed", async (t) => {
    const { mux, origin, subscribe } = await setup(t);
    const leader = origin.tab("leader");
    const follower = origin.tab("follower");
    subscribe(leader, B);
    subscribe(follower, B);
    const before = subscribe(leader, A);
    await until(() => mux.open[0]?.paths.length === 2 && before.recorder.states.includes("open"), "A on the connection");
    const a1 = mux.publish(A, "a1");
    await until(() => before.recorder.posts.length === 1, "a1");
    before.transport.close();
    await until(() => mux.open.length === 1 && mux.open[0]?.paths.length === 1, "the connection without A");
    await settle();
    mux.publish(A, "a2");
    const a3 = mux.publish(A, "a3");

    // The leading tab rejoins A from a3; the other tab from a1, but the leader hears of it only later.
    const leaderA = subscribe(leader, A, a3).recorder;
    await until(() => mux.open.length === 1 && mux.open[0]?.paths.length === 2 && leaderA.hellos.length > 0, "A on the connection again");
    await settle();
    leader.pause();
    const followerA = subscribe(follower, A, a1).recorder;
    await settle();
    mux.publish(A, "a4");
    await until(() => leaderA.posts.length === 1, "a4 in the leading tab");
    await settle();
    leader.resume();
    await until(() => followerA.texts.length >= 3, "what the other tab missed");
    await settle();
    assert.deepEqual(followerA.texts, ["a2", "a3", "a4"]);
    assert.deepEqual(leaderA.texts, ["a4"]);
  });

  it("tabs that switch between streams at once, each joining at a snapshot's position during a steady publish, each get exactly what came after it", async (t) => {
    const { mux, origin, subscribe } = await setup(t);
    const tabs = ["leader", "second", "third", "fourth"].map((name) => origin.tab(name));
    const paths = ["/rooms/w/events", "/rooms/x/events", "/rooms/y/events", "/rooms/z/events"];
    paths.forEach((path) => mux.publish(path, `before ${path}`)); // every snapshot has a position
    let publishing = true;
    let published = 0;
    void (async () => {
      while (publishing) {
        mux.publish(paths[published % paths.length]!, `p${++published}`);
        await new Promise<void>((resolve) => setImmediate(resolve));
      }
    })();
    // A fixed schedule of switches (no randomness, so that a failure repeats): every tab, in each round, leaves its
    // stream for another that other tabs join or leave in the same round.
    const current: ({ path: string; from: string; recorder: Recorder; transport: Transport } | undefined)[] = tabs.map(() => undefined);
    const finished: { path: string; from: string; recorder: Recorder }[] = [];
    for (let round = 0; round < 12; round++) {
      // As a page does: leave, take a snapshot, and join from its position once the snapshot is in (later, while
      // events go on).
      await Promise.all(tabs.map(async (tab, i) => {
        current[i]?.transport.close();
        const path = paths[(i * (round + 1) + round) % paths.length]!;
        const from = mux.newest(path);
        await settle(((i + round) % 4) * 3);
        current[i] = { path, from, ...subscribe(tab, path, from) };
      }));
      await until(() => current.every((client) => client?.recorder.states.includes("open") === true), `round ${round}'s clients to open`);
      await until(() => current.every((client) => (client?.recorder.posts.length ?? 0) >= 2), `round ${round}'s clients to receive`);
      finished.push(...current.map((client) => client!));
    }
    publishing = false;
    await settle(20);
    for (const { path, from, recorder } of finished) {
      const expected = mux.after(path, from);
      assert.deepEqual(recorder.texts, expected.slice(0, recorder.texts.length), `a client of ${path} from ${from}: in order, nothing lost or twice`);
    }
    for (const client of current) {
      await until(() => client!.recorder.texts.length === mux.after(client!.path, client!.from).length, `every post of ${client!.path} in the last round`);
    }
  });

  it("when the leading tab crashes, another takes over from every tab's position: nothing lost, nothing twice", async (t) => {
    const { mux, origin, subscribe } = await setup(t);
    const leader = origin.tab("leader");
    const ahead = origin.tab("ahead");
    const behind = origin.tab("behind");
    const recorders = [subscribe(leader, A), subscribe(ahead, A), subscribe(ahead, B), subscribe(behind, A), subscribe(behind, B)].map((s) => s.recorder);
    const [, aheadA, aheadB, behindA, behindB] = recorders;
    await until(() => mux.open.length === 1 && mux.open[0]?.paths.length === 2 && recorders.every((r) => r.states.includes("open")), "the shared connection");

    const published = { [A]: [] as string[], [B]: [] as string[] };
    const publish = (path: typeof A | typeof B, count: number): void => {
      for (let i = 0; i < count; i++) {
        const text = `${path === A ? "a" : "b"}${published[path].length + 1}`;
        published[path].push(text);
        mux.publish(path, text);
      }
    };
    publish(A, 3);
    publish(B, 3);
    await until(() => behindA?.posts.length === 3 && behindB?.posts.length === 3, "the first posts everywhere");

    // The tab behind is busy: what the leader relays to it waits, and dies with the leader.
    behind.pause();
    publish(A, 2);
    publish(B, 2);
    await until(() => aheadA?.posts.length === 5 && aheadB?.posts.length === 5, "the next posts in the tab ahead");
    leader.crash();
    publish(A, 2); // while no tab holds a connection: only the server's history has them
    behind.resume();
    await until(() => mux.open.length === 1 && mux.open[0]?.response.writableEnded === false, "the new leader's connection");
    publish(A, 2);
    publish(B, 1);

    for (const [recorder, path] of [[aheadA, A], [aheadB, B], [behindA, A], [behindB, B]] as const) {
      await until(() => recorder?.texts.length === published[path].length, `every post of ${path} in each tab`).catch((error: unknown) => {
        console.log(JSON.stringify({ published, recorders: recorders.map((r) => r.posts), streams: mux.streams.map((s) => [s.paths, s.sent]) }));
        throw error;
      });
    }
    await settle();
    assert.deepEqual(aheadA?.texts, published[A]);
    assert.deepEqual(behindA?.texts, published[A]);
    assert.deepEqual(aheadB?.texts, published[B]);
    assert.deepEqual(behindB?.texts, published[B]);
    assert.equal(new Set(behindA?.posts).size, behindA?.posts.length, "no id twice");
  });

  it("a tab that closes hands the connection over; a tab's last closed client lets go of its streams", async (t) => {
    const { mux, origin, subscribe } = await setup(t);
    const first = origin.tab("first");
    const second = origin.tab("second");
    const firstB = subscribe(first, B);
    const secondA = subscribe(second, A).recorder;
    await until(() => mux.open.length === 1 && mux.open[0]?.paths.length === 2 && secondA.states.includes("open"), "the shared connection");
    const a1 = mux.publish(A, "a1");
    await until(() => secondA.posts.length === 1, "the first post");

    first.leave();
    firstB.transport.close();
    await until(() => mux.open.length === 1 && mux.open[0]?.paths.length === 1, "the second tab's own connection");
    assert.deepEqual(mux.open[0]?.paths, [A]);
    assert.equal(mux.open[0]?.sent[0], a1, "the new leader resumes from where the tabs are");
    mux.publish(A, "a2");
    await until(() => secondA.posts.length === 2, "the post after the handover");
    assert.deepEqual(secondA.texts, ["a1", "a2"]);
  });

  it("the leading tab forgets a tab that crashed once it misses a roll call, and drops its streams", async (t) => {
    const clock = new FakeClock();
    const { mux, origin, subscribe } = await setup(t, clock);
    const leader = origin.tab("leader");
    const follower = origin.tab("follower");
    subscribe(leader, A);
    subscribe(follower, B);
    await until(() => mux.open.length === 1 && mux.open[0]?.paths.length === 2, "the shared connection");

    follower.crash();
    clock.advance(10_000); // the roll call the follower can no longer answer
    await settle();
    assert.equal(mux.open[0]?.paths.length, 2, "a tab is only forgotten after a whole silent round");
    clock.advance(10_000);
    await until(() => mux.open.length === 1 && mux.open[0]?.paths.length === 1, "the connection without the crashed tab's stream");
    assert.deepEqual(mux.open[0]?.paths, [A]);
  });
});
