// The project's import graph, read with the TypeScript compiler's own pre-processor, and the rules the
// house keeps (docs/architecture.md, "Rooms and floors"): a module imports only rooms on lower floors or
// its own room, no modules import each other in a circle, and production code imports no test code.
import { readFileSync } from "node:fs";
import { dirname, join, relative, resolve, sep } from "node:path";
import ts from "typescript";
import { isCyclic, stronglyConnected } from "../policies/lib/graph";
import { findProjectFiles } from "./project-files";

/** Project-relative module path (posix, with extension) → the project modules it imports. */
export type ImportGraph = ReadonlyMap<string, readonly string[]>;

/** A module's external imports too (`node:test`, packages), by the specifier as written. */
export type SpecifierMap = ReadonlyMap<string, readonly string[]>;

function toPosix(path: string): string {
  return path.split(sep).join("/");
}

/** The project file an import specifier names, if it names one (`./x` → `x.ts` or `x/index.ts`). */
function resolveSpecifier(root: string, from: string, specifier: string, known: Set<string>): string | null {
  if (!specifier.startsWith(".")) return null;
  const base = toPosix(relative(root, resolve(dirname(join(root, from)), specifier)));
  const stem = base.replace(/\.js$/, "");
  for (const candidate of [base, `${stem}.ts`, `${stem}/index.ts`]) {
    if (known.has(candidate)) return candidate;
  }
  return null;
}

/** Reads every TypeScript module under `root` (tests included) and what it imports. */
export function readImports(root: string): { graph: ImportGraph; specifiers: SpecifierMap } {
  const files = findProjectFiles(root, (name) => name.endsWith(".ts") && !name.endsWith(".d.ts")).map(
    (file) => toPosix(relative(root, file)),
  );
  const known = new Set(files);
  const graph = new Map<string, string[]>();
  const specifiers = new Map<string, string[]>();
  for (const file of files) {
    const info = ts.preProcessFile(readFileSync(join(root, file), "utf8"), true, true);
    const names = info.importedFiles.map((imported) => imported.fileName);
    specifiers.set(file, names);
    graph.set(
      file,
      names.flatMap((name) => {
        const target = resolveSpecifier(root, file, name, known);
        return target ? [target] : [];
      }),
    );
  }
  return { graph, specifiers };
}

/** The test runner itself: it runs on `node:test`. */
const TEST_RUNNER = new Set(["scripts/run-tests.ts", "scripts/quiet-reporter.ts"]);

/** Test code: test files, the test runner and the test-support folders, which may import anything. */
export function isTestCode(file: string): boolean {
  return (
    TEST_RUNNER.has(file) ||
    file.endsWith(".test.ts") ||
    file.endsWith("/testing.ts") ||
    file.split("/").some((part) => part === "test-support" || part === "testing" || part === "fixtures")
  );
}

/**
 * A room is a top-level folder (or file), or inside `components/` one of its folders (or files): the
 * floor plan names each room's floor, lowest first. A room not in the plan is reported, so a new
 * folder gets its floor on purpose.
 */
export interface FloorPlan {
  /** Rooms inside this folder are its children, not the folder itself (e.g. "components"). */
  readonly nested: readonly string[];
  readonly floors: Readonly<Record<string, number>>;
}

export function roomOf(file: string, plan: FloorPlan): string {
  // A file the plan names is a room of its own (an entry point inside a lower room, say).
  if (plan.floors[file] !== undefined) return file;
  const parts = file.split("/");
  const top = parts[0] ?? file;
  if (plan.nested.includes(top) && parts.length > 1) return `${top}/${parts[1]}`;
  return top;
}

/** Imports of production code that run to a room on the same or a higher floor (other than its own). */
export function floorViolations(graph: ImportGraph, plan: FloorPlan): string[] {
  const problems: string[] = [];
  const floorOf = (file: string): number | undefined => plan.floors[roomOf(file, plan)];
  for (const [file, targets] of graph) {
    if (isTestCode(file)) continue;
    const floor = floorOf(file);
    if (floor === undefined) {
      problems.push(`${file}: room ${roomOf(file, plan)} has no floor in the plan`);
      continue;
    }
    for (const target of targets) {
      if (roomOf(target, plan) === roomOf(file, plan)) continue;
      const targetFloor = floorOf(target);
      if (targetFloor === undefined || targetFloor >= floor) {
        problems.push(
          `${file} (floor ${floor}) imports ${target} (floor ${targetFloor ?? "none"}): not below it`,
        );
      }
    }
  }
  return problems;
}

/** Circles of modules that import each other, each sorted. */
export function importCircles(graph: ImportGraph): string[][] {
  return stronglyConnected(graph)
    .filter((component) => isCyclic(graph, component))
    .map((component) => [...component].sort());
}

/** Production modules that import `node:test`, test code or `scripts/` (the scripts themselves aside). */
export function testImportsInProduction(graph: ImportGraph, specifiers: SpecifierMap): string[] {
  const problems: string[] = [];
  for (const [file, targets] of graph) {
    if (isTestCode(file)) continue;
    if ((specifiers.get(file) ?? []).some((name) => name === "node:test" || name === "node:assert/strict")) {
      problems.push(`${file} imports the test runner or its assertions`);
    }
    for (const target of targets) {
      if (isTestCode(target)) problems.push(`${file} imports test code ${target}`);
      else if (target.startsWith("scripts/") && !file.startsWith("scripts/")) {
        problems.push(`${file} imports the script ${target}`);
      }
    }
  }
  return problems;
}
