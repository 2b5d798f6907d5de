import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import { describe, it } from "node:test";
import { fileURLToPath } from "node:url";

// The runtime's sources are embedded by the C# generator next to generated clients, so they must stand alone.
const runtimeDirectory = fileURLToPath(new URL("../../runtime/", import.meta.url));
const sources = readdirSync(runtimeDirectory)
  .filter((name) => name.endsWith(".ts"))
  .map((name) => ({ name, text: readFileSync(runtimeDirectory + name, "utf8") }));

describe("runtime sources", () => {
  it("are found", () => {
    assert.ok(sources.some((source) => source.name === "index.ts"));
  });

  it("import only sibling files, with .js suffixes", () => {
    for (const { name, text } of sources) {
      for (const match of text.matchAll(/\bfrom\s+["']([^"']+)["']/g)) {
        assert.match(match[1] ?? "", /^\.\/[a-z-]+\.js$/, `${name} imports ${match[1]}`);
      }
      assert.doesNotMatch(text, /\bimport\s*\(|\brequire\s*\(/, `${name} loads modules dynamically`);
    }
  });

  it("use no any", () => {
    for (const { name, text } of sources) {
      assert.doesNotMatch(text, /:\s*any\b|\bas\s+any\b|<any>|any\[\]/, name);
    }
  });
});
