import assert from "node:assert/strict";
import { test } from "node:test";
import { BroadEventsClient, Mood, type BroadEventsEvent, type Message } from "../generated/broad-events.js";
import { ClockEventsClient } from "../generated/clock-events.js";

// These functions never run: tsc checks them when it compiles the tests, so a generated type that is too loose
// (an unused @ts-expect-error) or too strict (an error) fails the build of the tests.
function misuse(client: BroadEventsClient): void {
  // @ts-expect-error an event the contract does not declare
  client.on("nope", () => undefined);
  // @ts-expect-error a handler whose argument has the wrong type
  client.on("counted", (value: string) => value);
  // @ts-expect-error a handler with more arguments than the event has
  client.on("counted", (value: number, extra: string) => [value, extra]);
  client.on("userJoined", (user: string, at: string, mood: Mood) => [user, at, mood]);
  client.on("pinged", () => undefined);
  client.off("pinged", () => undefined);

  // @ts-expect-error a typed route value of the wrong type
  new BroadEventsClient({ tenant: "t", room: "r", page: "1", big: 2, flag: true });
  // @ts-expect-error a required route value is missing
  new BroadEventsClient({ tenant: "t", room: "r", page: 1, big: 2 });
  // @ts-expect-error an optional route value is left out, not undefined (exactOptionalPropertyTypes)
  new BroadEventsClient({ tenant: "t", room: "r", page: 1, big: 2, flag: true, view: undefined });
  new BroadEventsClient({ tenant: "t", room: "r", page: 1, big: 2, flag: true, view: "list" }, { headers: () => ({}) });
  // @ts-expect-error a contract without route values takes only options
  new ClockEventsClient({ room: "r" });

  const message: Message = {
    author_name: "a",
    text: "t",
    priority: 1,
    priorityName: "High",
    mood: "Calm",
    noMood: null,
    permissions: 0,
    attachment: null,
    room: "r",
  };
  // @ts-expect-error a numeric enum is one of its values
  message.priority = 2;
  // @ts-expect-error a string enum is one of its names
  message.mood = "Excited";
  // @ts-expect-error a property left out when null is never null (WhenWritingNull)
  message.editedBy = null;
}

function narrow(event: BroadEventsEvent): string {
  switch (event.type) {
    case "userJoined":
      return event.mood === Mood.Excited ? event.user : event.at;
    case "deleted":
      return event.id_;
    case "typedsse:reset":
      return event.reset.reason;
    default:
      return event.id;
  }
}

test("the generated types accept what the contract allows and reject the rest (checked by tsc)", () => {
  assert.equal(typeof misuse, "function");
  assert.equal(typeof narrow, "function");
});
