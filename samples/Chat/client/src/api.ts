// The page's calls to the sample's HTTP API (ChatApi.cs). Actions go over plain HTTP; their results come back to
// every tab as events.
import type { RoomSummary } from "./generated/lobby-events.js";
import type { ChatMessage } from "./generated/room-events.js";
import { fetchSnapshot } from "./generated/typedsse/index.js";

/** Who is in a room and its recent messages: the state its events follow (ChatApi.cs, RoomState). */
export interface RoomState {
  members: string[];
  messages: ChatMessage[];
}

/** How long an action may take before the page gives up on it and says so: a hung request must not hang the page. */
const ACTION_TIMEOUT_MS = 10_000;

/** An API call that failed, with what went wrong in words the page can show. */
export class ApiError extends Error {
  constructor(
    message: string,
    /** The HTTP status, when the server answered. */
    readonly status?: number,
  ) {
    super(message);
    this.name = "ApiError";
  }
}

async function send<T>(method: string, path: string, body?: unknown): Promise<T> {
  // A timer rather than AbortSignal.timeout: the page's clock (and a test's) governs it.
  const timeout = new AbortController();
  const timer = setTimeout(() => timeout.abort(), ACTION_TIMEOUT_MS);
  let response: Response;
  try {
    response = await fetch(path, {
      method,
      credentials: "same-origin",
      headers: body === undefined ? {} : { "Content-Type": "application/json" },
      body: body === undefined ? null : JSON.stringify(body),
      signal: timeout.signal,
    });
  } catch {
    throw timeout.signal.aborted
      ? new ApiError(`the server did not answer within ${ACTION_TIMEOUT_MS / 1000} s`)
      : new ApiError("the server cannot be reached");
  } finally {
    clearTimeout(timer);
  }
  if (!response.ok) {
    throw new ApiError(`the server answered ${response.status}${response.statusText ? ` ${response.statusText}` : ""}`, response.status);
  }
  return (response.status === 204 ? undefined : await response.json()) as T;
}

/** What went wrong, for the page to show: an {@link ApiError}'s message, or the error's own. */
export function describeFailure(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

export const session = () => send<{ name: string | null }>("GET", "/api/session");
export const signIn = (name: string) => send<{ name: string }>("POST", "/api/session", { name });
export const signOut = () => send<void>("DELETE", "/api/session");
// Snapshots: a state and the stream position it was taken at, from which the page reads the stream.
export const rooms = (signal: AbortSignal) => fetchSnapshot<RoomSummary[]>("/api/rooms", { signal });
export const openRoom = (room: string, signal: AbortSignal) =>
  fetchSnapshot<RoomState>(`/api/rooms/${encodeURIComponent(room)}`, { signal });
export const post = (room: string, text: string) =>
  send<ChatMessage>("POST", `/api/rooms/${encodeURIComponent(room)}/messages`, { text });
export const typing = (room: string) => send<void>("POST", `/api/rooms/${encodeURIComponent(room)}/typing`);
export const wave = (room: string, to: string) => send<void>("POST", `/api/rooms/${encodeURIComponent(room)}/wave`, { to });
