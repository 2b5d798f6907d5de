import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { readdirSync } from "node:fs";
import { dirname, join } from "node:path";
import { test } from "node:test";
import { fileURLToPath } from "node:url";

const projectDirectory = join(dirname(fileURLToPath(import.meta.url)), "..", "..");

test("the generated clients pass tsc --strict with the strictest preset (noUncheckedIndexedAccess, exactOptionalPropertyTypes, noPropertyAccessFromIndexSignature, ...)", () => {
  const generated = readdirSync(join(projectDirectory, "generated"));
  assert.deepEqual(generated.sort(), ["asyncapi.json", "broad-events.ts", "clock-events.ts", "json-shape-events.ts", "package.json", "typedsse"]);

  tsc("-p", "tsconfig.generated.json");
});

test("they also pass with a recent lib and target, as a new project would have them", () => {
  tsc("-p", "tsconfig.generated.json", "--target", "ES2023", "--lib", "ES2023,DOM,DOM.Iterable");
});

function tsc(...args: string[]): void {
  const compiler = join(projectDirectory, "node_modules", "typescript", "bin", "tsc");
  const result = spawnSync(process.execPath, [compiler, ...args, "--pretty", "false"], { cwd: projectDirectory, encoding: "utf8" });
  assert.equal(result.status, 0, `tsc ${args.join(" ")} reported errors:\n${result.stdout}${result.stderr}`);
}
