// Compiles the TypedSse client parser for parser-bench.mjs into dist/parser.js. The parser is read from
// src/TypedSse.TypeScript/runtime/parser.ts, or from $TYPEDSSE_PARSER_TS. Exits 3 when there is no parser to build.
import { execFileSync } from "node:child_process";
import { copyFileSync, existsSync, mkdirSync, rmSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const source = resolve(process.env.TYPEDSSE_PARSER_TS ?? join(here, "../../src/TypedSse.TypeScript/runtime/parser.ts"));
if (!existsSync(source)) {
  console.error(`No TypeScript parser at ${source}; the client parser benchmark is skipped.`);
  process.exit(3);
}
const work = join(here, "dist", "src");
rmSync(join(here, "dist"), { recursive: true, force: true });
mkdirSync(work, { recursive: true });
copyFileSync(source, join(work, "parser.ts"));
// The options of the client package's own build (ES2020 output, strict), so the benchmark runs the code browsers get.
execFileSync(process.execPath, [
  join(here, "node_modules/typescript/bin/tsc"),
  "--target", "ES2020", "--module", "ES2020", "--moduleResolution", "bundler", "--lib", "ES2020,DOM", "--types", "",
  "--strict", "--skipLibCheck", "--rootDir", work, "--outDir", join(here, "dist"), join(work, "parser.ts"),
], { stdio: "inherit" });
console.error(`Built dist/parser.js from ${source}.`);
