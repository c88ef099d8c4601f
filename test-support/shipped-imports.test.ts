// The IAM engine (@cloud-copilot/iam-simulate) is AGPL-3.0: a devDependency that only tests use.
// Nothing that ships (the Pulumi program, the handlers, the image, the local runner, the policy pack,
// the scripts) may import it, directly or through the test helper that wraps it.
import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, it } from "node:test";

const ROOT = join(__dirname, "..");
// Everything but test-support/ (the test helpers) and the *.test.ts files.
const SHIPPED = [
  "index.ts",
  "components",
  "contracts",
  "handlers",
  "training",
  "local",
  "policies",
  "scripts",
];
const SKIP = new Set(["node_modules", "dist", ".pipeline"]);
const FORBIDDEN =
  /from\s+["'](@cloud-copilot\/[^"']+|[^"']*iam-simulation)["']|require\(\s*["']@cloud-copilot/;

function sources(path: string): string[] {
  const full = join(ROOT, path);
  if (path.endsWith(".ts")) return [path];
  return readdirSync(full, { withFileTypes: true }).flatMap((entry) => {
    if (SKIP.has(entry.name)) return [];
    const child = join(path, entry.name);
    if (entry.isDirectory()) return sources(child);
    return entry.name.endsWith(".ts") ? [child] : [];
  });
}

describe("what ships", () => {
  it("never imports the AGPL IAM engine", () => {
    const files = SHIPPED.flatMap(sources).filter((path) => !path.endsWith(".test.ts"));
    assert.ok(files.length > 50, `only ${files.length} files found`);
    const offenders = files.filter((path) => FORBIDDEN.test(readFileSync(join(ROOT, path), "utf8")));
    assert.deepEqual(offenders, []);
  });

  it("keeps the engine a devDependency", () => {
    const manifest = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")) as Record<
      string,
      Record<string, string> | undefined
    >;
    assert.ok(manifest.devDependencies?.["@cloud-copilot/iam-simulate"]);
    assert.equal(manifest.dependencies?.["@cloud-copilot/iam-simulate"], undefined);
    assert.equal(manifest.optionalDependencies?.["@cloud-copilot/iam-simulate"], undefined);
  });

  it("recognises an import of the engine (the check above can fail)", () => {
    assert.ok(FORBIDDEN.test('import { runSimulation } from "@cloud-copilot/iam-simulate";'));
    assert.ok(FORBIDDEN.test('import { decide } from "../test-support/iam-simulation";'));
    assert.ok(!FORBIDDEN.test('import { decide } from "./iam-checks";'));
  });
});
