// The browser test's page: the generated client, bundled by esbuild, connected relative to the page.
import { BroadEventsClient, type BroadEventsEvent } from "../generated/broad-events.js";

declare global {
  interface Window {
    typedsse: { readonly args: [string, readonly unknown[]][]; readonly items: BroadEventsEvent[]; hello: boolean };
  }
}

const room = new URLSearchParams(location.search).get("room") ?? "browser";
const client = new BroadEventsClient({ tenant: "0f8fad5b-d9cb-469f-a165-70867728950e", room, page: 7, big: 9007199254740991, flag: true });
const state: Window["typedsse"] = { args: [], items: [], hello: false };
window.typedsse = state;

client.source.on("hello", () => {
  state.hello = true;
});
client.on("primitivesSent", (primitives) => state.args.push(["primitivesSent", [primitives]]));
client.on("messagePosted", (message) => state.args.push(["messagePosted", [message]]));
client.on("userJoined", (user, at, mood) => state.args.push(["userJoined", [user, at, mood]]));
client.on("shapesDrawn", (shape, animals) => state.args.push(["shapesDrawn", [shape, animals]]));
client.on("collectionsChanged", (collections) => state.args.push(["collectionsChanged", [collections]]));
void (async () => {
  for await (const item of client) {
    state.items.push(item);
  }
})();
