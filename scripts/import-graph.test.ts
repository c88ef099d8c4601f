// The house's rules, checked on the real import graph: each room imports only rooms on lower floors
// (docs/architecture.md, "Rooms and floors"), no circles, no test code in production modules.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  floorViolations,
  type FloorPlan,
  importCircles,
  type ImportGraph,
  readImports,
  testImportsInProduction,
} from "./import-graph";

/** The floors, lowest first. Rooms on one floor do not import each other. */
export const FLOOR_PLAN: FloorPlan = {
  nested: ["components"],
  floors: {
    // Facts shared by every part: no imports at all.
    contracts: 0,
    sql: 1,
    // The policy pack is its own package: it imports nothing of the program.
    policies: 1,
    handlers: 2,
    training: 2,
    types: 2,
    // components/: the ASL model, then the settings and the shared resources, then the stages, then
    // the stack config and the pipeline that composes them.
    "components/asl": 3,
    "components/settings.ts": 4,
    "components/shared": 4,
    "components/storage": 5,
    "components/query-loop": 6,
    "components/sagemaker-stages": 6,
    "components/model-endpoint": 6,
    "components/config.ts": 7,
    "components/pipeline": 8,
    "components/stack-config-file.ts": 8,
    // The stacks' checks: the IAM access table their tests read (data, importing nothing).
    "components/stacks": 9,
    // One execution's model and progress view, shared by the local run and the execution CLI.
    execution: 9,
    // The run report, drawn from an execution's records (a local run's, or an AWS execution's).
    report: 10,
    // The entry points: the Pulumi program, the local run, the execution CLI, the scripts and the
    // benchmarks.
    "index.ts": 11,
    local: 11,
    "execution/cli.ts": 11,
    scripts: 11,
    bench: 11,
    "eslint.config.mjs": 11,
  },
};

const run = readImports(process.cwd());

describe("the import rules", () => {
  const toy: ImportGraph = new Map([
    ["contracts/a.ts", []],
    ["components/asl/b.ts", ["contracts/a.ts"]],
    ["components/pipeline/c.ts", ["components/asl/b.ts", "components/pipeline/d.ts"]],
    ["components/pipeline/d.ts", ["components/pipeline/c.ts"]],
    ["contracts/e.ts", ["components/asl/b.ts"]],
    ["local/f.ts", ["test-support/g.ts", "scripts/h.ts"]],
    ["local/f.test.ts", ["test-support/g.ts"]],
  ]);

  it("name an import that runs up a floor, and a room without a floor", () => {
    const problems = floorViolations(toy, FLOOR_PLAN);
    assert.ok(
      problems.includes("contracts/e.ts (floor 0) imports components/asl/b.ts (floor 3): not below it"),
    );
    assert.ok(
      problems.some((problem) => problem.startsWith("local/f.ts (floor 11) imports test-support/g.ts")),
    );
    assert.ok(!problems.some((problem) => problem.startsWith("components/pipeline/c.ts")));
  });

  it("find a circle and test code in production", () => {
    assert.deepEqual(importCircles(toy), [["components/pipeline/c.ts", "components/pipeline/d.ts"]]);
    assert.deepEqual(testImportsInProduction(toy, new Map()), [
      "local/f.ts imports test code test-support/g.ts",
      "local/f.ts imports the script scripts/h.ts",
    ]);
  });
});

describe("the project's imports", () => {
  it("run down the floors only", () => {
    assert.deepEqual(floorViolations(run.graph, FLOOR_PLAN), []);
  });

  it("make no circles", () => {
    assert.deepEqual(importCircles(run.graph), []);
  });

  it("keep test code, the test runner and the scripts out of production modules", () => {
    assert.deepEqual(testImportsInProduction(run.graph, run.specifiers), []);
  });
});
