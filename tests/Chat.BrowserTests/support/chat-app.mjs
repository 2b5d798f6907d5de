// Runs samples/Chat as the README's users would, from its Release build (./test.sh builds the solution first; the
// build is made here when it is missing). Its output goes to a log file beside the test's other output.
import { spawn, execFileSync } from "node:child_process";
import { createWriteStream, existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { PATIENCE_MS } from "./wait.mjs";

const repository = join(dirname(fileURLToPath(import.meta.url)), "..", "..", "..");
const project = join(repository, "samples", "Chat");
const configuration = process.env.TYPEDSSE_CONFIGURATION ?? "Release";
const dll = join(project, "bin", configuration, "net10.0", "Chat.dll");

export function ensureBuilt() {
  if (!existsSync(dll)) {
    execFileSync("dotnet", ["build", project, "-c", configuration, "-nologo", "-clp:ErrorsOnly"], { stdio: "inherit" });
  }
}

/** Starts the sample on 127.0.0.1:port and resolves once it printed the URL to open. */
export function startChat({ port, connectionString, log }) {
  const url = `http://127.0.0.1:${port}`;
  const child = spawn("dotnet", [dll, "--urls", url, "--contentRoot", project], {
    env: {
      ...process.env,
      ASPNETCORE_ENVIRONMENT: "Production",
      ConnectionStrings__Events: connectionString ?? "",
      DOTNET_NOLOGO: "1",
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  const output = createWriteStream(log, { flags: "a" });
  const exited = new Promise((resolve) => child.on("exit", (code, signal) => resolve({ code, signal })));

  return new Promise((resolve, reject) => {
    let printed = "";
    const timer = setTimeout(() => fail(new Error(`The sample did not print its URL within ${PATIENCE_MS} ms; see ${log}`)), PATIENCE_MS);
    const fail = (error) => {
      clearTimeout(timer);
      child.kill("SIGKILL");
      reject(error);
    };
    child.stderr.pipe(output, { end: false });
    child.stdout.on("data", (chunk) => {
      output.write(chunk);
      printed += chunk;
      if (printed.includes(`Open ${url} in two browser tabs`)) {
        clearTimeout(timer);
        resolve({
          url,
          /** Stops the app the way Ctrl+C does, and waits until it has exited. */
          async stop() {
            child.kill("SIGINT");
            const { code } = await exited;
            if (code !== 0) {
              throw new Error(`The sample exited with ${code}; see ${log}`);
            }
          },
        });
      }
    });
    exited.then(({ code }) => fail(new Error(`The sample exited with ${code} before it started; see ${log}`)));
  });
}
