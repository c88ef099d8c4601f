// Runs every `*.test.ts` in the project with Node's built-in test runner (through tsx): each file in its
// own process, two at a time. Node 20's runner does not expand globs itself, so the files are listed here.
// The output is the quiet reporter's (scripts/quiet-reporter.ts); DEBUG=1 switches to the spec reporter.
import { relative } from "node:path";
import { pipeline } from "node:stream/promises";
import { run } from "node:test";
import { spec as SpecReporter } from "node:test/reporters";
import { findProjectFiles } from "./project-files";
import { quietReporter } from "./quiet-reporter";

const args = process.argv.slice(2);
if (args.includes("--help")) {
  console.log(
    [
      "Usage: npm run test:unit [-- <path filter>...]",
      "Runs every *.test.ts (filtered by substring). A passing file's output (logs) is not shown;",
      "a failing file's output and tests are printed after the progress dots. DEBUG=1 shows everything.",
    ].join("\n"),
  );
  process.exit(0);
}
const root = process.cwd();
const files = findProjectFiles(root, (name) => name.endsWith(".test.ts"))
  .map((file) => relative(root, file))
  .filter((file) => args.length === 0 || args.some((filter) => file.includes(filter)))
  .sort();
if (files.length === 0) {
  console.error(`No test files match ${args.join(", ") || "*.test.ts"}.`);
  process.exit(1);
}

// The AWS SDK's own switch for its "Node >= 22 after January 2027" notice: the supported Node versions
// are stated in package.json's engines and the README; repeating the notice in every test file is noise.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= "true";

// The test files run in child processes with this process's execArgv, so tsx's loader is theirs too.
async function main(): Promise<void> {
  let failed = false;
  const tests = run({ files, concurrency: 2 });
  tests.on("test:fail", () => {
    failed = true;
  });
  const reporter = process.env.DEBUG ? new SpecReporter() : quietReporter;
  await pipeline(tests, reporter, process.stdout);
  process.exitCode = failed ? 1 : 0;
}

void main();
