import { spawn, type ChildProcess } from "node:child_process";
import { existsSync, statSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

/** Generous: a loaded 2-core machine starts .NET slowly. Tests wait for conditions, never for time. */
export const PATIENCE_MS = 60_000;

const projectDirectory = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
const assemblyName = "TypedSse.TypeScript.TestServer.dll";

/** The test server (a Kestrel app) running in a child process. */
export class TestServer {
  private readonly process: ChildProcess;
  readonly url: string;

  private constructor(process: ChildProcess, url: string) {
    this.process = process;
    this.url = url;
  }

  /** Starts the built test server on a free port of 127.0.0.1 and resolves once it listens. */
  static async start(environment: Record<string, string> = {}): Promise<TestServer> {
    const assembly = findAssembly();
    const child = spawn("dotnet", [assembly, "--urls", "http://127.0.0.1:0"], {
      cwd: projectDirectory,
      env: { ...process.env, ...environment, DOTNET_NOLOGO: "1" },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let output = "";
    const url = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => fail(new Error(`The test server did not start within ${PATIENCE_MS} ms.`)), PATIENCE_MS);
      function fail(error: Error): void {
        clearTimeout(timer);
        child.kill();
        reject(new Error(`${error.message}\nIts output:\n${output}`));
      }
      child.on("error", (error) => fail(error));
      child.on("exit", (code) => fail(new Error(`The test server exited with code ${code} before it listened.`)));
      child.stderr?.on("data", (chunk: Buffer) => {
        output += chunk.toString();
      });
      child.stdout?.on("data", (chunk: Buffer) => {
        output += chunk.toString();
        const match = /^TYPEDSSE_TEST_SERVER (\S+)$/m.exec(output);
        if (match?.[1] !== undefined) {
          clearTimeout(timer);
          child.removeAllListeners("exit");
          resolve(match[1]);
        }
      });
    });
    return new TestServer(child, url);
  }

  /** Calls a control endpoint of the server, for example `post("count", { room: "a", from: "1", to: "3" })`. */
  async post(action: string, query: Record<string, string>): Promise<unknown> {
    return this.send("POST", action, query);
  }

  async get(action: string, query: Record<string, string>): Promise<unknown> {
    return this.send("GET", action, query);
  }

  async stop(): Promise<void> {
    if (this.process.exitCode !== null) {
      return;
    }
    const exited = new Promise((resolve) => this.process.once("exit", resolve));
    this.process.kill("SIGTERM");
    await exited;
  }

  private async send(method: string, action: string, query: Record<string, string>): Promise<unknown> {
    const response = await fetch(`${this.url}/control/${action}?${new URLSearchParams(query)}`, { method });
    if (!response.ok) {
      throw new Error(`${method} /control/${action} answered ${response.status}.`);
    }
    const text = await response.text();
    return text === "" ? undefined : (JSON.parse(text) as unknown);
  }
}

// test.sh builds the solution in Release first; a Debug build (from an IDE) is used only when it is newer.
function findAssembly(): string {
  const candidates = ["Release", "Debug"]
    .map((configuration) => join(projectDirectory, "bin", configuration, "net10.0", assemblyName))
    .filter((path) => existsSync(path))
    .sort((a, b) => statSync(b).mtimeMs - statSync(a).mtimeMs);
  if (candidates[0] === undefined) {
    throw new Error(
      `The test server is not built: ${join(projectDirectory, "bin", "Release", "net10.0", assemblyName)} is missing. ` +
        "Run `dotnet build tests/TypedSse.TypeScript.Tests -c Release` (or ./test.sh) first.",
    );
  }
  return candidates[0];
}

/** Waits until `condition` holds, checking every 20 ms, for at most {@link PATIENCE_MS}. */
export async function waitFor(description: string, condition: () => boolean | Promise<boolean>): Promise<void> {
  const deadline = Date.now() + PATIENCE_MS;
  while (!(await condition())) {
    if (Date.now() > deadline) {
      throw new Error(`Timed out waiting for ${description}.`);
    }
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
