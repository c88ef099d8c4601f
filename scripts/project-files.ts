// The project's own files, found by walking the tree: what the test runner and the docs' link check read.
import { readdirSync } from "node:fs";
import { join } from "node:path";

/** Directories that hold installed, built or generated files, not the project's own. */
const NOT_PROJECT = new Set(["node_modules", "dist", ".pipeline", ".git"]);

/** Every file under `dir` whose name passes `wanted`, outside installed, built and generated trees. */
export function findProjectFiles(dir: string, wanted: (name: string) => boolean): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    if (NOT_PROJECT.has(entry.name)) return [];
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return findProjectFiles(path, wanted);
    return wanted(entry.name) ? [path] : [];
  });
}
