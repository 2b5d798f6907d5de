import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { EventStreamPayloadError, parseEventData } from "../runtime/index.js";

describe("parseEventData", () => {
  it("gives undefined for empty data, an event without arguments", () => {
    assert.equal(parseEventData({ type: "cleared", data: "", lastEventId: "" }), undefined);
  });

  it("parses JSON values", () => {
    assert.deepEqual(parseEventData({ type: "m", data: '{"user":"ada","text":"hi"}', lastEventId: "1" }), {
      user: "ada",
      text: "hi",
    });
    assert.equal(parseEventData({ type: "m", data: "42", lastEventId: "" }), 42);
    assert.equal(parseEventData({ type: "m", data: "null", lastEventId: "" }), null);
    assert.deepEqual(parseEventData({ type: "m", data: '{\n  "a": [1,\n 2]\n}', lastEventId: "" }), { a: [1, 2] });
  });

  it("throws a payload error naming the event for invalid JSON", () => {
    assert.throws(
      () => parseEventData({ type: "messagePosted", data: "{oops", lastEventId: "" }),
      (error: unknown) =>
        error instanceof EventStreamPayloadError &&
        error.eventType === "messagePosted" &&
        error.data === "{oops" &&
        error.cause instanceof SyntaxError,
    );
  });
});
