import assert from "node:assert/strict";
import { test } from "node:test";
import { BroadEventsClient, Mood, type BroadEventsEvent, type Message } from "../generated/broad-events.js";
import { ClockEventsClient } from "../generated/clock-events.js";
import type { IgnoreConditions, IntBox, NumbersAsStrings, Pet, RenamedOverride, StringNumbers } from "../generated/json-shape-events.js";

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

// What System.Text.Json never writes for the shapes of JsonShapes.cs (json-shapes.test.ts checks what it does write).
function jsonShapes(): unknown[] {
  // @ts-expect-error WhenReading: always written, so never missing
  const missingNote: IgnoreConditions = {};
  // @ts-expect-error WhenWriting: never written
  const written: IgnoreConditions = { note: null, writeOnly: "x" };
  // @ts-expect-error WriteAsString: a number is written as a string
  const number: NumbersAsStrings = { count: 5, maybe: null, totals: [], rates: {}, ratio: 0, readLeniently: 1 };
  // @ts-expect-error AllowReadingFromString only reads: written as a number
  const readAsString: NumbersAsStrings = { count: "5", maybe: null, totals: [], rates: {}, ratio: 0, readLeniently: "1" };
  // @ts-expect-error WriteAsString on the type: its numbers are strings
  const typeLevel: StringNumbers = { count: 5, price: "1", plain: 3, nested: { width: 1, height: 2 } };
  // @ts-expect-error a renamed override is written under both names
  const oneName: RenamedOverride = { title: "t" };
  // @ts-expect-error a case with a discriminator must have its own members
  const catWithoutPurrs: Pet = { $type: "cat", name: "tom" };
  // @ts-expect-error a case without a discriminator is never written with one
  const birdWithType: Pet = { $type: "bird", name: "b", sings: true };
  // @ts-expect-error the int behind Box<int>'s T? is never null
  const nullBox: IntBox = { value: null, extra: 1 };
  return [missingNote, written, number, readAsString, typeLevel, oneName, catWithoutPurrs, birdWithType, nullBox];
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
  assert.equal(typeof jsonShapes, "function");
});
