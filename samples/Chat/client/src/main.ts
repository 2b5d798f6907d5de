// The chat page, on the typed clients that `dotnet build` generates from Contracts/*.cs into generated/. Three
// streams: the lobby (rooms, for everyone), the open room (scoped by the route), and the inbox (only this user's
// events; the stream requires sign-in). Actions are HTTP calls; what they cause comes back as events, so two tabs
// see each other's actions.
//
// The three clients do not open three connections: they share one to the app's multiplexed endpoint, and every tab
// of the browser shares that one too (one tab holds it and relays to the others). A browser allows six HTTP/1.1
// connections per origin, so three per tab would leave the second tab's POSTs waiting forever.
import * as api from "./api.js";
import { byId, h, time } from "./dom.js";
import { StreamWatcher, type ConnectionState, type ReceivedEvent } from "./connection.js";
import { InboxEventsClient } from "./generated/inbox-events.js";
import { LobbyEventsClient, type RoomSummary } from "./generated/lobby-events.js";
import { RoomEventsClient, type ChatMessage } from "./generated/room-events.js";
import { configureClients, SnapshotStream } from "./generated/typedsse/index.js";

// Where Program.cs maps app.MapEventStreams; every client constructed from here on uses it.
configureClients({ multiplexUrl: "/api/events" });

type StreamName = "room" | "lobby" | "inbox";

const TYPING_SHOWN_MS = 3000;
const TYPING_SENT_EVERY_MS = 2000;
const LOG_LENGTH = 40;
/** The newest notifications the inbox lists, and the toasts shown at once: a busy inbox must not slow the page. */
const INBOX_LENGTH = 50;
const TOASTS_SHOWN = 3;
const ACTION_ERROR_SHOWN_MS = 6000;
/** The newest messages and notices a room shows: a busy room must not slow the page either. */
const MESSAGES_SHOWN = 200;

let me = "";
let roomName = "";
let room: SnapshotStream<api.RoomState, RoomEventsClient> | undefined;
const messages = new Map<string, ChatMessage>();
const members = new Set<string>();
const rooms = new Map<string, RoomSummary>();
const notices: { text: string; at: string }[] = [];
const typingUntil = new Map<string, number>();
const postedAt = new Map<string, number>();
let lastTypingSent = 0;

async function main(): Promise<void> {
  const session = await api.session();
  if (session.name) {
    start(session.name);
  } else {
    showSignIn();
  }
}

function showSignIn(): void {
  const form = byId<HTMLFormElement>("sign-in");
  const input = byId<HTMLInputElement>("sign-in-name");
  const error = byId("sign-in-error");
  document.body.dataset["view"] = "sign-in";
  input.focus();
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    try {
      const session = await api.signIn(input.value.trim());
      start(session.name);
    } catch (failure) {
      error.textContent = failure instanceof api.ApiError && failure.status === 400
        ? "Pick a name of 1 to 20 letters, digits, '-' or '_'."
        : `Not signed in: ${api.describeFailure(failure)}. Try again.`;
    }
  });
}

function start(name: string): void {
  me = name;
  document.body.dataset["view"] = "chat";
  byId("me").textContent = name;
  byId("sign-out").addEventListener("click", async () => {
    await api.signOut();
    location.reload();
  });

  // The room list: a snapshot, then the lobby's events from the position it was taken at. After a reset (the server
  // could not replay what this page missed) the SnapshotStream loads a new snapshot and starts over from there.
  const lobbyWatcher = watcher("lobby");
  new SnapshotStream({
    load: api.rooms,
    apply: (list) => {
      rooms.clear();
      list.forEach((summary) => rooms.set(summary.name, summary));
      render(renderRooms);
    },
    connect: (lastEventId) => {
      const lobby = new LobbyEventsClient({ lastEventId });
      lobbyWatcher.follow(lobby.source);
      lobby.on("roomUpdated", (summary) => {
        // Two changes of a room at once can publish their summaries out of order: the newer version wins.
        if ((rooms.get(summary.name)?.version ?? -1) < summary.version) {
          rooms.set(summary.name, summary);
          render(renderRooms);
        }
      });
      return lobby;
    },
  });

  const inbox = new InboxEventsClient();
  watcher("inbox").follow(inbox.source);
  inbox.on("mentioned", (message) =>
    notify(`@${message.author} mentioned you in #${message.room}`, message.text, message.room));
  inbox.on("waved", (from, inRoom) => notify(`${from} waved at you`, `from #${inRoom}`, inRoom));
  // The inbox needs sign-in: refused with 401, this user signed out (in another tab), so this tab goes too.
  inbox.source.on("close", (close) => {
    if (close.reason === "refused" && close.status === 401) {
      location.reload();
    }
  });

  byId<HTMLFormElement>("new-room").addEventListener("submit", (event) => {
    event.preventDefault();
    const input = byId<HTMLInputElement>("new-room-name");
    const name = input.value.trim().toLowerCase().replace(/[^a-z0-9-]+/g, "-").replace(/^-+/, "").slice(0, 32);
    if (name) {
      input.value = "";
      location.hash = name;
    }
  });

  // A message leaves the box only once the server took it: a failed or hung POST keeps the text, says what went
  // wrong, and Send tries again.
  const composer = byId<HTMLInputElement>("composer-text");
  const send = byId<HTMLButtonElement>("composer-send");
  const sendError = byId("composer-error");
  byId<HTMLFormElement>("composer").addEventListener("submit", async (event) => {
    event.preventDefault();
    const text = composer.value.trim();
    if (!text || send.disabled) {
      return;
    }
    send.disabled = true;
    send.textContent = "Sending…";
    sendError.textContent = "";
    try {
      await api.post(roomName, text);
      if (composer.value.trim() === text) {
        composer.value = "";
      }
    } catch (error) {
      sendError.textContent = `Not sent: ${api.describeFailure(error)}. Your message is still here; press Send to try again.`;
    } finally {
      send.disabled = false;
      send.textContent = "Send";
    }
  });
  composer.addEventListener("input", () => {
    if (Date.now() - lastTypingSent > TYPING_SENT_EVERY_MS) {
      lastTypingSent = Date.now();
      api.typing(roomName).catch((error: unknown) => showActionError(`Typing not shown to others: ${api.describeFailure(error)}`));
    }
  });

  window.addEventListener("hashchange", () => openRoom(roomFromHash()));
  openRoom(roomFromHash());
  setInterval(renderTyping, 500);
}

function roomFromHash(): string {
  const name = decodeURIComponent(location.hash.slice(1));
  return /^[a-z0-9][a-z0-9-]{0,31}$/.test(name) ? name : "general";
}

const roomWatcher = (): StreamWatcher => (roomWatcherInstance ??= watcher("room"));
let roomWatcherInstance: StreamWatcher | undefined;

function openRoom(name: string): void {
  if (name === roomName && room) {
    return;
  }
  room?.close();
  roomName = name;
  clearRoom();
  byId("room-name").textContent = `#${name}`;
  render(renderRooms);
  roomWatcher().restart();

  // The room's members and recent messages, then its events from the position they were taken at: a member who
  // joins (this user, as the room's stream subscribes) or a message posted meanwhile comes after the snapshot, never
  // under it. After a reset (the server restarted without PostgreSQL, or the page was away too long) the room is
  // loaded again the same way, so nothing stale stays on screen.
  room = new SnapshotStream({
    load: (signal) => api.openRoom(name, signal),
    apply: (state) => {
      clearRoom();
      state.messages.forEach((message) => messages.set(message.id, message));
      state.members.forEach((member) => members.add(member));
      render(renderMessages);
      render(renderMembers);
    },
    connect: (lastEventId) => {
      const stream = new RoomEventsClient({ room: name }, { lastEventId });
      roomWatcher().follow(stream.source);
      stream.on("messagePosted", (message) => {
        // By id: a message posted while the snapshot was read can be in it and come as an event too.
        messages.set(message.id, message);
        for (const id of messages.keys()) {
          if (messages.size <= MESSAGES_SHOWN) {
            break;
          }
          messages.delete(id);
        }
        typingUntil.delete(message.author);
        postedAt.set(message.author, Date.now());
        render(renderMessages);
      });
      stream.on("memberJoined", (member, at) => {
        members.add(member);
        addNotice(`${member} joined`, at);
        render(renderMembers);
      });
      stream.on("memberLeft", (member, at) => {
        members.delete(member);
        addNotice(`${member} left`, at);
        render(renderMembers);
      });
      stream.on("typing", (member) => {
        // A typing event can overtake the message it announced; one right after that message is stale.
        if (member !== me && Date.now() - (postedAt.get(member) ?? 0) > 1000) {
          typingUntil.set(member, Date.now() + TYPING_SHOWN_MS);
          render(renderTyping);
        }
      });
      return stream;
    },
  });
}

function clearRoom(): void {
  messages.clear();
  notices.length = 0;
  members.clear();
  typingUntil.clear();
  postedAt.clear();
  render(renderMessages);
  render(renderMembers);
}

function addNotice(text: string, at: string): void {
  notices.push({ text, at });
  notices.splice(0, notices.length - MESSAGES_SHOWN);
  render(renderMessages);
}

const pending = new Set<() => void>();

/**
 * Renders `part` at the next frame, once however often it was asked for: a read of a busy stream delivers many
 * events at once, and rendering the room for each would starve the page (and the stream it reads).
 */
function render(part: () => void): void {
  if (pending.size === 0) {
    requestAnimationFrame(() => {
      const parts = [...pending];
      pending.clear();
      parts.forEach((each) => each());
    });
  }
  pending.add(part);
}

function renderMessages(): void {
  const list = byId("messages");
  const items = [
    ...[...messages.values()].map((message) => ({ at: message.sentAt, node: messageNode(message) })),
    ...notices.map((notice) => ({
      at: notice.at,
      node: h("li", { class: "notice", "data-testid": "notice" }, `${notice.text} · ${time(notice.at)}`),
    })),
  ].sort((a, b) => (a.at < b.at ? -1 : a.at > b.at ? 1 : 0));
  const atBottom = list.scrollHeight - list.scrollTop - list.clientHeight < 40;
  // The empty state comes after the join notices, where the first message will appear.
  const empty = messages.size === 0 && h("li", { id: "empty-room", class: "empty" }, "No messages yet. Say hello!");
  list.replaceChildren(...items.map((item) => item.node), ...(empty ? [empty] : []));
  if (atBottom) {
    list.scrollTop = list.scrollHeight;
  }
}

function messageNode(message: ChatMessage): HTMLElement {
  const mine = message.author === me;
  const text = h("div", { class: "text" });
  for (const part of message.text.split(/(@[A-Za-z0-9_-]{1,20})/)) {
    text.append(part.startsWith("@") ? h("span", { class: part === `@${me}` ? "mention me" : "mention" }, part) : part);
  }
  return h("li", { class: mine ? "message mine" : "message", "data-testid": "message", "data-id": message.id },
    h("div", { class: "avatar", style: `background:${colorOf(message.author)}` }, message.author.slice(0, 1).toUpperCase()),
    h("div", { class: "body" },
      h("div", { class: "meta" }, h("strong", {}, message.author), h("time", {}, time(message.sentAt))),
      text));
}

function renderMembers(): void {
  byId("member-count").textContent = String(members.size);
  byId("members").replaceChildren(...[...members].sort().map((member) =>
    h("li", { "data-testid": "member" },
      h("span", { class: "dot", style: `background:${colorOf(member)}` }),
      h("span", { class: "name" }, member === me ? `${member} (you)` : member),
      member !== me && h("button", { class: "wave", title: `Wave at ${member}`, onclick: () => wave(member) }, "Wave"))));
}

function wave(member: string): void {
  api.wave(roomName, member).catch((error: unknown) => showActionError(`Wave at ${member} not sent: ${api.describeFailure(error)}`));
}

let actionErrorTimer: ReturnType<typeof setTimeout> | undefined;

/** Says, for a few seconds below the messages, that a typing notice or a wave did not go out. */
function showActionError(text: string): void {
  const line = byId("action-error");
  line.textContent = text;
  clearTimeout(actionErrorTimer);
  actionErrorTimer = setTimeout(() => { line.textContent = ""; }, ACTION_ERROR_SHOWN_MS);
}

function renderRooms(): void {
  byId("rooms").replaceChildren(...[...rooms.values()].sort((a, b) => a.name.localeCompare(b.name)).map((summary) =>
    h("li", { class: summary.name === roomName ? "current" : "" },
      h("a", { href: `#${summary.name}` },
        h("span", { class: "room" }, `#${summary.name}`),
        h("span", { class: "counts" }, `${summary.members.length} here · ${summary.messageCount} msgs`),
        summary.lastMessage && h("span", { class: "last" }, `${summary.lastMessage.author}: ${summary.lastMessage.text}`)))));
}

function renderTyping(): void {
  const now = Date.now();
  const names = [...typingUntil].filter(([, until]) => until > now).map(([name]) => name);
  byId("typing").textContent = names.length === 0 ? "" : `${names.join(", ")} ${names.length === 1 ? "is" : "are"} typing…`;
}

function notify(title: string, text: string, inRoom: string): void {
  const item = h("li", { "data-testid": "notification" },
    h("a", { href: `#${inRoom}` }, h("strong", {}, title), h("span", {}, text)));
  const list = byId("inbox");
  list.prepend(item);
  while (list.children.length > INBOX_LENGTH) {
    list.lastElementChild!.remove();
  }
  byId("inbox-empty").hidden = true;
  const toasts = byId("toasts");
  const toast = h("div", { class: "toast" }, h("strong", {}, title), h("span", {}, text));
  toasts.append(toast);
  while (toasts.children.length > TOASTS_SHOWN) {
    toasts.firstElementChild!.remove();
  }
  setTimeout(() => toast.remove(), 5000);
}

/** Every event this page received, in order: for the browser test and the devtools console. */
const received: { stream: StreamName; type: string; id: string; data: unknown }[] = [];
(window as unknown as { typedSseChat: unknown }).typedSseChat = { received };

function watcher(name: StreamName): StreamWatcher {
  return new StreamWatcher((state) => renderConnection(name, state), (event) => {
    received.push({ stream: name, type: event.type, id: event.id, data: event.data });
    log(name, event);
  });
}

function renderConnection(name: StreamName, state: ConnectionState): void {
  const row = byId(`connection-${name}`);
  row.dataset["status"] = state.status;
  row.dataset["reconnects"] = String(state.reconnects);
  row.dataset["closedBecause"] = state.closedBecause ?? "";
  row.querySelector(".status")!.textContent = state.closedBecause ? `closed: ${state.closedBecause}` : state.status;
  row.querySelector(".reconnects")!.textContent = state.reconnects === 1 ? "1 reconnect" : `${state.reconnects} reconnects`;
  row.querySelector(".last-id")!.textContent = state.lastEventId ? `last id ${state.lastEventId}` : "no events yet";
  const all = ["room", "lobby", "inbox"].map((stream) => byId(`connection-${stream}`).dataset["status"]);
  const overall = all.every((status) => status === "open") ? "live"
    : all.some((status) => status === "reconnecting") ? "reconnecting"
    : all.some((status) => status === "closed") ? "closed" : "connecting";
  const badge = byId("live");
  badge.dataset["status"] = overall;
  badge.textContent = { live: "● live", reconnecting: "● reconnecting…", closed: "● closed", connecting: "● connecting…" }[overall];
}

function log(stream: StreamName, event: ReceivedEvent): void {
  const list = byId("event-log");
  list.prepend(h("li", {},
    h("span", { class: `stream ${stream}` }, stream),
    h("code", { class: "event" }, event.type),
    h("span", { class: "id" }, event.id),
    h("span", { class: "data" }, JSON.stringify(event.data) ?? "")));
  while (list.children.length > LOG_LENGTH) {
    list.lastElementChild!.remove();
  }
}

const PALETTE = ["#e8590c", "#2f9e44", "#1971c2", "#9c36b5", "#c2255c", "#0c8599", "#f08c00", "#5c940d"];

function colorOf(name: string): string {
  let hash = 0;
  for (const char of name) {
    hash = (hash * 31 + char.charCodeAt(0)) | 0;
  }
  return PALETTE[Math.abs(hash) % PALETTE.length]!;
}

void main();
