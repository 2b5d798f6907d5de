// The sse-channel server under test: one broadcast channel with history at /bench, and the same /control endpoints
// as the .NET servers (see ../TypedSse.Benchmarks.Servers/Publisher.cs), so the load generator drives it the same way.
import http from "node:http";
import SseChannel from "sse-channel";

const args = process.argv.slice(2);
const arg = (name, fallback) => {
  const i = args.indexOf(name);
  return i >= 0 && i + 1 < args.length ? args[i + 1] : fallback;
};
const port = Number(arg("--port", "5500"));
const keepAliveMs = Number(arg("--keep-alive-seconds", "15")) * 1000;
const idBase = 1_000_000_000_000_000n;

const channel = new SseChannel({ historySize: 1000, pingInterval: keepAliveMs });
let lastSeq = 0;
let pacing = false;

const nowMicros = () => Number(process.hrtime.bigint() / 1000n);

function publish(ts) {
  const seq = ++lastSeq;
  const tick = { seq, ts, symbol: "MSFT", price: 400 + (seq % 100) * 0.25 };
  channel.send({ event: "tick", id: String(idBase + BigInt(seq)), data: JSON.stringify(tick) });
}

function pace(rate, milliseconds) {
  pacing = true;
  const start = nowMicros();
  const end = start + milliseconds * 1000;
  let sent = 0;
  const step = () => {
    const now = nowMicros();
    if (now >= end) {
      pacing = false;
      return;
    }
    const due = Math.floor(((now - start) * rate) / 1e6) + 1;
    for (; sent < due; sent++) {
      publish(start + Math.floor((sent * 1e6) / rate));
    }
    setTimeout(step, 1);
  };
  step();
}

const server = http.createServer((req, res) => {
  const url = new URL(req.url, "http://127.0.0.1");
  const text = (body) => {
    res.writeHead(200, { "Content-Type": "text/plain" });
    res.end(body);
  };
  switch (url.pathname) {
    case "/bench":
      channel.addClient(req, res);
      return;
    case "/control/clock":
      return text(String(nowMicros()));
    case "/control/publish": {
      const count = Number(url.searchParams.get("count"));
      for (let i = 0; i < count; i++) {
        publish(nowMicros());
      }
      return text(String(lastSeq));
    }
    case "/control/pace": {
      const first = lastSeq + 1;
      pace(Number(url.searchParams.get("rate")), Number(url.searchParams.get("milliseconds")));
      return text(String(first));
    }
    case "/control/stats": {
      if (url.searchParams.get("gc") === "true" && global.gc) {
        global.gc();
      }
      res.writeHead(200, { "Content-Type": "application/json" });
      res.end(JSON.stringify({
        subscribers: channel.getConnectionCount(),
        lastSeq,
        managedHeapBytes: process.memoryUsage().heapUsed,
        droppedEvents: 0,
        disconnects: 0,
        pacing,
      }));
      return;
    }
    default:
      res.writeHead(404);
      res.end();
  }
});
server.keepAliveTimeout = 60_000;
server.listen(port, "127.0.0.1");
process.on("SIGTERM", () => process.exit(0));
