// A throwaway PostgreSQL server: initdb into a temporary folder, pg_ctl on 127.0.0.1 and a free port, removed at the
// end. As root it runs as the `postgres` OS user (initdb refuses root), like the PostgreSQL tests' fixture.
import { execFile } from "node:child_process";
import { existsSync, readdirSync, rmSync, appendFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { randomUUID } from "node:crypto";
import { freePort } from "./ports.mjs";

const run = promisify(execFile);

function binDirectory() {
  if (process.env.TYPEDSSE_PG_BIN) {
    return process.env.TYPEDSSE_PG_BIN;
  }
  const root = "/usr/lib/postgresql";
  const found = existsSync(root)
    ? readdirSync(root).map(Number).filter((v) => existsSync(join(root, String(v), "bin", "initdb"))).sort((a, b) => b - a)[0]
    : undefined;
  if (found === undefined) {
    throw new Error("PostgreSQL server binaries were not found under /usr/lib/postgresql/*/bin. "
      + "Install them (Debian: apt-get install -y postgresql) or set TYPEDSSE_PG_BIN to their folder.");
  }
  return join(root, String(found), "bin");
}

export async function startPostgres() {
  const bin = binDirectory();
  const asRoot = process.getuid?.() === 0;
  const tool = (name, args) => asRoot ? ["runuser", ["-u", "postgres", "--", join(bin, name), ...args]] : [join(bin, name), args];
  const exec = async (name, ...args) => {
    const [file, argv] = tool(name, args);
    try {
      await run(file, argv, { timeout: 120_000 });
    } catch (error) {
      throw new Error(`${name} ${args.join(" ")} failed: ${error.stderr || error.message}`);
    }
  };

  // initdb creates the folder itself, so it belongs to the user the server runs as.
  const data = join(tmpdir(), `typedsse-chat-pg-${randomUUID()}`);
  await exec("initdb", "-D", data, "-U", "postgres", "-A", "trust", "-E", "UTF8", "--locale=C", "--no-sync", "--no-instructions");
  const port = await freePort();
  appendFileSync(join(data, "postgresql.conf"),
    `\nlisten_addresses = '127.0.0.1'\nport = ${port}\nunix_socket_directories = ''\nfsync = off\nsynchronous_commit = off\nfull_page_writes = off\n`);
  await exec("pg_ctl", "start", "-D", data, "-w", "-t", "60", "-l", join(data, "server.log"));

  return {
    connectionString: `Host=127.0.0.1;Port=${port};Username=postgres;Database=postgres;Timeout=5`,
    async stop() {
      try {
        await exec("pg_ctl", "stop", "-D", data, "-w", "-t", "60", "-m", "immediate");
      } finally {
        rmSync(data, { recursive: true, force: true });
      }
    },
  };
}
