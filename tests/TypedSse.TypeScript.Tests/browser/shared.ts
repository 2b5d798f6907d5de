// The cross-tab tests' page: a generated client per room named in the query, all on the browser-wide connection.
import { BroadEventsClient } from "../generated/broad-events.js";

interface RoomState {
  readonly values: number[];
  readonly ids: string[];
  readonly states: string[];
  hello: string | undefined;
}

declare global {
  interface Window {
    shared: {
      readonly rooms: Record<string, RoomState>;
      open(room: string): void;
      close(room: string): void;
    };
  }
}

const clients = new Map<string, BroadEventsClient>();
const rooms: Record<string, RoomState> = {};

function open(room: string): void {
  const state: RoomState = { values: [], ids: [], states: [], hello: undefined };
  rooms[room] = state;
  const client = new BroadEventsClient({ tenant: "0f8fad5b-d9cb-469f-a165-70867728950e", room, page: 7, big: 9007199254740991, flag: true });
  client.on("counted", (value) => {
    state.values.push(value);
    state.ids.push(client.lastEventId);
  });
  client.source.on("statechange", (value) => state.states.push(value));
  client.source.on("hello", (hello) => {
    state.hello = hello.connectionId;
  });
  clients.set(room, client);
}

window.shared = {
  rooms,
  open,
  close: (room) => {
    clients.get(room)?.close();
    clients.delete(room);
  },
};
for (const room of (new URLSearchParams(location.search).get("rooms") ?? "").split(",").filter((name) => name !== "")) {
  open(room);
}
