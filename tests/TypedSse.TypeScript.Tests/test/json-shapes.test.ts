import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { after, before, test } from "node:test";
import { fileURLToPath } from "node:url";
import { TestServer } from "./server.js";

const projectDirectory = join(dirname(fileURLToPath(import.meta.url)), "..", "..");

let server: TestServer;

before(async () => {
  server = await TestServer.start();
});

after(async () => {
  await server.stop();
});

// The JSON System.Text.Json really writes (web defaults, serialized by the test server) for each payload shape that
// is easy to get wrong, assigned to the generated type and compiled with tsc under the strict settings: a type that
// rejects real JSON fails here. What each type must reject is checked in types.test.ts.
test("the JSON System.Text.Json writes is accepted by the generated types (checked by tsc)", async () => {
  const samples = (await server.get("json-shapes", {})) as { type: string; json: string }[];
  assert.ok(samples.length >= 10, "the server serves the samples");

  const directory = join(projectDirectory, "obj", "json-shapes");
  mkdirSync(directory, { recursive: true });
  const types = [...new Set(samples.map((s) => s.type.replace("[]", "")))].sort();
  const lines = [
    `import type { ${types.join(", ")} } from "../../generated/json-shape-events.js";`,
    "",
    ...samples.map((sample, i) => `// ${sample.json}\nexport const sample${i}: ${sample.type} = ${sample.json};`),
  ];
  writeFileSync(join(directory, "samples.ts"), lines.join("\n") + "\n");
  writeFileSync(join(directory, "tsconfig.json"), JSON.stringify({ extends: "../../tsconfig.generated.json", include: ["samples.ts"] }));

  const compiler = join(projectDirectory, "node_modules", "typescript", "bin", "tsc");
  const result = spawnSync(process.execPath, [compiler, "-p", join(directory, "tsconfig.json"), "--pretty", "false"], { cwd: projectDirectory, encoding: "utf8" });
  assert.equal(result.status, 0, `tsc rejected real JSON:\n${result.stdout}${result.stderr}\n${lines.join("\n")}`);
});
