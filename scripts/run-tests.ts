// Runs every `*.test.ts` in the project with Node's built-in test runner (through tsx).
// Node 20's runner does not expand globs itself, so the files are listed here.
import { spawnSync } from "node:child_process";
import { readdirSync } from "node:fs";
import { join, relative } from "node:path";

const SKIP = new Set(["node_modules", "dist", ".pipeline", ".git"]);

function findTests(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    if (SKIP.has(entry.name)) return [];
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return findTests(path);
    return entry.name.endsWith(".test.ts") ? [path] : [];
  });
}

const args = process.argv.slice(2);
if (args.includes("--help")) {
  console.log(
    "Usage: npm run test:unit [-- <path filter>...]\nRuns every *.test.ts (filtered by substring).",
  );
  process.exit(0);
}
const root = process.cwd();
const files = findTests(root)
  .map((file) => relative(root, file))
  .filter((file) => args.length === 0 || args.some((filter) => file.includes(filter)))
  .sort();
if (files.length === 0) {
  console.error(`No test files match ${args.join(", ") || "*.test.ts"}.`);
  process.exit(1);
}
const result = spawnSync(
  process.execPath,
  ["--import", "tsx", "--test", "--test-concurrency=2", "--test-reporter=spec", ...files],
  { stdio: "inherit" },
);
process.exit(result.status ?? 1);
