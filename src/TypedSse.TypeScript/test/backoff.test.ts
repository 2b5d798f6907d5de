import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { retryDelay } from "../runtime/index.js";

describe("retryDelay", () => {
  const low = (): number => 0;
  const high = (): number => 0.999_999;

  it("waits exactly the base delay after the first failure, without jitter", () => {
    assert.equal(retryDelay(1, { baseMs: 3000, maxMs: 30_000, random: high }), 3000);
    assert.equal(retryDelay(1, { baseMs: 3000, maxMs: 30_000, random: low }), 3000);
    assert.equal(retryDelay(0, { baseMs: 3000, maxMs: 30_000, random: low }), 3000);
  });

  it("doubles with each consecutive failure, jittered between half and all of it", () => {
    const options = { baseMs: 1000, maxMs: 1_000_000 };
    assert.deepEqual(
      [2, 3, 4, 5].map((failures) => retryDelay(failures, { ...options, random: high })),
      [2000, 4000, 8000, 16_000],
    );
    assert.deepEqual(
      [2, 3, 4, 5].map((failures) => retryDelay(failures, { ...options, random: low })),
      [1000, 2000, 4000, 8000],
    );
    assert.equal(retryDelay(3, { ...options, random: () => 0.5 }), 3000);
  });

  it("is capped at the maximum", () => {
    const options = { baseMs: 1000, maxMs: 5000 };
    assert.deepEqual(
      [3, 4, 5, 10, 100, 2000].map((failures) => retryDelay(failures, { ...options, random: high })),
      [4000, 5000, 5000, 5000, 5000, 5000],
    );
    assert.equal(retryDelay(2000, { ...options, random: low }), 2500);
  });

  it("never goes below the base, nor caps the server's own retry", () => {
    assert.equal(retryDelay(5, { baseMs: 4000, maxMs: 5000, random: low }), 4000);
    assert.equal(retryDelay(1, { baseMs: 60_000, maxMs: 5000, random: low }), 60_000);
    assert.equal(retryDelay(3, { baseMs: 60_000, maxMs: 5000, random: high }), 60_000);
  });

  it("grows from at least 100 ms, so retry: 0 does not busy-loop", () => {
    assert.equal(retryDelay(1, { baseMs: 0, maxMs: 30_000, random: high }), 0);
    assert.equal(retryDelay(2, { baseMs: 0, maxMs: 30_000, random: high }), 200);
    assert.equal(retryDelay(3, { baseMs: 10, maxMs: 30_000, random: high }), 400);
  });

  it("stays within what setTimeout accepts", () => {
    assert.equal(retryDelay(1, { baseMs: 1e20, maxMs: 30_000 }), 2_147_483_647);
    const delay = retryDelay(50, { baseMs: 1000, maxMs: Infinity, random: high });
    assert.ok(delay > 2_147_483_647 / 2 && delay <= 2_147_483_647, String(delay));
  });

  it("uses Math.random when no random is given", () => {
    for (let i = 0; i < 100; i++) {
      const delay = retryDelay(3, { baseMs: 1000, maxMs: 30_000 });
      assert.ok(delay >= 2000 && delay <= 4000, String(delay));
    }
  });
});
