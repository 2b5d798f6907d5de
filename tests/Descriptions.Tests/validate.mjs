// Validates a description document with the same parsers as descriptions.test.mjs, for the .NET tests that serve
// documents of their own (tests/TypedSse.Generator.EndToEndTests/DescriptionTests.cs):
//   node validate.mjs openapi|asyncapi <file>
// Prints the errors and exits with 1 when the document is not valid.
import { readFileSync } from "node:fs";
import { Parser } from "@asyncapi/parser";
import { validate } from "@readme/openapi-parser";

const [kind, file] = process.argv.slice(2);
const text = readFileSync(file, "utf8");
let errors;
if (kind === "openapi") {
  const result = await validate(JSON.parse(text));
  errors = result.valid ? [] : result.errors;
} else if (kind === "asyncapi") {
  const { diagnostics } = await new Parser().parse(text);
  errors = diagnostics.filter((d) => d.severity === 0);
} else {
  console.error(`usage: node validate.mjs openapi|asyncapi <file> (not ${kind})`);
  process.exit(2);
}
if (errors.length > 0) {
  console.error(JSON.stringify(errors, null, 2));
  process.exit(1);
}
console.log(`${file} is a valid ${kind} document`);
