// STAND-IN, TO BE REPLACED by the client `dotnet build` generates from Contracts/*.cs (issue 4). The types mirror
// the C# contracts by the generator's rules: camelCase names, DateTimeOffset as an ISO 8601 string, a method with
// several parameters as an object keyed by their names.
import { TypedEventStream } from "./stream.js";

/** A chat message. */
export interface ChatMessage {
  /** Unique, assigned by the server. */
  id: string;
  /** The room it was posted in. */
  room: string;
  /** The name of the user who posted it. */
  author: string;
  /** The text as typed. */
  text: string;
  /** When the server received it (ISO 8601). */
  sentAt: string;
}

/** A room as the lobby shows it. */
export interface RoomSummary {
  name: string;
  members: string[];
  messageCount: number;
  lastMessage: ChatMessage | null;
}

/** IRoomEvents: what happens in one room. */
export interface RoomEvents {
  messagePosted: ChatMessage;
  memberJoined: { name: string; at: string };
  memberLeft: { name: string; at: string };
  typing: string;
}

/** ILobbyEvents: the list of rooms. */
export interface LobbyEvents {
  roomUpdated: RoomSummary;
}

/** IInboxEvents: events for the signed-in user. */
export interface InboxEvents {
  mentioned: ChatMessage;
  waved: { from: string; room: string };
}

/** Connects to `/api/rooms/{room}/events`. */
export function connectRoomEvents(route: { room: string }, baseUrl = ""): TypedEventStream<RoomEvents> {
  return new TypedEventStream<RoomEvents>(`${baseUrl}/api/rooms/${encodeURIComponent(route.room)}/events`);
}

/** Connects to `/api/lobby/events`. */
export function connectLobbyEvents(baseUrl = ""): TypedEventStream<LobbyEvents> {
  return new TypedEventStream<LobbyEvents>(`${baseUrl}/api/lobby/events`);
}

/** Connects to `/api/me/events`. */
export function connectInboxEvents(baseUrl = ""): TypedEventStream<InboxEvents> {
  return new TypedEventStream<InboxEvents>(`${baseUrl}/api/me/events`);
}
