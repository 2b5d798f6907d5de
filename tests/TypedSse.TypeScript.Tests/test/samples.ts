// The values Samples.cs publishes, typed by the generated client: tsc checks that each has exactly the keys and the
// kinds of the generated interfaces, and the tests check that the JSON the server sent equals them. Together: the
// generated types describe the JSON System.Text.Json writes.
import type {
  Animal,
  BroadEventsEvent,
  BroadEventsEventArgs,
  Collections,
  Message,
  Primitives,
  Shape,
} from "../generated/broad-events.js";
import { Mood, Priority } from "../generated/broad-events.js";

const primitives: Primitives = {
  byte: 255,
  sByte: -128,
  int16: -32768,
  uInt16: 65535,
  int32: -2147483648,
  uInt32: 4294967295,
  int64: 9007199254740991,
  uInt64: 42,
  int128: 43,
  half: 1.5,
  single: 0.25,
  double: 0.1,
  decimal: 12.5,
  boolean: true,
  string: 'quote " backslash \\ line\nbreak é 😀',
  char: "x",
  dateTime: "2024-01-02T03:04:05Z",
  dateTimeOffset: "2024-01-02T03:04:05+02:00",
  dateOnly: "2024-01-02",
  timeOnly: "03:04:05",
  timeSpan: "1.02:03:04",
  guid: "0f8fad5b-d9cb-469f-a165-70867728950e",
  uri: "https://example.com/a?b=c",
  version: "1.2.3",
  bytes: "AQID",
  missingNumber: null,
  presentNumber: 7,
  missingText: null,
};

// No secret ([JsonIgnore]), no deletedBy (null, WhenWritingNull), no reactions (0, WhenWritingDefault).
const message: Message = {
  author_name: "ada",
  text: "hello",
  priority: Priority.High,
  priorityName: "Low",
  mood: Mood.Excited,
  noMood: null,
  permissions: 3,
  attachment: { url: "https://example.com/f.png", size: 1024 },
  editedBy: "grace",
  room: "lobby",
};

const shape: Shape = { kind: 2, color: "red", side: 2 };

const animals: Animal[] = [{ name: "generic" }, { $type: "dog", name: "rex", goodBoy: true }];

const collections: Collections = {
  array: [1, 2],
  list: ["a"],
  set: ["7c9e6679-7425-40de-944b-e07fc1f90ae7"],
  sequence: [0.5],
  nullables: [1, null],
  byName: { one: 1 },
  byNumber: { "1": "one", "2": null },
  byPriority: { High: true },
  jagged: [["a", "b"], []],
  missing: null,
  extra: { deep: true },
};

/** Each sample event's handler arguments, in the order the server publishes them. */
export const sampleArgs: { [K in keyof BroadEventsEventArgs]?: BroadEventsEventArgs[K] } = {
  pinged: [],
  primitivesSent: [primitives],
  messagePosted: [message],
  userJoined: ["grace", "2024-05-06T07:08:09+00:00", "Calm"],
  shapesDrawn: [shape, animals],
  pageLoaded: [
    { items: [{ id: 1, title: "one" }, { id: 2, title: "two" }], total: 2, next: null },
    { items: ["a", null], total: 2, next: "next" },
  ],
  treeChanged: [{ name: "root", children: [{ name: "leaf", children: [] }] }],
  collectionsChanged: [collections],
  geometryChanged: [{ x: 1, y: -1 }, { width: 640, height: 480 }, { value: "inside" }],
  noteChanged: [null],
  deleted: ["9b2c5f7e-1d3a-4c6b-8e9f-0a1b2c3d4e5f"],
  "raw-logged": [{ level: "info", count: 3 }, [1, 2], "QUIET"],
};

/** The sample events as the iterator yields them, without their ids. */
export const sampleEvents: DistributiveOmit<BroadEventsEvent, "id">[] = [
  { type: "pinged" },
  { type: "primitivesSent", primitives },
  { type: "messagePosted", message },
  { type: "userJoined", user: "grace", at: "2024-05-06T07:08:09+00:00", mood: "Calm" },
  { type: "shapesDrawn", shape, animals },
  {
    type: "pageLoaded",
    cards: { items: [{ id: 1, title: "one" }, { id: 2, title: "two" }], total: 2, next: null },
    names: { items: ["a", null], total: 2, next: "next" },
  },
  { type: "treeChanged", root: { name: "root", children: [{ name: "leaf", children: [] }] } },
  { type: "collectionsChanged", collections },
  { type: "geometryChanged", point: { x: 1, y: -1 }, size: { width: 640, height: 480 }, inner: { value: "inside" } },
  { type: "noteChanged", note: null },
  { type: "deleted", id_: "9b2c5f7e-1d3a-4c6b-8e9f-0a1b2c3d4e5f" },
  { type: "raw-logged", entry: { level: "info", count: 3 }, raw: [1, 2], shouted: "QUIET" },
];

export type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;
